"""Occurrences of an event: RRULE expansion in the event's zone, EXDATE and overrides.

Expansion is lazy (`iter_occurrences`) so callers look only as far as they need: the
reminder engine stops at the first useful date, listings at the end of their window.
The rule runs on an aware start in the event's zone, which keeps the wall-clock time
across daylight-saving changes (a weekly 14:00 stays 14:00).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from commands.agenda.model import Event, Occurrence, key_to_start, occurrence_key

logger = logging.getLogger(__name__)

ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_OCCURRENCES = 5000  # per listing window: a guard against absurd imported rules
_UNTIL = re.compile(r"UNTIL=([0-9]{8})(T[0-9]{6})?(Z?)", re.IGNORECASE)


class RecurrenceError(ValueError):
    pass


def check_rrule(text: str) -> str:
    """Validate an RRULE for storage; returns it without a leading "RRULE:"."""
    rule = text.strip().removeprefix("RRULE:")
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    if parts.get("FREQ") not in ALLOWED_FREQS:
        raise RecurrenceError(f"unsupported frequency {parts.get('FREQ')!r}")
    if int(parts.get("INTERVAL", "1")) < 1:
        raise RecurrenceError("bad interval")
    return rule


def rrule_with_utc_until(text: str, tz: ZoneInfo) -> str:
    """dateutil wants UNTIL in UTC when the start is aware; ICS allows dates and local times."""

    def fix(found: re.Match[str]) -> str:
        day, clock, zulu = found.group(1), found.group(2), found.group(3)
        if zulu:
            return found.group(0)
        if clock:
            local = datetime.strptime(day + clock, "%Y%m%dT%H%M%S").replace(tzinfo=tz)
        else:
            local = datetime.combine(datetime.strptime(day, "%Y%m%d").date(), time(23, 59, 59), tz)
        return "UNTIL=" + local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    return _UNTIL.sub(fix, text)


def rrule_for_all_day(text: str, tz: ZoneInfo) -> str:
    """For export: an all-day rule's UNTIL must be a date (RFC 5545 3.3.10)."""

    def fix(found: re.Match[str]) -> str:
        day, clock, zulu = found.group(1), found.group(2), found.group(3)
        if not clock:
            return found.group(0)
        moment = datetime.strptime(day + clock, "%Y%m%dT%H%M%S")
        if zulu:
            moment = moment.replace(tzinfo=UTC).astimezone(tz)
        return "UNTIL=" + moment.strftime("%Y%m%d")

    return _UNTIL.sub(fix, text)


def _rule(event: Event) -> rrule:
    assert event.rrule is not None
    text = rrule_with_utc_until(event.rrule, event.zone)
    rule = rrulestr(text, dtstart=event.local_start, cache=False)
    assert isinstance(rule, rrule)
    return rule


def _duration(event: Event) -> timedelta | None:
    """Wall-clock length, so a 14:00-21:00 slot stays 14:00-21:00 on any date."""
    if event.end is None:
        return None
    start, end = event.local_start, event.end.astimezone(event.zone)
    return end.replace(tzinfo=None) - start.replace(tzinfo=None)


def _wall_add(start: datetime, length: timedelta | None) -> datetime | None:
    if length is None:
        return None
    naive = start.replace(tzinfo=None) + length
    return naive.replace(tzinfo=start.tzinfo)


def _make(event: Event, original: datetime, length: timedelta | None) -> Occurrence | None:
    key = occurrence_key(original, event.all_day, event.zone)
    if key in event.exdates:
        return None
    for override in event.overrides:
        if override.key == key:
            start = override.start.astimezone(event.zone)
            end = None if override.end is None else override.end.astimezone(event.zone)
            return Occurrence(
                event,
                key,
                start,
                end,
                override.title or event.title,
                event.place if override.place is None else override.place,
                event.description if override.description is None else override.description,
            )
    end = _wall_add(original, length)
    return Occurrence(event, key, original, end, event.title, event.place, event.description)


def iter_occurrences(event: Event, after: datetime | None = None) -> Iterator[Occurrence]:
    """Occurrences in order of their original start, from the first one starting at or
    after `after` (all of them when None). Cancelled dates are left out."""
    length = _duration(event)
    if event.rrule is None:
        if after is None or event.start >= after:
            single = _make(event, event.local_start, length)
            if single is not None:
                yield single
        return
    try:
        rule = _rule(event)
    except (ValueError, TypeError, AssertionError) as exc:
        logger.warning("event %d: unusable recurrence rule (%s)", event.id, type(exc).__name__)
        return
    starts = rule.xafter(after.astimezone(event.zone), inc=True) if after else iter(rule)
    for original in starts:
        occurrence = _make(event, original, length)
        if occurrence is not None:
            yield occurrence


def event_slack(event: Event) -> timedelta:
    """How far before a window to look: ongoing occurrences started earlier, and moved
    dates may have been moved from a little earlier."""
    return (_duration(event) or timedelta(0)) + timedelta(days=1)


def occurrences_between(event: Event, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences overlapping [start, end), sorted by their actual start."""
    slack = event_slack(event)
    found: list[Occurrence] = []
    for count, occurrence in enumerate(iter_occurrences(event, start - slack)):
        original = key_to_start(occurrence.key, event.all_day, event.zone)
        if original >= end + timedelta(days=1) or count >= MAX_OCCURRENCES:
            break
        finish = occurrence.end or occurrence.start
        if occurrence.start < end and (finish > start or occurrence.start >= start):
            found.append(occurrence)
    found.sort(key=lambda o: o.start)
    return found


def occurrence_for_key(event: Event, key: str) -> Occurrence | None:
    original = key_to_start(key, event.all_day, event.zone)
    if event.rrule is None:
        return next(iter_occurrences(event), None) if key == _single_key(event) else None
    for occurrence in iter_occurrences(event, original):
        return occurrence if occurrence.key == key else None
    return None


def _single_key(event: Event) -> str:
    return occurrence_key(event.start, event.all_day, event.zone)


def last_end(event: Event, limit: int = MAX_OCCURRENCES) -> datetime | None:
    """When the last occurrence ends (UTC), or None when the rule never ends."""
    length = _duration(event)
    if event.rrule is None:
        end = _wall_add(event.local_start, length) or event.local_start
        return end.astimezone(UTC)
    upper = event.rrule.upper()
    if "COUNT=" not in upper and "UNTIL=" not in upper:
        return None
    try:
        rule = _rule(event)
    except (ValueError, TypeError, AssertionError):
        return event.start
    last: datetime | None = None
    for index, original in enumerate(rule):
        last = original
        if index >= limit:
            return None
    if last is None:
        return event.start
    end = _wall_add(last, length) or last
    latest = max([end.astimezone(UTC)] + [o.end or o.start for o in event.overrides])
    return latest
