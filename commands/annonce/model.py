"""Announcements as values, and their dates: pure, no I/O.

A recurring announcement is a first start and an RRULE ("tous les lundis 9h"), expanded
in its zone's wall time (bot/dates/rules.py). One date can be changed alone: moved, given
another text, or cancelled; it keeps its name, the original start in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import rules
from bot.message import Channel

ACTIVE, CANCELLED, DONE = "active", "cancelled", "done"
_SCAN_LIMIT = 2000


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def occurrence_key(start: datetime) -> str:
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Change:
    """One date changed alone."""

    occurrence: str
    moved: datetime | None = None  # aware UTC
    text: str | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class Announcement:
    id: int
    groups: tuple[str, ...]
    text: str
    start: datetime  # aware UTC: the first date
    tz: str
    rrule: str | None = None
    here: Channel | None = None  # without groups: where it was written
    status: str = ACTIVE
    sequence: int = 0
    changes: tuple[Change, ...] = field(default=())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def recurring(self) -> bool:
        return self.rrule is not None

    def change_of(self, key: str) -> Change | None:
        return next((c for c in self.changes if c.occurrence == key), None)


@dataclass(frozen=True)
class Occurrence:
    key: str
    due: datetime  # aware, in the announcement's zone
    text: str
    moved: bool = False


def _base(item: Announcement, after: datetime) -> Iterator[datetime]:
    local = item.start.astimezone(item.zone)
    yield from rules.instants(local, item.rrule, after)


def between(item: Announcement, low: datetime, high: datetime) -> list[Occurrence]:
    """The dates due in [low, high), each with its own text, in order."""
    found: list[Occurrence] = []
    for count, instant in enumerate(_base(item, low)):
        if instant >= high or count >= _SCAN_LIMIT:
            break
        key = occurrence_key(instant)
        change = item.change_of(key)
        if change is None:
            found.append(Occurrence(key, instant, item.text))
        elif not change.cancelled and change.moved is None:
            found.append(Occurrence(key, instant, change.text or item.text))
    for change in item.changes:
        if change.moved is not None and not change.cancelled and low <= change.moved < high:
            due = change.moved.astimezone(item.zone)
            found.append(Occurrence(change.occurrence, due, change.text or item.text, True))
    return sorted(found, key=lambda o: (o.due, o.key))


def upcoming(item: Announcement, after: datetime, count: int) -> list[Occurrence]:
    """The next `count` dates strictly after `after`."""
    found: list[Occurrence] = []
    for scanned, instant in enumerate(_base(item, after + timedelta(seconds=1))):
        if len(found) >= count or scanned >= _SCAN_LIMIT:
            break
        key = occurrence_key(instant)
        change = item.change_of(key)
        if change is None:
            found.append(Occurrence(key, instant, item.text))
        elif not change.cancelled and change.moved is None:
            found.append(Occurrence(key, instant, change.text or item.text))
    for change in item.changes:
        if change.moved is not None and not change.cancelled and change.moved > after:
            due = change.moved.astimezone(item.zone)
            found.append(Occurrence(change.occurrence, due, change.text or item.text, True))
    return sorted(found, key=lambda o: (o.due, o.key))[:count]


def next_due(item: Announcement, after: datetime) -> datetime | None:
    found = upcoming(item, after, 1)
    return found[0].due if found else None


def here_to_json(channel: Channel | None) -> str | None:
    if channel is None:
        return None
    return json.dumps({"t": channel.transport, "i": channel.id, "d": channel.is_direct})


def here_from_json(text: str | None) -> Channel | None:
    if not text:
        return None
    data = json.loads(text)
    return Channel(str(data["t"]), str(data["i"]), bool(data.get("d", False)))
