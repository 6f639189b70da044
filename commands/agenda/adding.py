"""`!agenda ajouter`: from "quand | titre | lieu | description" to an event awaiting "oui"."""

from __future__ import annotations

from typing import Any

from bot.dates.parse import WhenError, parse_when
from bot.message import Message
from bot.router import CommandError
from commands.agenda import render, texts
from commands.agenda.groups import Group, new_event_targets
from commands.agenda.model import (
    Event,
    guess_kind,
    parse_utc,
    targets_from_json,
    targets_to_json,
    utc_text,
)
from commands.agenda.service import AgendaService, times_from_when

MAX_TITLE = 200
MAX_PLACE = 300
MAX_DESCRIPTION = 2000


def split_parts(raw: str, prefix: str) -> list[str]:
    parts = [p.strip() for p in raw.split("|")]
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise CommandError(texts.ADD_NEED_TITLE.format(prefix=prefix))
    if len(parts) > 4:
        raise CommandError(texts.ADD_TOO_MANY.format(prefix=prefix))
    if len(parts[1]) > MAX_TITLE:
        raise CommandError(texts.ADD_TITLE_TOO_LONG.format(max=MAX_TITLE))
    if len(parts) > 2 and len(parts[2]) > MAX_PLACE:
        raise CommandError(texts.ADD_TOO_LONG.format(max=MAX_PLACE))
    if len(parts) > 3 and len(parts[3]) > MAX_DESCRIPTION:
        raise CommandError(texts.ADD_TOO_LONG.format(max=MAX_DESCRIPTION))
    return parts + [""] * (4 - len(parts))


def prepare_add(
    service: AgendaService, message: Message, group: Group, parts: list[str]
) -> tuple[str, dict[str, Any]]:
    """The confirmation text and the flow data; CommandError when the date is unusable."""
    when_text, title, place, description = parts
    now = service.now()
    try:
        when = parse_when(when_text, now, group.tz)
    except WhenError as exc:
        raise CommandError(str(exc)) from None
    times = times_from_when(when, group.tz)
    event = Event(
        id=0,
        group=group.name,
        kind=guess_kind(title),
        title=title,
        start=times.start,
        end=times.end,
        tz=group.tz.key,
        all_day=times.all_day,
        place=place,
        description=description,
        rrule=times.rrule,
        targets=new_event_targets(group, message.channel),
    )
    text = "\n".join(
        [
            texts.CONFIRM_HEAD,
            render.summary(
                event,
                group.tz,
                now=now,
                offsets=service.offsets(event),
                targets=service.targets(event),
                names=service.names,
            ),
            "",
            texts.CONFIRM_QUESTION,
        ]
    )
    return text, {"event": event_to_data(event)}


def event_to_data(event: Event) -> dict[str, Any]:
    """A draft event as JSON for the (encrypted) conversation state."""
    return {
        "group": event.group,
        "kind": event.kind,
        "title": event.title,
        "place": event.place,
        "description": event.description,
        "tz": event.tz,
        "all_day": event.all_day,
        "start": utc_text(event.start),
        "end": None if event.end is None else utc_text(event.end),
        "rrule": event.rrule,
        "targets": targets_to_json(event.targets),
    }


def event_from_data(data: dict[str, Any]) -> Event:
    group = str(data["group"])
    return Event(
        id=0,
        group=group,
        kind=str(data["kind"]),
        title=str(data["title"]),
        start=parse_utc(data["start"]),
        end=None if data["end"] is None else parse_utc(data["end"]),
        tz=str(data["tz"]),
        all_day=bool(data["all_day"]),
        place=str(data["place"]),
        description=str(data["description"]),
        rrule=data["rrule"],
        targets=targets_from_json(data["targets"], group),
    )
