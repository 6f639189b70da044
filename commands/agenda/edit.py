"""`!agenda modifier N CHAMP VALEUR`.

"quand" and "lieu" tell everyone who follows the event, so they wait for "oui"; the
other fields change at once. "-" or "aucun" clears description, lien and carte.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.context import CommandContext
from bot.dates.parse import WhenError, parse_when
from bot.french import normalize, parse_yes_no, quoted
from bot.message import Reach
from bot.router import CommandError
from commands.agenda import render, texts
from commands.agenda.adding import MAX_DESCRIPTION, MAX_PLACE, MAX_TITLE
from commands.agenda.flow import FLOW, STEP_CHANGE, times_to_data
from commands.agenda.groups import event_targets, find_group, rooms_only
from commands.agenda.handlers import fetch, split_id
from commands.agenda.model import Event, parse_kind
from commands.agenda.offsets import OffsetError, parse_offsets
from commands.agenda.service import AgendaService, times_from_when

FIELDS = {
    "quand": "quand",
    "date": "quand",
    "heure": "quand",
    "titre": "titre",
    "nom": "titre",
    "lieu": "lieu",
    "adresse": "lieu",
    "description": "description",
    "desc": "description",
    "lien": "lien",
    "url": "lien",
    "carte": "carte",
    "plan": "carte",
    "type": "type",
    "rappels": "rappels",
    "rappel": "rappels",
    "mastodon": "mastodon",
}
_CLEAR = ("-", "aucun", "aucune", "rien", "effacer")
_LINK = re.compile(r"^https?://\S+$")


async def edit(service: AgendaService, ctx: CommandContext) -> str:
    event_id, rest = split_id(ctx)
    word, _, value = rest.partition(" ")
    if not word:
        raise CommandError(texts.EDIT_USAGE.format(prefix=ctx.prefix))
    field = FIELDS.get(normalize(word))
    if field is None:
        raise CommandError(
            texts.EDIT_UNKNOWN_FIELD.format(field=quoted(word, 40), prefix=ctx.prefix)
        )
    value = value.strip()
    if not value:
        raise CommandError(texts.EDIT_NEED_VALUE.format(prefix=ctx.prefix))
    event = await fetch(service, event_id, ctx.prefix)
    if event.cancelled:
        raise CommandError(texts.EDIT_CANCELLED_EVENT)
    if field in ("quand", "lieu"):
        return await _ask_change(ctx, service, event, field, value)
    after = _changed(service, event, field, value, ctx.prefix)
    if after == event:
        return texts.EDIT_SAME
    await service.update(after)
    answer = texts.EDIT_DONE.format(prefix=ctx.prefix, id=event.id)
    if event.source:
        answer += "\n" + texts.EDIT_IMPORTED.format(source=event.source)
    return answer


def _changed(service: AgendaService, event: Event, field: str, value: str, prefix: str) -> Event:
    clear = normalize(value) in _CLEAR
    if field == "titre":
        if len(value) > MAX_TITLE:
            raise CommandError(texts.ADD_TITLE_TOO_LONG.format(max=MAX_TITLE))
        return replace(event, title=value)
    if field == "description":
        if len(value) > MAX_DESCRIPTION:
            raise CommandError(texts.ADD_TOO_LONG.format(max=MAX_DESCRIPTION))
        return replace(event, description="" if clear else value)
    if field in ("lien", "carte"):
        link = None if clear else value
        if link is not None and not _LINK.match(link):
            raise CommandError(texts.EDIT_BAD_LINK)
        return replace(event, link=link) if field == "lien" else replace(event, map_url=link)
    if field == "type":
        kind = parse_kind(value)
        if kind is None:
            raise CommandError(texts.EDIT_BAD_KIND)
        return replace(event, kind=kind)
    if field == "rappels":
        try:
            offsets = parse_offsets(value)
        except OffsetError as exc:
            raise CommandError(str(exc)) from None
        return replace(event, offsets=tuple(o.spec() for o in offsets))
    return _mastodon(service, event, value, prefix)


def _mastodon(service: AgendaService, event: Event, value: str, prefix: str) -> Event:
    wanted = parse_yes_no(value)
    if wanted is None:
        raise CommandError(texts.EDIT_BAD_YES_NO.format(prefix=prefix, id=event.id))
    if not wanted:
        return replace(event, targets=rooms_only(service.config, event))
    group = find_group(service.config, event.group)
    with_group = None if group is None or group.config is None else replace(event, targets=None)
    if with_group is None or not any(
        t.reach is Reach.FOLLOWERS for t in event_targets(service.config, with_group)
    ):
        raise CommandError(texts.EDIT_NO_MASTODON)
    return with_group


async def _ask_change(
    ctx: CommandContext, service: AgendaService, event: Event, field: str, value: str
) -> str:
    tz = service.tz(event.group)
    data: dict[str, object] = {"id": event.id, "sequence": event.sequence, "field": field}
    if field == "quand":
        try:
            when = parse_when(value, service.now(), tz)
        except WhenError as exc:
            raise CommandError(str(exc)) from None
        data["times"] = times_to_data(times_from_when(when, tz))
        head, shown = texts.MOVE_HEAD.format(id=event.id), when.describe()
    else:
        if len(value) > MAX_PLACE:
            raise CommandError(texts.ADD_TOO_LONG.format(max=MAX_PLACE))
        data["place"] = value
        head, shown = texts.PLACE_HEAD.format(id=event.id), value
    targets = render.targets_label(service.targets(event), service.names)
    await ctx.services.conversations.start(ctx.message, FLOW, STEP_CHANGE, data)
    return "\n".join(
        [
            f"{head} {shown}",
            f"({event.title})",
            texts.MOVE_NOTICE_WARNING.format(targets=targets),
            texts.MOVE_QUESTION,
        ]
    )
