"""Sending announcements on time, exactly once per date and target.

One scheduler job at the earliest `next_due`, re-armed after each run. For each
announcement due, in ONE transaction: every date in (checked_until, now] gets a row in
`annonce_sends` (a date already decided is left alone), its copies enter the outbox with
a stable key ("annonce-{id}-{date}-{target}", recorded once even if asked twice), and
`checked_until` moves to now. A crash leaves either all of it or none: a restart finds
the dates again (checked_until stayed behind) and decides them then. After a downtime
a date is sent late, marked « en retard », within the grace window; beyond it, skipped
and logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.announce import group_targets
from bot.config import Config
from bot.dates.describe import fmt_clock, fmt_day
from bot.message import Channel, ReplyKind
from bot.outbox import Outbox, OutgoingDraft
from bot.scheduler import Scheduler
from bot.store import Store
from commands.annonce import model, texts
from commands.annonce.config import AnnonceConfig
from commands.annonce.model import Announcement, Occurrence
from commands.annonce.repo import AnnonceRepo

logger = logging.getLogger(__name__)

JOB_ID = "annonce:send"
REARM_JOB_ID = "annonce:rearm"
REARM_SECONDS = 600
RETRY_SECONDS = 60
# Beyond this lateness the text says it is late (the scheduler itself fires at once).
LATE_MARK = timedelta(minutes=2)


def outbox_key(item_id: int, occurrence: str, target: Channel) -> str:
    return f"annonce-{item_id}-{occurrence}-{target.key}"


def targets_of(config: Config, item: Announcement) -> list[Channel]:
    if not item.groups:
        return [] if item.here is None else [item.here]
    found: list[Channel] = []
    for group in config.groups:
        if group.name in item.groups:
            found += group_targets(config, group)
    return found


def when_text(moment: datetime) -> str:
    return f"{fmt_day(moment.date())} à {fmt_clock(moment)}"


def render(occurrence: Occurrence, *, late: bool) -> str:
    if not late:
        return occurrence.text
    return f"{occurrence.text}\n\n{texts.LATE.format(when=when_text(occurrence.due))}"


@dataclass
class RunReport:
    sent: int = 0
    late: int = 0
    skipped: int = 0
    keys: list[str] = field(default_factory=list)


class AnnonceSender:
    def __init__(
        self,
        config: Config,
        settings: AnnonceConfig,
        store: Store,
        outbox: Outbox,
        *,
        now: Callable[[], datetime],
    ) -> None:
        self._config = config
        self._settings = settings
        self._store = store
        self._outbox = outbox
        self._now = now
        self._scheduler: Scheduler | None = None
        self.repo = AnnonceRepo(store)
        self.lock = asyncio.Lock()

    async def start(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler
        await self.arm()
        scheduler.every(REARM_JOB_ID, REARM_SECONDS, self.arm)

    async def arm(self) -> None:
        scheduler = self._scheduler
        if scheduler is None or not scheduler.running:
            return
        earliest = await self.repo.earliest_due()
        if earliest is None:
            scheduler.remove(JOB_ID)
            return
        delay = max(0.0, (earliest - self._now()).total_seconds())
        scheduler.at(JOB_ID, datetime.now(UTC) + timedelta(seconds=delay), self._fire)

    async def _fire(self) -> None:
        try:
            await self.run_due()
        except Exception:
            logger.exception("announcement run failed; retrying in %d s", RETRY_SECONDS)
            if self._scheduler is not None and self._scheduler.running:
                when = datetime.now(UTC) + timedelta(seconds=RETRY_SECONDS)
                self._scheduler.at(JOB_ID, when, self._fire)

    async def run_due(self, now: datetime | None = None) -> RunReport:
        async with self.lock:
            moment = (now or self._now()).astimezone(UTC).replace(microsecond=0)
            report = RunReport()
            for item, checked_until in await self.repo.due(moment):
                await self._run_one(item, checked_until, moment, report)
        await self.arm()
        return report

    async def _run_one(
        self, item: Announcement, checked_until: datetime, now: datetime, report: RunReport
    ) -> None:
        second = timedelta(seconds=1)
        dates = model.between(item, checked_until + second, now + second)
        following = model.next_due(item, now)
        grace = max(timedelta(minutes=self._settings.late_grace_minutes), LATE_MARK)
        targets = targets_of(self._config, item)
        if dates and not targets:
            logger.warning("announcement %d: %d date(s) due but no target", item.id, len(dates))
        async with self._store.transaction() as db:
            if not await self.repo.unchanged_in(db, item):
                # Changed since it was read (an organiser's "oui"): that change set its
                # next check to now, so the next run decides these dates afresh.
                logger.info("announcement %d changed during a run; looked at again", item.id)
                return
            drafts: list[OutgoingDraft] = []
            for occurrence in dates:
                lateness = now - occurrence.due
                status = "skipped" if lateness > grace or not targets else "sent"
                late = lateness > LATE_MARK
                if not await self.repo.decide_in(
                    db, item.id, occurrence.key, status, late=late, due=occurrence.due, now=now
                ):
                    continue
                if status == "skipped":
                    report.skipped += 1
                    logger.warning(
                        "announcement %d, date %s skipped (due %s)",
                        item.id,
                        occurrence.key,
                        model.utc_text(occurrence.due),
                    )
                    continue
                report.sent += 1
                report.late += int(late)
                text = render(occurrence, late=late)
                for target in targets:
                    key = outbox_key(item.id, occurrence.key, target)
                    drafts.append(OutgoingDraft(target, text, kind=ReplyKind.ANNOUNCEMENT, key=key))
                    report.keys.append(key)
            if drafts:
                await self._outbox.enqueue_many(drafts)
            await self.repo.set_progress_in(db, item.id, now, following, done=following is None)
        if dates:
            logger.info("announcement %d: %d date(s) decided", item.id, len(dates))
