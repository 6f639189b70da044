"""Agenda events to ICS (RFC 5545): a feed per group and a global one.

Cancelled events stay in the feed with STATUS:CANCELLED so that subscribed calendars
remove them; moved dates are VEVENTs with RECURRENCE-ID. Times carry their zone (TZID
with its VTIMEZONE); all-day events are dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import icalendar

from commands.agenda import texts
from commands.agenda.ics_read import KIND_PROPERTY, MAP_PROPERTY
from commands.agenda.model import Event, Override, key_to_start
from commands.agenda.recurrence import rrule_for_all_day, rrule_with_utc_until

PRODID = "-//Relais//Agenda//FR"


def _times(component: icalendar.Event, event: Event, start: datetime, end: datetime | None) -> None:
    zone = event.zone
    if event.all_day:
        component.add("dtstart", start.astimezone(zone).date())
        if end is not None:
            component.add("dtend", end.astimezone(zone).date())
        return
    component.add("dtstart", start.astimezone(zone))
    if end is not None:
        component.add("dtend", end.astimezone(zone))


def _common(component: icalendar.Event, event: Event, stamp: datetime) -> None:
    component.add("uid", event.uid)
    component.add("dtstamp", stamp)
    component.add("sequence", event.sequence)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")


def _master(event: Event, stamp: datetime) -> icalendar.Event:
    component = icalendar.Event()
    _common(component, event, stamp)
    _times(component, event, event.start, event.end)
    component.add("summary", event.title)
    if event.place:
        component.add("location", event.place)
    if event.description:
        component.add("description", event.description)
    if event.link:
        component.add("url", event.link)
    if event.map_url:
        component.add(MAP_PROPERTY, event.map_url)
    component.add("categories", [texts.KIND_LABELS.get(event.kind, event.kind)])
    component.add(KIND_PROPERTY, event.kind)
    if event.rrule:
        rule = (
            rrule_for_all_day(event.rrule, event.zone)
            if event.all_day
            else rrule_with_utc_until(event.rrule, event.zone)
        )
        component.add("rrule", icalendar.vRecur.from_ical(rule))
        if event.exdates:
            days = sorted(key_to_start(k, event.all_day, event.zone) for k in event.exdates)
            values = [d.date() for d in days] if event.all_day else days
            component.add("exdate", values)
    return component


def _override(event: Event, override: Override, stamp: datetime) -> icalendar.Event:
    component = icalendar.Event()
    _common(component, event, stamp)
    original = key_to_start(override.key, event.all_day, event.zone)
    component.add("recurrence-id", original.date() if event.all_day else original)
    _times(component, event, override.start, override.end)
    component.add("summary", override.title or event.title)
    place = event.place if override.place is None else override.place
    if place:
        component.add("location", place)
    description = event.description if override.description is None else override.description
    if description:
        component.add("description", description)
    return component


def _calendar(name: str, tz: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tz)
    return calendar


def write_calendar(events: Sequence[Event], *, name: str, tz: str, now: datetime) -> bytes:
    """The whole calendar at once (the feed itself is assembled from `event_block`s)."""
    calendar = _calendar(name, tz)
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for event in events:
        calendar.add_component(_master(event, stamp))
        if event.rrule:
            for override in event.overrides:
                calendar.add_component(_override(event, override, stamp))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def event_block(event: Event, stamp: datetime) -> tuple[bytes, list[str]]:
    """One event's VEVENTs (master, then its moved dates) as serialised in a feed, and the
    zones they refer to: kept with the event so that a feed is a concatenation."""
    holder = icalendar.Calendar()
    moment = stamp.astimezone(UTC).replace(microsecond=0)
    components = [_master(event, moment)]
    if event.rrule:
        components += [_override(event, override, moment) for override in event.overrides]
    for component in components:
        holder.add_component(component)
    zones = sorted(holder.get_missing_tzids())
    return b"".join(bytes(c.to_ical()) for c in components), zones


CALENDAR_END = b"END:VCALENDAR\r\n"


def calendar_head(*, name: str, tz: str, zones: Iterable[str]) -> bytes:
    """Everything before the first VEVENT: the calendar's properties and its VTIMEZONEs."""
    calendar = _calendar(name, tz)
    for zone in sorted(set(zones)):
        try:
            calendar.add_component(icalendar.Timezone.from_tzid(zone))
        except ValueError:  # unknown to the zone database: the TZID stays unexplained
            continue
    body = bytes(calendar.to_ical())
    assert body.endswith(CALENDAR_END)
    return body[: -len(CALENDAR_END)]
