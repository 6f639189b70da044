"""`!appel` and its sub-commands, and `!appels`, declared next to their handlers."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.context import CommandContext
from bot.declare import CommandSet, argument, command
from bot.french import quoted
from bot.message import Role
from bot.router import MAX_MESSAGE_CHARS, CommandError
from commands.appel import launch, render, texts
from commands.appel.repo import StoredCall
from commands.appel.service import AppelService

LIST_DAYS = 30
LIST_LIMIT = 15


class AppelCommands(CommandSet):
    def __init__(self, service: AppelService) -> None:
        self.service = service

    @command(
        "appel",
        texts.APPEL_SUMMARY,
        aliases=("relayer",),
        role=Role.ORGANISER,
        details=texts.APPEL_DETAILS,
        max_chars=MAX_MESSAGE_CHARS,  # the call's own limit (calls.max_length) says more
        examples=(
            "{prefix}appel Rassemblement samedi 15h devant la mairie",
            "{prefix}appel --tags santé,72 --expire 30/05 Réunion publique mercredi 18h",
        ),
    )
    @argument(texts.APPEL_ARG, rest=True)
    async def start_call(self, ctx: CommandContext) -> str | list[str]:
        service = self.service
        turn = await launch.start(service, ctx.message, ctx.args[texts.APPEL_ARG])
        if turn.step is not None:
            await ctx.services.conversations.start(ctx.message, launch.FLOW, turn.step, turn.data)
        return [str(r) for r in turn.replies]

    async def _find(self, ctx: CommandContext, raw: str) -> StoredCall:
        service = self.service
        match = re.fullmatch(r"(?:n°|no|n|#)?\s*(\d{1,9})", raw.strip().lower())
        if match is None:
            raise CommandError(texts.NEED_ID.format(p=ctx.prefix))
        stored = await service.repo.by_id(int(match.group(1)))
        if stored is None or not stored.call.text:
            raise CommandError(texts.NOT_FOUND.format(p=ctx.prefix, id=match.group(1)))
        return stored

    @start_call.subcommand(
        "statut", texts.STATUS_SUMMARY, aliases=("etat", "suivi"), role=Role.ORGANISER
    )
    @argument(texts.ARG_ID)
    async def status(self, ctx: CommandContext) -> str:
        service = self.service
        stored = await self._find(ctx, ctx.args[texts.ARG_ID])
        decisions = await service.repo.groups(stored.id)
        states = await service.target_states(stored.id)
        return render.status(stored, decisions, states, service.tz(None))

    @start_call.subcommand(
        "retirer", texts.RETRACT_SUMMARY, aliases=("supprimer", "retrait"), role=Role.ORGANISER
    )
    @argument(texts.ARG_ID)
    async def retract(self, ctx: CommandContext) -> str:
        service = self.service
        stored = await self._find(ctx, ctx.args[texts.ARG_ID])
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

    # Open to the group's organisers' room, whatever the sender's role there.
    @start_call.subcommand("accepter", texts.ACCEPT_SUMMARY, aliases=("valider", "publier"))
    @argument(texts.ARG_ID_GROUP, rest=True)
    async def accept(self, ctx: CommandContext) -> str:
        return await self._decide(ctx, "accepter")

    @start_call.subcommand("refuser", texts.REFUSE_SUMMARY, aliases=("rejeter", "ecarter"))
    @argument(texts.ARG_ID_GROUP, rest=True)
    async def refuse(self, ctx: CommandContext) -> str:
        return await self._decide(ctx, "refuser")

    async def _decide(self, ctx: CommandContext, verb: str) -> str:
        service = self.service
        number, _, named = ctx.args[texts.ARG_ID_GROUP].strip().partition(" ")
        stored = await self._find(ctx, number)
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
            raise CommandError(
                texts.NOT_WAITING.format(id=stored.id, group=group.name, state=label)
            )
        if verb == "accepter":
            return texts.ACCEPTED.format(p=ctx.prefix, id=stored.id, group=group.name)
        return texts.REFUSED.format(id=stored.id, group=group.name)

    @command("appels", texts.LIST_SUMMARY, role=Role.ORGANISER)
    async def recent(self, ctx: CommandContext) -> str:
        service = self.service
        calls = await service.repo.recent(service.now() - timedelta(days=LIST_DAYS), LIST_LIMIT)
        return render.listing(calls, LIST_DAYS, service.tz(None), ctx.prefix)
