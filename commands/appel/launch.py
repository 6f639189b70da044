"""Launching a call from chat: read the options, find the origin group, build the preview.

`!appel …` → (choose a group when it cannot be guessed) → preview → "oui" → `launch`.
The conversation keeps the prepared call as plain data; it is built again at "oui".
"""

from __future__ import annotations

from typing import Any

from bot.announce import organisers_channel
from bot.config import GroupConfig
from bot.conversation import Turn
from bot.french import numbered, parse_choice, quoted
from bot.message import Channel, Message
from bot.router import CommandError
from commands.appel import matching, render, texts
from commands.appel.model import Call, new_uid, parse_utc, utc_text
from commands.appel.options import LaunchOptions, OptionError, default_expiry, parse_options
from commands.appel.service import AppelService

FLOW = "appel"
STEP_GROUP, STEP_CONFIRM = "groupe", "confirmer"


def in_organisers_room(channel: Channel, group: GroupConfig) -> bool:
    room = organisers_channel(group)
    return room is not None and (room.transport, room.id) == (channel.transport, channel.id)


def guess_group(service: AppelService, message: Message) -> GroupConfig | None:
    """The group of the room, of the organisers' room, or the only group."""
    found = service.group(message.channel.group)
    if found is not None:
        return found
    groups = service.config.groups
    for group in groups:
        if in_organisers_room(message.channel, group):
            return group
    return groups[0] if len(groups) == 1 else None


def link_to(message: Message) -> str | None:
    """A link back to the original, when it is a message in a Matrix group room."""
    if message.transport != "matrix" or message.is_direct or not message.event_id:
        return None
    return f"https://matrix.to/#/{message.channel.id}/{message.event_id}"


async def start(service: AppelService, message: Message, raw: str) -> Turn:
    """Read `!appel …`; the turn says what to answer and which step comes next."""
    p = service.prefix
    guessed = guess_group(service, message)
    try:
        tz = service.tz(guessed.name if guessed else None)
        options = parse_options(raw, service.now(), tz, p)
    except OptionError as exc:
        raise CommandError(exc.message) from None
    if len(options.text) > service.appel.max_length:
        raise CommandError(
            texts.TEXT_TOO_LONG.format(length=len(options.text), max=service.appel.max_length)
        )
    link = link_to(message)
    if options.group is not None:
        chosen = service.group(options.group)
        if chosen is None:
            names = ", ".join(g.name for g in service.config.groups) or "-"
            raise CommandError(
                texts.UNKNOWN_GROUP.format(name=quoted(options.group, 40), names=names)
            )
        guessed = chosen
    if guessed is None and service.config.groups:
        choices = [g.name for g in service.config.groups]
        data = {"raw": raw, "link": link, "choices": choices}
        return Turn([f"{texts.CHOOSE_GROUP}\n{numbered(choices)}"], STEP_GROUP, data)
    return preview_turn(service, await prepare(service, options, guessed, link))


async def prepare(
    service: AppelService, options: LaunchOptions, group: GroupConfig | None, link: str | None
) -> dict[str, Any]:
    """The call as conversation data; refuses a duplicate or a call that would go nowhere."""
    p = service.prefix
    duplicate = await service.duplicate_of(options.text)
    if duplicate is not None:
        raise CommandError(
            texts.DUPLICATE.format(
                p=p,
                id=duplicate.id,
                date=render.short_date(duplicate.recorded, service.tz(None)),
            )
        )
    now = service.now()
    tags = options.tags if options.tags is not None else (group.tags if group else ())
    tz = service.tz(group.name if group else None)
    expiry = options.expiry or default_expiry(now, service.appel.default_expiry_days, tz)
    data: dict[str, Any] = {
        "uid": new_uid(),
        "text": options.text,
        "tags": list(tags),
        "expiry": utc_text(expiry),
        "group": group.name if group else "",
        "link": link,
        "local": options.local,
    }
    call = _call(data, service)
    if service.plan(call, local=options.local).empty:
        tried = ", ".join(call.tags) or texts.NO_TAG
        others = matching.received_tags(
            service.config, service.appel, exclude=group.name if group else None
        )
        if not others:
            raise CommandError(texts.NOWHERE_AT_ALL.format(tags=tried))
        raise CommandError(
            texts.NOWHERE.format(p=p, tags=tried, received=", ".join(others[:6]), example=others[0])
        )
    return data


def _call(data: dict[str, Any], service: AppelService) -> Call:
    return Call(
        uid=str(data["uid"]),
        origin_instance=service.appel.instance,
        origin_group=str(data["group"]),
        text=str(data["text"]),
        tags=tuple(data["tags"]),
        created=service.now(),
        expiry=parse_utc(str(data["expiry"])),
        hops=(service.appel.instance,),
        link=data.get("link"),
    )


def preview_turn(service: AppelService, data: dict[str, Any]) -> Turn:
    call = _call(data, service)
    plan = service.plan(call, local=bool(data["local"]))
    text = render.preview(call, plan, service.tz(call.origin_group or None))
    return Turn([text], STEP_CONFIRM, data)


async def choose_group(service: AppelService, data: dict[str, Any], text: str) -> Turn:
    choices = [str(c) for c in data["choices"]]
    index = parse_choice(text, choices)
    p = service.prefix
    if index is None:
        return Turn([f"{texts.CHOOSE_GROUP_HELP.format(p=p)}\n{numbered(choices)}"], STEP_GROUP)
    group = service.group(choices[index])
    try:
        options = parse_options(str(data["raw"]), service.now(), service.tz(choices[index]), p)
        if group is None:
            raise CommandError(texts.CANCELLED)
        prepared = await prepare(service, options, group, data.get("link"))
    except OptionError as exc:
        return Turn([exc.message], None)
    except CommandError as exc:
        return Turn([exc.message], None)
    return preview_turn(service, prepared)


async def confirm(service: AppelService, data: dict[str, Any]) -> Turn:
    call = _call(data, service)
    p = service.prefix
    again = await service.repo.by_uid(call.uid)
    if again is not None:  # "oui" repeated after a failure: finish what was recorded
        await service.resume_call(again.id)
        return Turn([texts.LAUNCHED.format(p=p, id=again.id)], None)
    duplicate = await service.duplicate_of(call.text)
    if duplicate is not None:
        date = render.short_date(duplicate.recorded, service.tz(None))
        return Turn([texts.DUPLICATE.format(p=p, id=duplicate.id, date=date)], None)
    if call.expired(service.now()):
        return Turn([texts.EXPIRY_PAST.format(p=p)], None)
    launched = await service.launch(call, local=bool(data["local"]))
    return Turn([texts.LAUNCHED.format(p=p, id=launched.id)], None)
