"""The announcements' operations: where one goes, drafting it, changing it. No chat here
(commands.py and flow.py talk); errors raise CommandError with the French to show."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Config, GroupConfig
from bot.context import Services
from bot.dates.describe import describe
from bot.dates.parse import WhenError, parse_when
from bot.message import Channel, Message
from bot.router import CommandError
from commands.annonce import model, texts
from commands.annonce.config import AnnonceConfig
from commands.annonce.engine import AnnonceSender, targets_of, when_text
from commands.annonce.model import ACTIVE, CANCELLED, Announcement, Change, Occurrence

_OPTION = re.compile(r"^\s*--(groupe|tous)\b\s*(\S*)", re.IGNORECASE)
PREVIEW_DATES = 3


@dataclass(frozen=True)
class Schedule:
    start: datetime  # aware UTC
    rrule: str | None
    tz: str


class AnnonceService:
    def __init__(self, services: Services, settings: AnnonceConfig) -> None:
        self.services = services
        self.settings = settings
        self.sender = AnnonceSender(
            services.config, settings, services.store, services.outbox, now=services.now
        )
        self.repo = self.sender.repo

    @property
    def config(self) -> Config:
        return self.services.config

    def now(self) -> datetime:
        return self.services.now()

    # -- where it goes -------------------------------------------------------------------
    def split_options(self, raw: str) -> tuple[tuple[str, ...] | None, str]:
        """("--groupe X --groupe Y rest") → (("x", "y"), "rest"); ("--tous …") → every group."""
        chosen: list[str] = []
        every = False
        while (found := _OPTION.match(raw)) is not None:
            if found.group(1).lower() == "tous":
                every = True
                raw = raw[found.end(1) :]
                continue
            name = found.group(2).strip().lower()
            if not name or self._group(name) is None:
                raise CommandError(texts.UNKNOWN_GROUP.format(name=name, names=self._names()))
            chosen.append(name)
            raw = raw[found.end() :]
        if every:
            return tuple(g.name for g in self.config.groups), raw
        return (tuple(dict.fromkeys(chosen)) or None), raw

    def groups_for(self, message: Message, chosen: tuple[str, ...] | None) -> tuple[str, ...]:
        if not self.config.groups:
            return ()
        if chosen:
            return chosen
        channel = message.channel
        name = channel.group
        if name is None and not channel.is_direct:
            mapped = self.config.group_for_room(channel.transport, channel.id)
            name = mapped.name if mapped is not None else None
        if name is None and not channel.is_direct:
            for group in self.config.groups:
                if group.organisers_room in (channel.id, channel.key):
                    name = group.name
        if name is not None:
            return (name,)
        if len(self.config.groups) == 1:
            return (self.config.groups[0].name,)
        raise CommandError(texts.WHICH_GROUP.format(names=self._names()))

    def zone(self, groups: tuple[str, ...]) -> ZoneInfo:
        for name in groups:
            group = self._group(name)
            if group is not None:
                return ZoneInfo(group.timezone)
        return ZoneInfo(self.config.timezone)

    def targets(self, item: Announcement) -> list[Channel]:
        return targets_of(self.config, item)

    def where(self, item: Announcement) -> str:
        targets = self.targets(item)
        if not item.groups and item.here is not None:
            return texts.HERE
        return ", ".join(self.services.names.label(t) for t in targets)

    # -- drafting ------------------------------------------------------------------------
    def schedule(self, when_text_typed: str, tz: ZoneInfo) -> Schedule:
        try:
            when = parse_when(when_text_typed, self.now(), tz)
        except WhenError as exc:
            raise CommandError(str(exc)) from None
        if when.all_day or not isinstance(when.start, datetime):
            raise CommandError(texts.ALL_DAY)
        start = when.start.astimezone(UTC)
        if when.rrule is None and start <= self.now():
            raise CommandError(texts.PAST)
        return Schedule(start, when.rrule, tz.key)

    def draft(self, message: Message, raw: str, prefix: str) -> Announcement:
        chosen, rest = self.split_options(raw)
        when_typed, sep, text = rest.partition("|")
        text = text.strip()
        if not sep or not when_typed.strip() or not text:
            raise CommandError(texts.NEED_PARTS.format(prefix=prefix))
        if len(text) > self.settings.max_length:
            raise CommandError(
                texts.TOO_LONG.format(length=len(text), max=self.settings.max_length)
            )
        groups = self.groups_for(message, chosen)
        schedule = self.schedule(when_typed, self.zone(groups))
        here = None if groups else replace(message.channel)
        item = Announcement(0, groups, text, schedule.start, schedule.tz, schedule.rrule, here)
        if not self.targets(item):
            raise CommandError(texts.NOWHERE)
        return item

    def preview(self, item: Announcement) -> str:
        lines = [texts.PREVIEW_HEAD, texts.PREVIEW_WHEN.format(when=self.describe(item))]
        if item.recurring:
            dates = model.upcoming(item, self.now(), PREVIEW_DATES)
            lines.append(texts.PREVIEW_NEXT.format(dates=self.dates_text(dates)))
        lines += [
            texts.PREVIEW_WHERE.format(where=self.where(item)),
            texts.PREVIEW_TEXT,
            item.text,
            "",
            texts.CONFIRM_QUESTION,
        ]
        return "\n".join(lines)

    def describe(self, item: Announcement) -> str:
        start = item.start.astimezone(item.zone)
        if item.recurring:
            return describe(start, None, False, item.rrule)
        return when_text(start)

    @staticmethod
    def dates_text(dates: list[Occurrence]) -> str:
        return "; ".join(when_text(o.due) for o in dates)

    # -- storing and changing ------------------------------------------------------------
    async def create(self, item: Announcement) -> Announcement:
        item_id = await self.repo.create(item, self.now())
        await self.sender.arm()
        created = await self.repo.get(item_id)
        assert created is not None
        return created

    async def get(self, item_id: int) -> Announcement | None:
        return await self.repo.get(item_id)

    async def listing(self) -> list[tuple[Announcement, Occurrence]]:
        now = self.now()
        found = []
        for item in await self.repo.active():
            coming = model.upcoming(item, now, 1)
            if coming:
                found.append((item, coming[0]))
        return sorted(found, key=lambda pair: pair[1].due)

    def next_date(self, item: Announcement) -> Occurrence | None:
        coming = model.upcoming(item, self.now(), 1)
        return coming[0] if coming else None

    async def change_text(self, item: Announcement, text: str, only: str | None) -> None:
        if only is None:
            await self.repo.update(item.id, text=text, next_due=self._next(item))
        else:
            await self.repo.set_change(item.id, self._change(item, only, text=text))
        await self.sender.arm()

    async def move(self, item: Announcement, schedule: Schedule, only: str | None) -> None:
        if only is None:
            await self.repo.clear_changes(item.id)
            await self.repo.update(
                item.id, start=schedule.start, rrule=schedule.rrule, next_due=schedule.start
            )
        else:
            await self.repo.set_change(item.id, self._change(item, only, moved=schedule.start))
            await self.repo.update(item.id, next_due=self.now())
        await self.sender.arm()

    async def cancel(self, item: Announcement, only: str | None) -> None:
        if only is None:
            await self.repo.update(item.id, status=CANCELLED, next_due=None)
        else:
            await self.repo.set_change(item.id, self._change(item, only, cancelled=True))
            await self.repo.update(item.id, next_due=self.now())
        await self.sender.arm()

    def _next(self, item: Announcement) -> datetime | None:
        # Re-checked at once; the sender moves it on.
        return self.now() if item.status == ACTIVE else None

    @staticmethod
    def _change(item: Announcement, occurrence: str, **fields: Any) -> Change:
        old = item.change_of(occurrence) or Change(occurrence)
        return replace(old, **fields)

    def _group(self, name: str) -> GroupConfig | None:
        return next((g for g in self.config.groups if g.name == name), None)

    def _names(self) -> str:
        return ", ".join(g.name for g in self.config.groups)
