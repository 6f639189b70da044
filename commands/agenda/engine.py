"""The reminder engine: one scheduler job at the earliest instant any event needs, re-armed
after each run, whatever the number of events.

Exactly once per (event, occurrence, offset, target):
1. In one transaction, each due reminder gets a marker row (`claimed`, or `skipped` when
   too late) and the event's `checked_until` moves to now. A marker that already exists
   is left alone, so a reminder is decided once.
2. The claimed reminders enter the outbox with a stable key
   ("agenda-{event}-{occurrence}-{offset}-{target}"): enqueueing twice is a no-op.
   Reminders due at the same instant for the same room become one message listing them
   (GROUP_LIMIT at most), keyed by that instant, the room and a digest of the members'
   keys: grouping the same claimed markers again gives the same key.
3. Their markers become `queued`.
A crash between 1 and 3 leaves `claimed` markers; at start they are enqueued again (the
key makes that safe) and marked. Reminders that fell due while the bot was down are found
at start because `checked_until` stayed behind: sent late within the grace window with
"(rappel en retard)", otherwise skipped with a log line.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.message import Channel, ReplyKind
from bot.outbox import Outbox, OutgoingDraft
from bot.scheduler import Scheduler
from bot.store import Store
from commands.agenda import render
from commands.agenda.config import AgendaConfig
from commands.agenda.groups import event_targets, zone_of
from commands.agenda.model import Event, Occurrence, floor_second, utc_text
from commands.agenda.recurrence import occurrence_for_key
from commands.agenda.reminders import Verdict, decide, due_between, next_check
from commands.agenda.repo import EventRepo, Marker, Schedule

logger = logging.getLogger(__name__)

JOB_ID = "agenda:reminders"
REARM_JOB_ID = "agenda:rearm"
REARM_SECONDS = 600  # also picks up events written by `relais agenda import`
PURGE_JOB_ID = "agenda:purge-markers"
PURGE_SECONDS = 24 * 3600
KEEP_MARKERS = timedelta(days=90)
RETRY_SECONDS = 60
# Reminders listed in one message: one line each, so a burst is one notification and one
# short scroll on a phone; past this many (a rare import) they take several messages.
GROUP_LIMIT = 50


def reminder_key(event_id: int, occurrence: str, offset_key: str, target: str) -> str:
    return f"agenda-{event_id}-{occurrence}-{offset_key}-{target}"


def group_key(due: datetime, target: str, member_keys: list[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(member_keys)).encode()).hexdigest()[:16]
    return f"agenda-group-{due.astimezone(UTC):%Y%m%dT%H%M%SZ}-{digest}-{target}"


@dataclass(frozen=True)
class _Send:
    """A claimed reminder, before it is grouped with the others due with it."""

    marker: Marker
    target: Channel
    occurrence: Occurrence
    tz: ZoneInfo

    @property
    def key(self) -> str:
        m = self.marker
        return reminder_key(m.event_id, m.occurrence, m.offset_key, m.target)


@dataclass
class RunReport:
    checked: int = 0
    sent: int = 0
    late: int = 0
    skipped: int = 0
    keys: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    sends: list[_Send] = field(default_factory=list)
    skips: list[tuple[Marker, Verdict]] = field(default_factory=list)
    schedules: list[tuple[int, Schedule]] = field(default_factory=list)


class ReminderEngine:
    def __init__(
        self,
        config: Config,
        agenda: AgendaConfig,
        store: Store,
        outbox: Outbox,
        *,
        now: Callable[[], datetime],
        scheduler: Scheduler | None,
    ) -> None:
        self._config = config
        self._agenda = agenda
        self._store = store
        self._outbox = outbox
        self._now = now
        self._scheduler = scheduler
        self.repo = EventRepo(store)
        # Held while reminders are decided; the service takes it to save an event, so a
        # save never interleaves with a run (markers would still stop duplicates).
        self.lock = asyncio.Lock()

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self._agenda.horizon_days)

    def schedule_from(self, event: Event, after: datetime) -> Schedule:
        after = floor_second(after)
        offsets = self._agenda.offsets_of(event)
        return Schedule(after, next_check(event, offsets, after, self.horizon))

    # -- scheduler wiring --------------------------------------------------------------
    async def start(self, scheduler: Scheduler) -> None:
        """Rebuilder: finish interrupted sends, then arm the one job."""
        self._scheduler = scheduler
        await self.requeue_claimed()
        await self.arm()
        scheduler.every(REARM_JOB_ID, REARM_SECONDS, self.arm)
        scheduler.every(PURGE_JOB_ID, PURGE_SECONDS, self.purge_markers)

    async def purge_markers(self) -> int:
        """Forget old decisions. Safe: `checked_until` only moves forward, so an instant
        that old is never looked at again."""
        cutoff = utc_text(self._now() - KEEP_MARKERS)
        count = await self._store.execute(
            "DELETE FROM agenda_reminders WHERE status != 'claimed' AND due_utc < ?", (cutoff,)
        )
        logger.info("agenda: %d old reminder marker(s) purged", count)
        return count

    async def arm(self) -> None:
        """Point the job at the earliest instant any event needs (none: no job)."""
        scheduler = self._scheduler
        if scheduler is None or not scheduler.running:
            return
        earliest = await self.repo.earliest_check()
        if earliest is None:
            scheduler.remove(JOB_ID)
            return
        # The store speaks the engine's clock (frozen in tests); APScheduler real time.
        delay = max(0.0, (earliest - self._now()).total_seconds())
        scheduler.at(JOB_ID, datetime.now(UTC) + timedelta(seconds=delay), self._fire)

    async def _fire(self) -> None:
        try:
            await self.run_due()
        except Exception:
            logger.exception("reminder run failed; retrying in %d s", RETRY_SECONDS)
            if self._scheduler is not None and self._scheduler.running:
                when = datetime.now(UTC) + timedelta(seconds=RETRY_SECONDS)
                self._scheduler.at(JOB_ID, when, self._fire)

    # -- the work ----------------------------------------------------------------------
    async def run_due(self, now: datetime | None = None) -> RunReport:
        """Decide every reminder due at `now` (default: the clock) and send those in time."""
        async with self.lock:
            moment = floor_second(now or self._now())
            report = await self._run(moment)
        await self.arm()
        return report

    async def _run(self, now: datetime) -> RunReport:
        report = RunReport()
        while True:
            # Read, decide and claim in one transaction: an event saved meanwhile (by a
            # command, inside its own transaction) is seen wholly before or wholly after.
            # Writers never take `self.lock`, so the two never wait for each other.
            async with self._store.transaction():
                batch = await self.repo.due_for_check(now)
                if not batch:
                    return report
                plan = _Plan()
                for event, schedule in batch:
                    self._plan_event(event, schedule, now, plan)
                report.checked += len(batch)
                claimed, skipped = await self._claim(plan, now)
            await self._queue(claimed, skipped, now, report)

    def _plan_event(self, event: Event, schedule: Schedule, now: datetime, plan: _Plan) -> None:
        grace = timedelta(minutes=self._agenda.late_grace_minutes)
        try:
            offsets = self._agenda.offsets_of(event)
            dues = due_between(event, offsets, schedule.checked_until, now)
            plan.schedules.append((event.id, self.schedule_from(event, now)))
        except Exception:
            logger.exception("event %d: reminders could not be computed; left aside", event.id)
            plan.schedules.append((event.id, Schedule(now, None)))
            return
        targets = event_targets(self._config, event) if dues else []
        if dues and not targets:
            logger.warning("event %d: %d reminder(s) due but no target", event.id, len(dues))
        tz = zone_of(self._config, event.group)
        for due in dues:
            verdict = decide(due, now, grace)
            late = verdict is Verdict.LATE
            for target in targets:
                marker = Marker(
                    event.id, due.occurrence.key, due.offset.key(), target.key, due.instant, late
                )
                if verdict in (Verdict.SEND, Verdict.LATE):
                    plan.sends.append(_Send(marker, target, due.occurrence, tz))
                else:
                    plan.skips.append((marker, verdict))

    def _drafts(self, sends: list[_Send], now: datetime) -> list[OutgoingDraft]:
        """One message per room and instant (GROUP_LIMIT reminders at most)."""
        together: dict[tuple[str, datetime, bool], list[_Send]] = {}
        for send in sends:
            m = send.marker
            together.setdefault((m.target, m.due, m.late), []).append(send)
        drafts = []
        for members in together.values():
            members.sort(key=lambda s: (s.marker.occurrence, s.marker.event_id, s.key))
            for first in range(0, len(members), GROUP_LIMIT):
                drafts.append(self._draft(members[first : first + GROUP_LIMIT], now))
        return drafts

    def _draft(self, members: list[_Send], now: datetime) -> OutgoingDraft:
        first, prefix = members[0], self._config.command_prefix
        late = first.marker.late
        if len(members) == 1:
            key = first.key
            text = render.reminder_text(first.occurrence, now, first.tz, late=late, prefix=prefix)
        else:
            key = group_key(first.marker.due, first.marker.target, [s.key for s in members])
            occurrences = [s.occurrence for s in members]
            text = render.reminders_text(occurrences, first.tz, late=late, prefix=prefix)
        # A reminder that could not leave before its event started is no longer useful:
        # the outbox gives it up then (and tells the organisers) instead of sending it late.
        expires = max(s.occurrence.reference for s in members)
        return OutgoingDraft(
            first.target, text, kind=ReplyKind.ANNOUNCEMENT, key=key, expires_at=expires.timestamp()
        )

    async def _claim(
        self, plan: _Plan, now: datetime
    ) -> tuple[list[_Send], list[tuple[Marker, Verdict]]]:
        decided_at = utc_text(now)
        claimed: list[_Send] = []
        async with self._store.transaction() as db:
            for send in plan.sends:
                if await self.repo.claim_in(db, send.marker, "claimed", decided_at):
                    claimed.append(send)
            skipped = [
                (marker, verdict)
                for marker, verdict in plan.skips
                if await self.repo.claim_in(db, marker, "skipped", decided_at)
            ]
            for event_id, schedule in plan.schedules:
                await self.repo.set_schedule_in(db, event_id, schedule)
        return claimed, skipped

    async def _queue(
        self,
        claimed: list[_Send],
        skipped: list[tuple[Marker, Verdict]],
        now: datetime,
        report: RunReport,
    ) -> None:
        for marker, verdict in skipped:
            logger.warning(
                "reminder skipped (%s): event %d, occurrence %s, offset %s, due %s, via %s",
                "too late" if verdict is Verdict.TOO_LATE else "event already started",
                marker.event_id,
                marker.occurrence,
                marker.offset_key,
                utc_text(marker.due),
                marker.target.partition(":")[0],
            )
        drafts = self._drafts(claimed, now)
        if claimed:
            await self._outbox.enqueue_many(drafts)
            await self.repo.set_marker_status([s.marker for s in claimed], "queued")
        late = sum(1 for s in claimed if s.marker.late)
        report.sent += len(claimed)
        report.late += late
        report.skipped += len(skipped)
        report.keys += [d.key or "" for d in drafts]
        if claimed or skipped:
            logger.info(
                "reminders: %d queued in %d message(s) (%d late), %d skipped",
                len(claimed),
                len(drafts),
                late,
                len(skipped),
            )

    async def requeue_claimed(self) -> int:
        """After a crash: enqueue again what was claimed but maybe not recorded."""
        markers = await self.repo.claimed()
        if not markers:
            return 0
        events: dict[int, Event | None] = {}
        sends: list[_Send] = []
        dropped: list[Marker] = []
        now = self._now()
        for marker in markers:
            if marker.event_id not in events:
                events[marker.event_id] = await self.repo.get(marker.event_id)
            event = events[marker.event_id]
            occurrence = None
            if event is not None and not event.cancelled:
                occurrence = occurrence_for_key(event, marker.occurrence)
            if event is None or occurrence is None:
                dropped.append(marker)
                continue
            target = _target_for(self._config, event, marker.target)
            sends.append(_Send(marker, target, occurrence, zone_of(self._config, event.group)))
        sent = [s.marker for s in sends]
        if sends:
            await self._outbox.enqueue_many(self._drafts(sends, now))
            await self.repo.set_marker_status(sent, "queued")
        if dropped:
            await self.repo.set_marker_status(dropped, "skipped")
            logger.warning("%d interrupted reminder(s) dropped: event cancelled", len(dropped))
        logger.info("%d interrupted reminder(s) enqueued again", len(sent))
        return len(sent)


def _target_for(config: Config, event: Event, key: str) -> Channel:
    for target in event_targets(config, event):
        if target.key == key:
            return target
    transport, _, channel_id = key.partition(":")
    return Channel(transport, channel_id, False, event.group)
