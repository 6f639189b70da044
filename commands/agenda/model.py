"""Agenda values: events, per-date overrides, occurrences, and the time conversions they need.

Instants are aware datetimes stored in UTC; each event keeps the name of its zone so a
weekly 14:00 stays at 14:00 local time across daylight-saving changes. An all-day event
starts at local midnight of its first day and ends (exclusive) at local midnight after
its last day, as in ICS.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.french import normalize
from bot.message import Channel

KINDS: tuple[str, ...] = (
    "rassemblement",
    "manifestation",
    "chantier",
    "reunion",
    "projection",
    "atelier",
    "fete",
    "autre",
)
DEFAULT_KIND = "autre"
CONFIRMED, CANCELLED = "confirmed", "cancelled"

# Words in a title (or ICS categories) that tell the type of an event.
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "manifestation": ("manifestation", "manifestations", "manif", "manifs", "marche", "defile"),
    "rassemblement": ("rassemblement", "rassemblements", "vigile", "piquet", "die-in"),
    "chantier": ("chantier", "chantiers"),
    "reunion": ("reunion", "reunions", "pleniere", "assemblee", "ag", "permanence"),
    "projection": ("projection", "cine", "cinema", "film", "documentaire", "cine-debat"),
    "atelier": ("atelier", "ateliers", "formation", "stage"),
    "fete": ("fete", "concert", "bal", "soiree", "repas", "banquet", "festival"),
}
_WORD = re.compile(r"[\w-]+")

# All-day events: reminders count from this local hour on the first day.
ALL_DAY_REFERENCE = time(9, 0)


def guess_kind(title: str, categories: tuple[str, ...] = ()) -> str:
    """The first type whose words appear in the categories, then in the title."""
    for text in (" ".join(categories), title):
        words = set(_WORD.findall(normalize(text)))
        for kind, markers in _KIND_WORDS.items():
            if words & set(markers):
                return kind
    return DEFAULT_KIND


def parse_kind(text: str) -> str | None:
    """A type typed by a person ("réunion", "manif") or None."""
    word = normalize(text).strip()
    if word in KINDS:
        return word
    for kind, markers in _KIND_WORDS.items():
        if word in markers:
            return kind
    return None


# --- time helpers ------------------------------------------------------------------


def utc_text(moment: datetime) -> str:
    """Fixed-width UTC text, second precision: sorts like the instants it names."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """The reverse of `utc_text` (fromisoformat: strptime costs ten times more)."""
    moment = datetime.fromisoformat(text)
    if len(text) != 20 or moment.tzinfo is not UTC:
        raise ValueError(f"not a UTC instant: {text!r}")
    return moment


def floor_second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def occurrence_key(start: datetime, all_day: bool, tz: ZoneInfo) -> str:
    """Names one occurrence by its original start: ICS RECURRENCE-ID / EXDATE style."""
    if all_day:
        return start.astimezone(tz).strftime("%Y%m%d")
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def key_to_start(key: str, all_day: bool, tz: ZoneInfo) -> datetime:
    if all_day:
        return local_midnight(datetime.strptime(key, "%Y%m%d").date(), tz)
    return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).astimezone(tz)


# --- values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """One date of a recurring event moved or retitled (ICS RECURRENCE-ID)."""

    key: str
    start: datetime  # aware UTC
    end: datetime | None
    title: str | None = None
    place: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Event:
    id: int
    group: str
    kind: str
    title: str
    start: datetime  # aware UTC
    end: datetime | None  # aware UTC; exclusive midnight for all-day events
    tz: str
    all_day: bool = False
    place: str = ""
    description: str = ""
    link: str | None = None
    map_url: str | None = None
    rrule: str | None = None
    exdates: frozenset[str] = frozenset()
    overrides: tuple[Override, ...] = ()
    targets: tuple[Channel, ...] | None = None  # None: the group's targets
    offsets: tuple[str, ...] | None = None  # None: the defaults for the type
    uid: str = ""
    source: str | None = None  # feed URL or file name; None: created in a chat
    status: str = CONFIRMED
    sequence: int = 0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)

    @property
    def local_end(self) -> datetime | None:
        return None if self.end is None else self.end.astimezone(self.zone)


@dataclass(frozen=True)
class Occurrence:
    """One dated instance of an event, in the event's zone."""

    event: Event
    key: str
    start: datetime
    end: datetime | None
    title: str
    place: str
    description: str

    @property
    def all_day(self) -> bool:
        return self.event.all_day

    @property
    def last_day(self) -> date:
        """The last day an all-day occurrence covers (its end is exclusive)."""
        if self.end is None:
            return self.start.date()
        return (self.end - timedelta(days=1)).date() if self.all_day else self.end.date()

    @property
    def reference(self) -> datetime:
        """When it counts as started, for reminders: 09:00 on the first day if all-day."""
        if self.all_day:
            return datetime.combine(self.start.date(), ALL_DAY_REFERENCE, tzinfo=self.start.tzinfo)
        return self.start


# --- targets as JSON -----------------------------------------------------------------


def targets_to_json(targets: tuple[Channel, ...] | None) -> str | None:
    if targets is None:
        return None
    return json.dumps(
        [{"transport": t.transport, "id": t.id, "direct": t.is_direct} for t in targets]
    )


def targets_from_json(text: str | None, group: str) -> tuple[Channel, ...] | None:
    if text is None:
        return None
    items: list[dict[str, Any]] = json.loads(text)
    return tuple(
        Channel(str(i["transport"]), str(i["id"]), bool(i.get("direct", False)), group)
        for i in items
    )
