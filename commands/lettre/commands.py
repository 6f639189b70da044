"""`!lettre` (organisers): see the coming letter, write its editorial, skip it, send it now."""

from __future__ import annotations

from datetime import datetime

from bot.config import GroupConfig
from bot.context import CommandContext
from bot.dates.describe import fmt_clock, fmt_day
from bot.declare import CommandSet, argument, command
from bot.message import Message, Role
from bot.router import CommandError
from commands.lettre import model, texts
from commands.lettre.engine import LetterEngine, preview_text
from commands.lettre.repo import SENT, SKIPPED

MAX_EDITO = 1500


def _when(moment: datetime) -> str:
    return f"{fmt_day(moment.date())} à {fmt_clock(moment)}"


class LettreCommands(CommandSet):
    def __init__(self, engine: LetterEngine) -> None:
        self.engine = engine

    def _group(self, message: Message) -> GroupConfig:
        engine = self.engine
        if not engine.settings.enabled:
            raise CommandError(texts.NOT_ENABLED)
        channel = message.channel
        groups = engine.groups()
        if not channel.is_direct:
            mapped = engine.config.group_for_room(channel.transport, channel.id)
            for group in groups:
                if group is mapped or group.organisers_room in (channel.id, channel.key):
                    return group
        if len(groups) == 1:
            return groups[0]
        raise CommandError(texts.WHICH_GROUP.format(names=", ".join(g.name for g in groups)))

    @command(
        "lettre",
        texts.SUMMARY,
        role=Role.ORGANISER,
        details=texts.DETAILS,
        examples=("{prefix}lettre voir", "{prefix}lettre edito Merci pour samedi."),
    )
    async def lettre(self, ctx: CommandContext) -> str:
        return await self.show(ctx)

    @lettre.subcommand("voir", texts.SHOW_SUMMARY, role=Role.ORGANISER)
    async def see(self, ctx: CommandContext) -> str:
        return await self.show(ctx)

    async def show(self, ctx: CommandContext) -> str:
        group = self._group(ctx.message)
        now = self.engine.now()
        week = await self.engine.upcoming_week(group, now)
        letter = await self.engine.compose(group, week, now)
        stored = await self.engine.repo.get(letter.id)
        if stored is not None and stored.status == SKIPPED:
            return texts.SHOW_SKIPPED.format(when=_when(letter.issued))
        return preview_text(letter, ctx.prefix)

    @lettre.subcommand(
        "edito",
        texts.EDITO_SUMMARY,
        aliases=("éditorial", "editorial", "mot"),
        role=Role.ORGANISER,
        max_chars=MAX_EDITO + 100,
    )
    @argument("TEXTE ou effacer", rest=True)
    async def edito(self, ctx: CommandContext) -> str:
        group = self._group(ctx.message)
        text = ctx.raw_args.strip()
        if not text:
            raise CommandError(texts.EDITO_NEED_TEXT.format(prefix=ctx.prefix))
        if text.lower() in ("effacer", "supprimer", "vider"):
            await self.engine.repo.clear_editorial(group.name)
            return texts.EDITO_CLEARED
        if len(text) > MAX_EDITO:
            raise CommandError(texts.EDITO_TOO_LONG.format(length=len(text), max=MAX_EDITO))
        now = self.engine.now()
        await self.engine.repo.set_editorial(group.name, text, now)
        week = await self.engine.upcoming_week(group, now)
        day = fmt_day(self.engine.send_at(group, week).date())
        return texts.EDITO_SET.format(day=day, prefix=ctx.prefix)

    @lettre.subcommand("annuler", texts.CANCEL_SUMMARY, role=Role.ORGANISER)
    async def cancel(self, ctx: CommandContext) -> str:
        group = self._group(ctx.message)
        now = self.engine.now()
        week = await self.engine.upcoming_week(group, now)
        letter_id = model.letter_id(group.name, week)
        send = self.engine.send_at(group, week)
        if not await self.engine.repo.mark(
            letter_id, group.name, week.slug, SKIPPED, now, issued=send
        ):
            stored = await self.engine.repo.get(letter_id)
            if stored is not None and stored.status == SENT:
                raise CommandError(texts.ALREADY_SENT.format(when=_when(send)))
            raise CommandError(texts.ALREADY_CANCELLED)
        return texts.CANCELLED.format(when=_when(send))

    @lettre.subcommand("envoyer", texts.SEND_SUMMARY, role=Role.ORGANISER)
    async def send(self, ctx: CommandContext) -> str:
        group = self._group(ctx.message)
        now = self.engine.now()
        week = await self.engine.upcoming_week(group, now)
        if not await self.engine.send(group, week, now):
            raise CommandError(texts.ALREADY_CANCELLED)
        await self.engine.arm()
        return texts.SENT_NOW
