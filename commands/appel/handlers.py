"""The chat side: `!appel` and its sub-commands, `!appels`, and the confirmation flow."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.context import CommandContext, Services
from bot.conversation import ConversationState, Turn
from bot.french import numbered, parse_yes_no, quoted
from bot.message import Message, Role
from bot.router import MAX_MESSAGE_CHARS, Arg, Command, CommandError
from commands.appel import launch, render, texts
from commands.appel.repo import StoredCall
from commands.appel.service import AppelService

FEATURE = "appel"
LIST_DAYS = 30
LIST_LIMIT = 15


def service_of(services: Services) -> AppelService:
    service = services.features[FEATURE]
    assert isinstance(service, AppelService)
    return service


class AppelFlow:
    name = launch.FLOW
    controls: frozenset[str] = frozenset()

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        service = service_of(services)
        if state.step == launch.STEP_GROUP:
            return await launch.choose_group(service, state.data, text)
        answer = parse_yes_no(text)
        if answer is None:
            return Turn([self.help_for(state)], state.step)
        if not answer:
            return Turn([texts.CANCELLED], None)
        return await launch.confirm(service, state.data)

    def help_for(self, state: ConversationState) -> str:
        if state.step == launch.STEP_GROUP:
            choices = [str(c) for c in state.data.get("choices", [])]
            return f"{texts.CHOOSE_GROUP_HELP.format(p=self.prefix)}\n{numbered(choices)}"
        return texts.CONFIRM_HELP

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        return texts.CANCELLED


# -- handlers ---------------------------------------------------------------------------------
async def start_call(ctx: CommandContext) -> str | list[str]:
    service = service_of(ctx.services)
    turn = await launch.start(service, ctx.message, ctx.args[texts.APPEL_ARG])
    if turn.step is not None:
        await ctx.services.conversations.start(ctx.message, launch.FLOW, turn.step, turn.data)
    return [str(r) for r in turn.replies]


async def _find(ctx: CommandContext, raw: str) -> StoredCall:
    service = service_of(ctx.services)
    match = re.fullmatch(r"(?:n°|no|n|#)?\s*(\d{1,9})", raw.strip().lower())
    if match is None:
        raise CommandError(texts.NEED_ID.format(p=ctx.prefix))
    stored = await service.repo.by_id(int(match.group(1)))
    if stored is None or not stored.call.text:
        raise CommandError(texts.NOT_FOUND.format(p=ctx.prefix, id=match.group(1)))
    return stored


async def status(ctx: CommandContext) -> str:
    service = service_of(ctx.services)
    stored = await _find(ctx, ctx.args[texts.ARG_ID])
    decisions = await service.repo.groups(stored.id)
    states = await service.target_states(stored.id)
    return render.status(stored, decisions, states, service.tz(None))


async def retract(ctx: CommandContext) -> str:
    service = service_of(ctx.services)
    stored = await _find(ctx, ctx.args[texts.ARG_ID])
    if stored.retracted:
        raise CommandError(texts.ALREADY_RETRACTED.format(id=stored.id))
    count = await service.retract(stored, tell_peers=stored.sent)
    if stored.sent:
        done = texts.RETRACT_DONE_SENT.format(p=ctx.prefix, id=stored.id, count=count)
        peers = [t for t in await service.repo.targets(stored.id) if t.kind == "peer"]
        return f"{done}\n{texts.RETRACT_PEERS_TOLD}" if peers else done
    return texts.RETRACT_DONE_RECEIVED.format(
        id=stored.id, count=count, origin=render.origin_label(stored.call)
    )


async def accept(ctx: CommandContext) -> str:
    return await _decide(ctx, "accepter")


async def refuse(ctx: CommandContext) -> str:
    return await _decide(ctx, "refuser")


async def _decide(ctx: CommandContext, verb: str) -> str:
    service = service_of(ctx.services)
    number, _, named = ctx.args[texts.ARG_ID_GROUP].strip().partition(" ")
    stored = await _find(ctx, number)
    if stored.retracted:
        raise CommandError(texts.ALREADY_RETRACTED.format(id=stored.id))
    decisions = await service.repo.groups(stored.id)
    waiting = [d.group for d in decisions if d.state == "waiting"]
    group_name = named.strip().lower() or None
    if group_name is None:
        here = [
            name
            for name in waiting
            if (g := service.group(name)) is not None
            and launch.in_organisers_room(ctx.message.channel, g)
        ]
        candidates = here or waiting
        if not candidates:
            raise CommandError(texts.NOTHING_WAITING.format(id=stored.id))
        if len(candidates) > 1:
            raise CommandError(
                texts.WHICH_GROUP.format(
                    p=ctx.prefix,
                    id=stored.id,
                    groups=", ".join(candidates),
                    verb=verb,
                    first=candidates[0],
                )
            )
        group_name = candidates[0]
    group = service.group(group_name)
    if group is None:
        names = ", ".join(g.name for g in service.config.groups) or "-"
        raise CommandError(texts.UNKNOWN_GROUP.format(name=quoted(group_name, 40), names=names))
    if not (
        ctx.message.sender.is_organiser or launch.in_organisers_room(ctx.message.channel, group)
    ):
        raise CommandError(texts.NOT_YOUR_GROUP.format(group=group.name))
    if verb == "accepter" and stored.call.expired(service.now()):
        date = render.when_text(stored.call.expiry, service.tz(group.name))
        raise CommandError(texts.EXPIRED.format(id=stored.id, date=date))
    state = next((d.state for d in decisions if d.group == group.name), None)
    done = (
        await service.accept(stored, group)
        if verb == "accepter"
        else await service.refuse(stored, group)
    )
    if not done:
        label = render.DECISION_LABELS.get(state or "", state or "non concerné")
        raise CommandError(texts.NOT_WAITING.format(id=stored.id, group=group.name, state=label))
    if verb == "accepter":
        return texts.ACCEPTED.format(p=ctx.prefix, id=stored.id, group=group.name)
    return texts.REFUSED.format(id=stored.id, group=group.name)


async def recent(ctx: CommandContext) -> str:
    service = service_of(ctx.services)
    calls = await service.repo.recent(service.now() - timedelta(days=LIST_DAYS), LIST_LIMIT)
    return render.listing(calls, LIST_DAYS, service.tz(None), ctx.prefix)


def commands() -> list[Command]:
    return [
        Command(
            name="appel",
            summary=texts.APPEL_SUMMARY,
            handler=start_call,
            args=(Arg(texts.APPEL_ARG, rest=True),),
            max_chars=MAX_MESSAGE_CHARS,  # the call's own limit (appels.longueur_max) says more
            aliases=("relayer",),
            role=Role.ORGANISER,
            details=texts.APPEL_DETAILS,
            examples=(
                "!appel Rassemblement samedi 15h devant la mairie",
                "!appel --tags santé,72 --expire 30/05 Réunion publique mercredi 18h",
            ),
            subcommands=(
                Command(
                    "statut",
                    texts.STATUS_SUMMARY,
                    status,
                    args=(Arg(texts.ARG_ID),),
                    aliases=("etat", "suivi"),
                    role=Role.ORGANISER,
                ),
                Command(
                    "retirer",
                    texts.RETRACT_SUMMARY,
                    retract,
                    args=(Arg(texts.ARG_ID),),
                    aliases=("supprimer", "retrait"),
                    role=Role.ORGANISER,
                ),
                # Open to the group's organisers' room, whatever the sender's role there.
                Command(
                    "accepter",
                    texts.ACCEPT_SUMMARY,
                    accept,
                    args=(Arg(texts.ARG_ID_GROUP, rest=True),),
                    aliases=("valider", "publier"),
                ),
                Command(
                    "refuser",
                    texts.REFUSE_SUMMARY,
                    refuse,
                    args=(Arg(texts.ARG_ID_GROUP, rest=True),),
                    aliases=("rejeter", "ecarter"),
                ),
            ),
        ),
        Command(
            name="appels",
            summary=texts.LIST_SUMMARY,
            handler=recent,
            role=Role.ORGANISER,
        ),
    ]
