"""Agenda operations shared by the chat commands, the feed sync and the command line.

Every change goes through here so that reminders are rescheduled and the people who
follow an event hear about a cancellation or a move.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.context import Services
from bot.dates.parse import When
from bot.digest import DigestItem, DigestQuery, ItemKind
from bot.message import Channel, ReplyKind
from bot.names import ChannelNames
from bot.outbox import Outbox, OutgoingDraft
from bot.scheduler import Scheduler
from bot.store import Store
from commands.agenda import render, texts
from commands.agenda.config import AgendaConfig
from commands.agenda.engine import ReminderEngine
from commands.agenda.groups import event_targets, zone_of
from commands.agenda.model import CANCELLED, Event, Occurrence, floor_second, local_midnight
from commands.agenda.occurrences import Listing, OccurrenceIndex
from commands.agenda.offsets import Offset
from commands.agenda.recurrence import last_end, occurrences_between

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Times:
    start: datetime  # aware UTC
    end: datetime | None
    all_day: bool
    rrule: str | None


def times_from_when(when: When, tz: ZoneInfo) -> Times:
    if when.all_day or not isinstance(when.start, datetime):
        first: date = when.start
        last = when.end if isinstance(when.end, date) else first
        start = local_midnight(first, tz)
        end = local_midnight(last + timedelta(days=1), tz)
        return Times(start.astimezone(UTC), end.astimezone(UTC), True, when.rrule)
    end_dt = when.end if isinstance(when.end, datetime) else None
    return Times(
        when.start.astimezone(UTC),
        None if end_dt is None else end_dt.astimezone(UTC),
        False,
        when.rrule,
    )


def new_uid() -> str:
    return f"{uuid.uuid4().hex}@relais"


class AgendaService:
    def __init__(
        self,
        config: Config,
        agenda: AgendaConfig,
        store: Store,
        outbox: Outbox,
        *,
        now: Callable[[], datetime],
        scheduler: Scheduler | None = None,
        names: ChannelNames | None = None,
    ) -> None:
        self.config = config
        self.names = names or ChannelNames()
        self.agenda = agenda
        self.outbox = outbox
        self.now = now
        self.engine = ReminderEngine(config, agenda, store, outbox, now=now, scheduler=scheduler)
        self.repo = self.engine.repo
        self.occurrences = OccurrenceIndex(self.repo.store, self.repo.by_ids)

    @classmethod
    def from_services(cls, services: Services, agenda: AgendaConfig) -> AgendaService:
        return cls(
            services.config,
            agenda,
            services.store,
            services.outbox,
            now=services.now,
            scheduler=services.scheduler,
            names=services.names,
        )

    @property
    def prefix(self) -> str:
        return self.config.command_prefix

    def tz(self, group: str) -> ZoneInfo:
        return zone_of(self.config, group)

    def targets(self, event: Event) -> list[Channel]:
        return event_targets(self.config, event)

    def offsets(self, event: Event) -> tuple[Offset, ...]:
        return self.agenda.offsets_of(event)

    # -- reading ---------------------------------------------------------------------
    async def get(self, event_id: int) -> Event | None:
        return await self.repo.get(event_id)

    async def upcoming(
        self, groups: Sequence[str] | None, start: datetime, end: datetime
    ) -> list[Occurrence]:
        found: list[Occurrence] = []
        for event in await self.repo.in_window(groups, start, end):
            found.extend(occurrences_between(event, start, end))
        found.sort(key=lambda o: (o.start, o.event.id))
        return found

    async def digest_items(self, query: DigestQuery) -> list[DigestItem]:
        """The coming dates as the engine's neutral items (for the weekly letter)."""
        groups = None if query.groups is None else list(query.groups)
        found = await self.upcoming(groups, query.start, query.end)
        return [digest_item(o) for o in found]

    async def listing(
        self, groups: Sequence[str] | None, start: datetime, end: datetime, limit: int
    ) -> Listing:
        """The first `limit` occurrences in [start, end) and how many there are, read from
        the occurrence index (what `upcoming` finds, without reading every event)."""
        return await self.occurrences.listing(groups, start, end, limit)

    # -- writing ---------------------------------------------------------------------
    async def create(self, event: Event) -> Event:
        now = floor_second(self.now())
        if not event.uid:
            event = replace(event, uid=new_uid())
        schedule = self.engine.schedule_from(event, now)
        # No engine lock here: a reminder run reads and claims in one store transaction,
        # so this write lands wholly before or after it (and a command calling this from
        # inside its own transaction cannot deadlock with a run).
        event_id = await self.repo.insert(event, last_end(event), schedule, now)
        await self.engine.arm()
        logger.info("agenda: event %d created in group %s", event_id, event.group)
        return replace(event, id=event_id)

    async def update(self, after: Event, *, moved: bool = False) -> Event:
        """Save; a moved event's reminders start afresh from now."""
        now = floor_second(self.now())
        async with self.repo.store.transaction():
            current = await self.repo.schedule_of(after.id)
            since = now if moved or current is None else current.checked_until
            schedule = self.engine.schedule_from(after, since)
            await self.repo.update(after, last_end(after), schedule, now)
        await self.engine.arm()
        return after

    async def move(self, event: Event, times: Times) -> Event:
        after = replace(
            event,
            start=times.start,
            end=times.end,
            all_day=times.all_day,
            rrule=times.rrule,
            exdates=frozenset(),
            overrides=(),
            sequence=event.sequence + 1,
        )
        await self.update(after, moved=True)
        tz = self.tz(event.group)
        await self.notify(after, render.move_notice(event, after, tz, self.prefix))
        logger.info("agenda: event %d moved", event.id)
        return after

    async def change_place(self, event: Event, place: str) -> Event:
        after = replace(event, place=place, sequence=event.sequence + 1)
        await self.update(after)
        tz = self.tz(event.group)
        await self.notify(after, render.move_notice(event, after, tz, self.prefix))
        logger.info("agenda: event %d place changed", event.id)
        return after

    async def cancel(self, event: Event, *, notify: bool = True) -> Event:
        after = replace(event, status=CANCELLED, sequence=event.sequence + 1)
        await self.update(after)
        if notify and self._worth_telling(event):
            await self.notify(after, render.cancel_notice(event, self.tz(event.group)))
        logger.info("agenda: event %d cancelled", event.id)
        return after

    async def cancel_date(self, event: Event, occurrence: Occurrence) -> Event:
        after = replace(
            event,
            exdates=event.exdates | {occurrence.key},
            overrides=tuple(o for o in event.overrides if o.key != occurrence.key),
            sequence=event.sequence + 1,
        )
        await self.update(after)
        await self.notify(after, render.date_cancel_notice(occurrence, self.tz(event.group)))
        logger.info("agenda: event %d: one date cancelled", event.id)
        return after

    def _worth_telling(self, event: Event) -> bool:
        """Nobody needs to hear that a past event is cancelled."""
        end = last_end(event)
        return end is None or end > self.now()

    async def notify(self, event: Event, text: str) -> int:
        """A notice to the event's targets, once per change (the sequence is in the key)."""
        drafts = [
            OutgoingDraft(
                target,
                text,
                kind=ReplyKind.ANNOUNCEMENT,
                key=f"agenda-notice-{event.id}-{event.sequence}-{target.key}",
            )
            for target in self.targets(event)
        ]
        if drafts:
            await self.outbox.enqueue_many(drafts)
        return len(drafts)


def digest_item(occurrence: Occurrence) -> DigestItem:
    event = occurrence.event
    link = next((u for u in (event.link, event.map_url) if u and u.startswith("https://")), None)
    return DigestItem(
        kind=ItemKind.EVENT,
        title=occurrence.title,
        start=occurrence.start,
        end=occurrence.end,
        all_day=occurrence.all_day,
        place=occurrence.place,
        link=link,
        category=texts.KIND_LABELS.get(event.kind, event.kind),
        text=occurrence.description,
        ref=f"agenda-{event.id}-{occurrence.key}",
        group=event.group,
    )


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, local_midnight(day + timedelta(days=1), tz)


def occurrence_on(event: Event, day: date) -> Occurrence | None:
    start, end = day_bounds(day, event.zone)
    for occurrence in occurrences_between(event, start, end):
        if occurrence.start.astimezone(event.zone).date() == day:
            return occurrence
    return None
