"""What is due when: pure functions of an event, its offsets and an instant.

The engine (engine.py) keeps, per event, `checked_until` (reminders up to there are
decided) and `next_check` (the next instant worth looking at). Everything here takes
the clock as an argument, so tests run it at any instant they like.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from commands.agenda.model import Event, Occurrence, floor_second, key_to_start
from commands.agenda.offsets import Offset
from commands.agenda.recurrence import iter_occurrences, last_end

# Beyond this lateness a reminder says "(rappel en retard)"; the scheduler itself fires
# within milliseconds, so only a stopped or overloaded bot gets there.
LATE_MARK = timedelta(minutes=2)
# Moved dates and all-day references (09:00) sit a little after the original start.
_SLACK = timedelta(days=1)
_MAX_SCAN = 20000


@dataclass(frozen=True)
class Due:
    occurrence: Occurrence
    offset: Offset
    instant: datetime  # UTC, whole seconds


class Verdict(enum.Enum):
    SEND = "send"
    LATE = "late"  # sent, marked "(rappel en retard)"
    TOO_LATE = "too_late"  # beyond the grace window: skipped, logged
    STARTED = "started"  # the event has begun: a reminder is pointless; logged


def _lead(offsets: Sequence[Offset]) -> timedelta:
    return max((o.lead() for o in offsets), default=timedelta(0)) + _SLACK


def _instants(occurrence: Occurrence, offsets: Sequence[Offset]) -> list[tuple[Offset, datetime]]:
    reference = occurrence.reference
    found = []
    for offset in offsets:
        instant = floor_second(offset.instant(reference))
        if instant < reference:
            found.append((offset, instant))
    return found


def due_between(
    event: Event, offsets: Sequence[Offset], after: datetime, until: datetime
) -> list[Due]:
    """Reminders with after < instant <= until, earliest first."""
    if not offsets or event.cancelled:
        return []
    lead = _lead(offsets)
    found: list[Due] = []
    for count, occurrence in enumerate(iter_occurrences(event, after - _SLACK)):
        original = key_to_start(occurrence.key, event.all_day, event.zone)
        if original - lead > until or count > _MAX_SCAN:
            break
        for offset, instant in _instants(occurrence, offsets):
            if after < instant <= until:
                found.append(Due(occurrence, offset, instant))
    found.sort(key=lambda d: d.instant)
    return found


def next_instant(
    event: Event, offsets: Sequence[Offset], after: datetime, limit: datetime
) -> datetime | None:
    """The first reminder instant after `after` and no later than `limit`."""
    if not offsets or event.cancelled:
        return None
    lead = _lead(offsets)
    best: datetime | None = None
    for count, occurrence in enumerate(iter_occurrences(event, after - _SLACK)):
        original = key_to_start(occurrence.key, event.all_day, event.zone)
        if original - lead > limit or count > _MAX_SCAN:
            break
        if best is not None and original - lead > best:
            break
        for _offset, instant in _instants(occurrence, offsets):
            if after < instant <= limit and (best is None or instant < best):
                best = instant
    return best


def next_check(
    event: Event, offsets: Sequence[Offset], after: datetime, horizon: timedelta
) -> datetime | None:
    """When the engine must look at this event again; None when nothing is left."""
    limit = after + horizon
    found = next_instant(event, offsets, after, limit)
    if found is not None:
        return found
    if event.cancelled or not offsets or event.rrule is None:
        return None
    end = last_end(event)
    if end is None or end > limit:
        return limit  # a long rule: look again when its next dates come near
    return None


def decide(due: Due, now: datetime, grace: timedelta) -> Verdict:
    if due.occurrence.reference <= now:
        return Verdict.STARTED
    lateness = now - due.instant
    if lateness > max(grace, LATE_MARK):  # a busy second is never "too late"
        return Verdict.TOO_LATE
    if lateness > LATE_MARK:
        return Verdict.LATE
    return Verdict.SEND
