"""What a letter says: the coming events grouped by day, the calls still valid, the
editorial. Built from the engine's "what's coming" registry (bot/digest.py): the letter
never asks the agenda or the calls directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.digest import DigestItem, ItemKind


@dataclass(frozen=True)
class Day:
    day: date
    events: tuple[DigestItem, ...]


@dataclass(frozen=True)
class Letter:
    id: str
    group: str
    title: str
    week_slug: str  # "2026-22"
    issued: datetime  # aware, in the group's zone: when it goes out
    days: tuple[Day, ...] = ()
    calls: tuple[DigestItem, ...] = ()
    editorial: str = ""
    page_url: str | None = None  # the archive page, when the web server is public
    zone: ZoneInfo = field(default=ZoneInfo("Europe/Paris"))
    several: bool = False  # several groups' items: each event says its group

    @property
    def empty(self) -> bool:
        return not (self.days or self.calls or self.editorial)

    @property
    def event_count(self) -> int:
        return sum(len(d.events) for d in self.days)


def compose(
    *,
    letter_id: str,
    group: str,
    title: str,
    week_slug: str,
    issued: datetime,
    zone: ZoneInfo,
    items: list[DigestItem],
    editorial: str,
    page_url: str | None = None,
    several: bool = False,
) -> Letter:
    by_day: dict[date, list[DigestItem]] = {}
    calls: list[DigestItem] = []
    seen: set[str] = set()
    for item in items:
        if item.ref and item.ref in seen:
            continue  # one call seen by several groups
        seen.add(item.ref)
        if item.kind is ItemKind.EVENT and item.start is not None:
            by_day.setdefault(item.start.astimezone(zone).date(), []).append(item)
        elif item.kind is ItemKind.CALL:
            calls.append(item)
    days = tuple(
        Day(day, tuple(sorted(found, key=lambda i: (i.start or issued, i.title))))
        for day, found in sorted(by_day.items())
    )
    return Letter(
        id=letter_id,
        group=group,
        title=title,
        week_slug=week_slug,
        issued=issued,
        days=days,
        calls=tuple(calls),
        editorial=editorial.strip(),
        page_url=page_url,
        zone=zone,
        several=several,
    )
