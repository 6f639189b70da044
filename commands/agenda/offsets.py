"""Reminder offsets: "J-7", "J-1 18:00" (la veille à 18:00), "2h", "30min".

Day offsets ("J-N") count calendar days in the event's zone and fire at a fixed local
time, or at the event's own time when none is given. Duration offsets ("2h") are real
time before the start. All-day events count from 09:00 on their first day
(`ALL_DAY_REFERENCE`), so "2h" fires at 07:00 and "J-1" the day before at 09:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.french import normalize
from commands.agenda import texts

MAX_DAYS = 60
MAX_MINUTES = 7 * 24 * 60
_TIME = r"(\d{1,2})(?:\s*[h:]\s*(\d{2})?)?"
_DAY_FORMS: tuple[tuple[re.Pattern[str], int | None, time | None], ...] = (
    (re.compile(rf"^j\s*-\s*(\d+)(?:\s+(?:a\s+)?{_TIME})?$"), None, None),
    (re.compile(rf"^(?:la\s+)?veille(?:\s+(?:a\s+)?{_TIME})?$"), 1, time(18, 0)),
    (re.compile(rf"^(?:le\s+)?jour[\s-]meme(?:\s+(?:a\s+)?{_TIME})?$"), 0, time(9, 0)),
)
_DAYS = re.compile(r"^(\d+)\s*(j|jours?|semaines?)$")
_HOURS = re.compile(r"^(\d+)\s*(?:h|heures?)\s*(?:(\d{1,2})\s*(?:min|mn)?)?$")
_MINUTES = re.compile(r"^(\d+)\s*(?:min|minutes?|mn)$")


class OffsetError(ValueError):
    """The French message says how to write an offset."""


@dataclass(frozen=True)
class Offset:
    days: int = 0  # J-N, in local calendar days (used when minutes is None)
    at: time | None = None  # local time of a day offset; None: the event's own time
    minutes: int | None = None  # a duration before the start

    def spec(self) -> str:
        """Canonical text, as written in the configuration: "J-1 18:00", "2h", "30min"."""
        if self.minutes is not None:
            hours, minutes = divmod(self.minutes, 60)
            if not hours:
                return f"{minutes}min"
            return f"{hours}h" if not minutes else f"{hours}h{minutes:02d}"
        head = f"J-{self.days}"
        return head if self.at is None else f"{head} {self.at:%H:%M}"

    def key(self) -> str:
        """Part of an outbox idempotency key: no spaces, no colons."""
        return self.spec().replace(" ", "-").replace(":", "")

    def lead(self) -> timedelta:
        """An upper bound of how long before the start this fires."""
        if self.minutes is not None:
            return timedelta(minutes=self.minutes)
        return timedelta(days=self.days + 1)

    def label(self) -> str:
        return texts.offset_label(self.days, self.at, self.minutes)

    def instant(self, reference: datetime) -> datetime:
        """When to remind, in UTC, for an occurrence starting (or referenced) at `reference`."""
        if self.minutes is not None:
            return reference.astimezone(UTC) - timedelta(minutes=self.minutes)
        day = reference.date() - timedelta(days=self.days)
        at = self.at if self.at is not None else reference.time()
        return datetime.combine(day, at, tzinfo=reference.tzinfo).astimezone(UTC)


def _clock(hour: str | None, minute: str | None, default: time | None) -> time | None:
    if hour is None:
        return default
    h, m = int(hour), int(minute or 0)
    if h > 23 or m > 59:
        raise OffsetError(texts.OFFSET_BAD_TIME)
    return time(h, m)


def parse_offset(text: str) -> Offset:
    """Read one offset; raise OffsetError with a French message."""
    raw = normalize(text).removesuffix(" avant").strip()
    for pattern, fixed_days, default_at in _DAY_FORMS:
        found = pattern.match(raw)
        if found is None:
            continue
        groups = found.groups()
        days = fixed_days
        if days is None:
            days, groups = int(groups[0]), groups[1:]
        offset = Offset(days=days, at=_clock(groups[0], groups[1], default_at))
        return _checked(offset)
    found = _DAYS.match(raw)
    if found:
        factor = 7 if found.group(2).startswith("semaine") else 1
        return _checked(Offset(days=int(found.group(1)) * factor))
    found = _HOURS.match(raw)
    if found:
        return _checked(Offset(minutes=int(found.group(1)) * 60 + int(found.group(2) or 0)))
    found = _MINUTES.match(raw)
    if found:
        return _checked(Offset(minutes=int(found.group(1))))
    raise OffsetError(texts.offset_unknown(text))


def _checked(offset: Offset) -> Offset:
    if offset.minutes is not None and not 1 <= offset.minutes <= MAX_MINUTES:
        raise OffsetError(texts.OFFSET_RANGE)
    if offset.minutes is None and offset.days > MAX_DAYS:
        raise OffsetError(texts.OFFSET_RANGE)
    return offset


def parse_offsets(text: str) -> tuple[Offset, ...]:
    """A comma or "et" separated list; "aucun" means no reminder at all."""
    cleaned = normalize(text)
    if cleaned in ("aucun", "aucune", "rien", "pas de rappel", "sans"):
        return ()
    parts = [p.strip() for p in re.split(r",|;|\bet\b", cleaned) if p.strip()]
    if not parts:
        raise OffsetError(texts.offset_unknown(text))
    offsets: list[Offset] = []
    for part in parts:
        offset = parse_offset(part)
        if offset not in offsets:
            offsets.append(offset)
    return tuple(offsets)
