"""ICS (RFC 5545) to agenda events: Mobilizon, Gancio, Demosphere and friends.

One event per UID. A VEVENT with RECURRENCE-ID becomes an override of its master's date,
or an EXDATE when its STATUS is CANCELLED. Floating times are read in the group's zone;
times with a zone keep it (their recurrence runs in that zone). HTML descriptions are
turned into plain text. Rules with frequencies below a day are not imported.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from commands.agenda.model import (
    CANCELLED,
    CONFIRMED,
    KINDS,
    Event,
    Override,
    guess_kind,
    local_midnight,
    occurrence_key,
)
from commands.agenda.recurrence import RecurrenceError, check_rrule

logger = logging.getLogger(__name__)

MAX_TITLE, MAX_PLACE, MAX_TEXT = 200, 300, 2000
MAP_PROPERTY = "X-RELAIS-MAP-URL"
KIND_PROPERTY = "X-RELAIS-KIND"
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/h\d)\s*/?\s*>", re.IGNORECASE)


class CalendarError(ValueError):
    """Not a readable calendar."""


@dataclass
class ReadResult:
    events: list[Event] = field(default_factory=list)
    skipped: int = 0


def _text(component: Any, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    text = str(value)
    if _TAG.search(text):
        text = html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n", text).strip()
    return text[:limit]


def _link(component: Any, name: str) -> str | None:
    text = _text(component, name, 1000)
    return text if re.match(r"^https?://\S+$", text) else None


def _aware(value: date | datetime, tz: ZoneInfo) -> tuple[datetime, bool]:
    """(aware start, all_day)."""
    if not isinstance(value, datetime):
        return local_midnight(value, tz), True
    if value.tzinfo is None:
        return value.replace(tzinfo=tz), False
    return value, False


def _zone_name(value: datetime, fallback: ZoneInfo) -> str:
    info = value.tzinfo
    if isinstance(info, ZoneInfo) and info.key != "UTC":
        return info.key
    return fallback.key


def _map_url(component: Any) -> str | None:
    own = _link(component, MAP_PROPERTY)
    if own:
        return own
    geo = component.get("GEO")
    if geo is None:
        return None
    try:
        lat, lon = float(geo.latitude), float(geo.longitude)
    except (AttributeError, TypeError, ValueError):
        return None
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}"
    )


def _categories(component: Any) -> tuple[str, ...]:
    try:
        return tuple(str(c) for c in component.categories)
    except (AttributeError, TypeError, ValueError):
        return ()


def _uid(component: Any) -> str:
    uid = _text(component, "UID", 500)
    if uid:
        return uid
    start = component.get("DTSTART")
    seed = f"{_text(component, 'SUMMARY', 500)}|{start.to_ical() if start else ''}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32] + "@relais-import"


def _end(component: Any, start: datetime, all_day: bool, tz: ZoneInfo) -> datetime | None:
    try:
        value = component.end
    except (AttributeError, TypeError, ValueError):
        value = None
    if value is None:
        return local_midnight(start.date() + timedelta(days=1), tz) if all_day else None
    end, _ = _aware(value, tz)
    if end <= start:
        return local_midnight(start.date() + timedelta(days=1), tz) if all_day else None
    return end


def _master(component: Any, group: str, tz: ZoneInfo, source: str) -> Event | None:
    raw_start = component.get("DTSTART")
    if raw_start is None:
        return None
    start, all_day = _aware(raw_start.dt, tz)
    zone = ZoneInfo(_zone_name(start, tz)) if not all_day else tz
    if all_day:
        start = local_midnight(raw_start.dt, zone)
    rrule = None
    rules = component.get("RRULE")
    if rules is not None:
        rule = rules[0] if isinstance(rules, list) else rules
        try:
            rrule = check_rrule(rule.to_ical().decode())
        except (RecurrenceError, ValueError) as exc:
            logger.info("import: recurrence rule not supported (%s); first date only", exc)
    exdates = frozenset(
        occurrence_key(_aware(d, zone)[0], all_day, zone) for d in _exdates(component)
    )
    title = _text(component, "SUMMARY", MAX_TITLE) or "(sans titre)"
    own_kind = _text(component, KIND_PROPERTY, 40)
    status = CANCELLED if _text(component, "STATUS", 40).upper() == "CANCELLED" else CONFIRMED
    end = _end(component, start, all_day, zone)
    return Event(
        id=0,
        group=group,
        kind=own_kind if own_kind in KINDS else guess_kind(title, _categories(component)),
        title=title,
        start=start.astimezone(UTC),
        end=None if end is None else end.astimezone(UTC),
        tz=zone.key,
        all_day=all_day,
        place=_text(component, "LOCATION", MAX_PLACE),
        description=_text(component, "DESCRIPTION", MAX_TEXT),
        link=_link(component, "URL"),
        map_url=_map_url(component),
        rrule=rrule,
        exdates=exdates,
        uid=_uid(component),
        source=source,
        status=status,
        sequence=_sequence(component),
    )


def _exdates(component: Any) -> list[date | datetime]:
    try:
        return list(component.exdates)
    except (AttributeError, TypeError, ValueError):
        return []


def _sequence(component: Any) -> int:
    try:
        return int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _apply_override(master: Event, component: Any) -> Event:
    rid, _ = _aware(component.get("RECURRENCE-ID").dt, master.zone)
    key = occurrence_key(rid, master.all_day, master.zone)
    if _text(component, "STATUS", 40).upper() == "CANCELLED":
        return replace(master, exdates=master.exdates | {key})
    moved = _master(component, master.group, master.zone, master.source or "")
    if moved is None:
        return master
    override = Override(
        key=key,
        start=moved.start,
        end=moved.end,
        title=moved.title if moved.title != master.title else None,
        place=moved.place if moved.place and moved.place != master.place else None,
        description=(
            moved.description
            if moved.description and moved.description != master.description
            else None
        ),
    )
    kept = tuple(o for o in master.overrides if o.key != key)
    return replace(master, overrides=(*kept, override))


def read_calendar(data: bytes, *, group: str, tz: ZoneInfo, source: str) -> ReadResult:
    """Parse ICS bytes; raise CalendarError when they are not a calendar."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise CalendarError(str(exc)) from None
    result = ReadResult()
    masters: dict[str, Event] = {}
    instances: list[Any] = []
    for component in calendar.walk("VEVENT"):
        if component.get("RECURRENCE-ID") is not None:
            instances.append(component)
            continue
        try:
            event = _master(component, group, tz, source)
        except (ValueError, TypeError, AttributeError) as exc:
            logger.info("import: event skipped (%s)", type(exc).__name__)
            event = None
        if event is None:
            result.skipped += 1
            continue
        masters[event.uid] = event
    for component in instances:
        uid = _uid(component)
        master = masters.get(uid)
        try:
            if master is not None and master.rrule is not None:
                masters[uid] = _apply_override(master, component)
                continue
            # A lone instance (its series is not in the feed): keep it as one event.
            single = _master(component, group, tz, source)
        except (ValueError, TypeError, AttributeError) as exc:
            logger.info("import: dated instance skipped (%s)", type(exc).__name__)
            single = None
        lone_uid = f"{uid}#{_rid_text(component.get('RECURRENCE-ID').dt)}"
        if single is None or master is not None or lone_uid in masters:
            result.skipped += 1
            continue
        masters[lone_uid] = replace(single, uid=lone_uid, rrule=None)
    result.events = list(masters.values())
    return result


def _rid_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")
