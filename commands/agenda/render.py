"""Events and occurrences as short French text for chat (Markdown-light)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates.describe import describe, fmt_clock, fmt_day
from bot.message import Channel
from bot.names import ChannelNames
from commands.agenda import texts
from commands.agenda.model import Event, Occurrence
from commands.agenda.offsets import Offset
from commands.agenda.recurrence import iter_occurrences


def occurrence_when(occurrence: Occurrence, tz: ZoneInfo, *, year: bool = True) -> str:
    """ "samedi 23 mai 2026, 15:00", "du lundi 3 au vendredi 7 août 2026"."""
    if occurrence.all_day:
        first, last = occurrence.start.date(), occurrence.last_day
        if first == last:
            return f"{fmt_day(first, year=year)}, {texts.ALL_DAY}"
        return describe(first, last, True, None)
    start = occurrence.start.astimezone(tz)
    end = None if occurrence.end is None else occurrence.end.astimezone(tz)
    if not year and (end is None or end.date() == start.date()):
        clock = fmt_clock(start) if end is None else f"de {fmt_clock(start)} à {fmt_clock(end)}"
        return f"{fmt_day(start.date(), year=False)}, {clock}"
    return describe(start, end, False, None)


def event_when(event: Event, tz: ZoneInfo) -> str:
    """The whole event: its date, or its rule ("tous les mercredis, de 14:00 à 21:00 …")."""
    if event.rrule is None:
        first = next(iter_occurrences(event), None)
        if first is None:
            return texts.NO_MORE_DATES
        return occurrence_when(first, tz)
    if event.all_day:
        start_day = event.local_start.date()
        end = event.local_end
        last = (end - timedelta(days=1)).date() if end is not None else start_day
        return describe(start_day, last, True, event.rrule)
    start = event.start.astimezone(tz)
    end_dt = None if event.end is None else event.end.astimezone(tz)
    return describe(start, end_dt, False, event.rrule)


def list_line(occurrence: Occurrence, tz: ZoneInfo, *, show_group: bool = False) -> str:
    event = occurrence.event
    line = f"- {occurrence_when(occurrence, tz, year=False)} : **{occurrence.title}**"
    if occurrence.place:
        line += f", {occurrence.place}"
    suffix = f"n°{event.id}" + (f", {event.group}" if show_group else "")
    return f"{line} ({suffix})"


def targets_label(targets: Sequence[Channel], names: ChannelNames) -> str:
    """Where an event is announced, as people know the rooms (their names, not ids)."""
    if not targets:
        return texts.NO_TARGETS
    return ", ".join(names.label(t) for t in targets)


def offsets_label(offsets: Sequence[Offset]) -> str:
    if not offsets:
        return texts.NO_REMINDERS
    return ", ".join(o.label() for o in offsets)


def relative(now: datetime, start: datetime, tz: ZoneInfo) -> str:
    """ "aujourd'hui", "demain", "dans 7 jours", "dans 2 h"."""
    delta = start - now
    if delta <= timedelta(hours=6):
        minutes = max(1, round(delta.total_seconds() / 60))
        if minutes < 60:
            return texts.IN_MINUTES.format(minutes=minutes)
        return texts.IN_HOURS.format(hours=round(minutes / 60))
    days = (start.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days <= 0:
        return texts.TODAY
    if days == 1:
        return texts.TOMORROW
    return texts.IN_DAYS.format(days=days)


def reminder_text(
    occurrence: Occurrence, now: datetime, tz: ZoneInfo, *, late: bool, prefix: str
) -> str:
    head = texts.REMINDER_LATE if late else texts.REMINDER
    lines = [head.format(title=occurrence.title)]
    when = occurrence_when(occurrence, tz)
    lines.append(f"{when} ({relative(now, occurrence.reference, tz)})")
    if occurrence.place:
        lines.append(f"{texts.LABEL_PLACE} : {occurrence.place}")
    if occurrence.event.map_url:
        lines.append(f"{texts.LABEL_MAP} : {occurrence.event.map_url}")
    lines.append(texts.DETAILS_HINT.format(prefix=prefix, id=occurrence.event.id))
    return "\n".join(lines)


def reminders_text(
    occurrences: Sequence[Occurrence], tz: ZoneInfo, *, late: bool, prefix: str
) -> str:
    """Several reminders due together in one room: one short list."""
    head = texts.REMINDERS_LATE if late else texts.REMINDERS
    ordered = sorted(occurrences, key=lambda o: (o.start, o.event.id))
    lines = [head.format(count=len(ordered)), *(list_line(o, tz) for o in ordered)]
    lines.append(texts.LIST_FOOTER.format(prefix=prefix))
    return "\n".join(lines)


def where_text(when: str, place: str) -> str:
    return f"{when}, {place}" if place else when


def details(
    event: Event,
    tz: ZoneInfo,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    targets: Sequence[Channel],
    names: ChannelNames,
    source_label: str | None,
) -> str:
    lines = [f"**n°{event.id} : {event.title}**"]
    if event.cancelled:
        lines.append(f"{texts.LABEL_STATUS} : **{texts.STATUS_CANCELLED}**")
    lines.append(f"{texts.LABEL_WHEN} : {event_when(event, tz)}")
    lines.append(f"{texts.LABEL_PLACE} : {event.place or texts.NO_PLACE}")
    if event.map_url:
        lines.append(f"{texts.LABEL_MAP} : {event.map_url}")
    lines.append(f"{texts.LABEL_KIND} : {texts.KIND_LABELS.get(event.kind, event.kind)}")
    if event.description:
        lines.append(f"{texts.LABEL_DESCRIPTION} : {event.description}")
    if event.link:
        lines.append(f"{texts.LABEL_LINK} : {event.link}")
    if event.rrule is not None and not event.cancelled:
        upcoming = []
        for occurrence in iter_occurrences(event, now):
            upcoming.append(occurrence_when(occurrence, tz, year=False))
            if len(upcoming) == 3:
                break
        lines.append(f"{texts.LABEL_NEXT} : {'; '.join(upcoming) or texts.NO_MORE_DATES}")
    lines.append(f"{texts.LABEL_REMINDERS} : {offsets_label(offsets)}")
    lines.append(f"{texts.LABEL_TARGETS} : {targets_label(targets, names)}")
    lines.append(f"{texts.LABEL_GROUP} : {event.group}")
    if source_label:
        lines.append(f"{texts.LABEL_SOURCE} : {source_label}")
    return "\n".join(lines)


def cancel_notice(event: Event, tz: ZoneInfo) -> str:
    return texts.NOTICE_CANCELLED.format(title=event.title, when=event_when(event, tz))


def date_cancel_notice(occurrence: Occurrence, tz: ZoneInfo) -> str:
    return texts.NOTICE_DATE_CANCELLED.format(
        day=occurrence_when(occurrence, tz), title=occurrence.title
    )


def move_notice(before: Event, after: Event, tz: ZoneInfo, prefix: str) -> str:
    return "\n".join(
        [
            texts.NOTICE_MOVED.format(title=after.title),
            texts.NOTICE_BEFORE.format(text=where_text(event_when(before, tz), before.place)),
            texts.NOTICE_NOW.format(text=where_text(event_when(after, tz), after.place)),
            texts.DETAILS_HINT.format(prefix=prefix, id=after.id),
        ]
    )


def reminders_preview(event: Event, offsets: Sequence[Offset], now: datetime, tz: ZoneInfo) -> str:
    """ "la veille à 18:00 (vendredi 22 mai, 18:00)" for the first date still ahead."""
    if not offsets:
        return texts.NO_REMINDERS
    first = next(iter_occurrences(event, now), None)
    if first is None:
        return offsets_label(offsets)
    parts = []
    for offset in offsets:
        instant = offset.instant(first.reference).astimezone(tz)
        if instant <= now:
            when = texts.PREVIEW_PAST
        else:
            when = f"{fmt_day(instant.date(), year=False)}, {fmt_clock(instant)}"
        parts.append(f"{offset.label()} ({when})")
    return ", ".join(parts)


def summary(
    event: Event,
    tz: ZoneInfo,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    targets: Sequence[Channel],
    names: ChannelNames,
) -> str:
    """What the bot understood, before an organiser says oui."""
    lines = [
        f"{texts.LABEL_WHEN} : {event_when(event, tz)}",
        f"{texts.LABEL_WHAT} : {event.title}",
        f"{texts.LABEL_PLACE} : {event.place or texts.NO_PLACE}",
    ]
    if event.description:
        lines.append(f"{texts.LABEL_DESCRIPTION} : {event.description}")
    lines += [
        f"{texts.LABEL_KIND} : {texts.KIND_LABELS.get(event.kind, event.kind)}",
        f"{texts.LABEL_GROUP} : {event.group}",
        f"{texts.LABEL_TARGETS} : {targets_label(targets, names)}",
        f"{texts.LABEL_REMINDERS} : {reminders_preview(event, offsets, now, tz)}",
    ]
    return "\n".join(lines)
