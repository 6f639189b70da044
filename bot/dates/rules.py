"""The instants of a recurrence rule, in local wall-clock time (RFC 5545 RRULE).

`parse_when` gives a first start and a rule; this expands them the way the agenda does:
the rule runs on an aware start in its zone, so "tous les lundis 9h" stays at 9:00 across
daylight-saving changes. UNTIL is read as UTC (what `parse_when` writes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

MAX_INSTANTS = 5000  # a guard for callers that scan a long window
_LOCAL_UNTIL = re.compile(r"UNTIL=([0-9]{8})(?![0-9T])", re.IGNORECASE)


def _rule(start: datetime, text: str) -> rrule:
    zone = start.tzinfo
    assert isinstance(zone, ZoneInfo), "start must carry a ZoneInfo"

    def end_of_day(found: re.Match[str]) -> str:  # an all-day rule's UNTIL is a date
        day = datetime.strptime(found.group(1), "%Y%m%d").date()
        moment = datetime.combine(day, time(23, 59, 59), tzinfo=zone)
        return "UNTIL=" + moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    rule = rrulestr(_LOCAL_UNTIL.sub(end_of_day, text), dtstart=start, cache=False)
    assert isinstance(rule, rrule)
    return rule


def instants(
    start: datetime, rule: str | None, after: datetime | None = None
) -> Iterator[datetime]:
    """Starts of the occurrences (aware, in `start`'s zone) at or after `after`.

    `start` must be aware with a ZoneInfo; without `rule`, `start` is the only one.
    """
    if rule is None:
        if after is None or start >= after:
            yield start
        return
    expanded = _rule(start, rule)
    found = expanded.xafter(after.astimezone(start.tzinfo), inc=True) if after else iter(expanded)
    for count, moment in enumerate(found):
        if count >= MAX_INSTANTS:
            return
        yield moment


def between(start: datetime, rule: str | None, low: datetime, high: datetime) -> list[datetime]:
    """Occurrences starting in [low, high)."""
    out = []
    for moment in instants(start, rule, low):
        if moment >= high:
            break
        out.append(moment)
    return out


def next_after(start: datetime, rule: str | None, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after`, or None when the rule has ended."""
    for moment in instants(start, rule, after):
        if moment > after:
            return moment
    return None
