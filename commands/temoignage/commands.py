"""`!temoigner`, `!temoignage statut|retirer CODE`, `!temoignages stats`, declared next to
their handlers."""

from __future__ import annotations

import logging

from bot.context import CommandContext
from bot.declare import CommandSet, argument, command
from bot.message import Reply, Role
from bot.router import CommandError
from commands.temoignage import records, service, texts
from commands.temoignage.flow import FIRST_STEP, FLOW, TestimonyFlow
from commands.temoignage.receipt import normalize_code

logger = logging.getLogger(__name__)

CODE_EXAMPLE = "K7QM-3XHD-9PRT"


class TemoignageCommands(CommandSet):
    def __init__(self, flow: TestimonyFlow) -> None:
        self.flow = flow
        self.config = flow.config

    @command(
        "temoigner",
        texts.TEMOIGNER_SUMMARY,
        details=texts.TEMOIGNER_DETAILS,
        examples=("{prefix}temoigner",),
    )
    async def temoigner(self, ctx: CommandContext) -> list[Reply | str]:
        return await self._start(ctx)

    async def _start(self, ctx: CommandContext) -> list[Reply | str]:
        """Start the testimony in the person's private conversation, wherever typed."""
        if not self.config.enabled:
            raise CommandError(texts.NOT_OPEN)
        message = ctx.message
        direct = message if message.is_direct else message.in_direct()
        conversations = ctx.services.conversations
        existing = await conversations.get(direct)
        if existing is not None and existing.flow == FLOW:
            text = texts.ALREADY_STARTED.format(p=ctx.prefix)
        else:
            await conversations.start(
                direct, FLOW, FIRST_STEP, {}, expiry_minutes=self.config.draft_minutes
            )
            logger.info("testimony draft started")
            text = self.flow.intro(direct.channel)
        if message.is_direct:
            return [text]
        return [Reply(text, channel=message.direct_channel()), texts.ROOM_ANSWER]

    @command(
        "temoignage",
        texts.TEMOIGNAGE_SUMMARY,
        aliases=("temoignages",),
        examples=(f"{{prefix}}temoignage statut {CODE_EXAMPLE}",),
    )
    @argument("statut|retirer CODE", required=False, rest=True)
    async def temoignage(self, ctx: CommandContext) -> list[Reply | str]:
        """`!temoignage` alone starts a testimony; anything else shows the menu."""
        if not ctx.raw_args.strip():
            return await self._start(ctx)
        raise CommandError(texts.TEMOIGNAGE_MENU.format(p=ctx.prefix))

    @temoignage.subcommand(
        "statut",
        texts.STATUT_SUMMARY,
        aliases=("status", "etat", "voir"),
        examples=(f"{{prefix}}temoignage statut {CODE_EXAMPLE}",),
    )
    @argument("CODE", rest=True)
    async def statut(self, ctx: CommandContext) -> str:
        summary = await service.find(ctx.services, self._code(ctx))
        if summary is None:
            return texts.CODE_NOT_FOUND
        return texts.STATUS.format(
            theme=texts.theme_label(summary.theme),
            recu=texts.day_fr(summary.received_on),
            accord=texts.CONSENT_LABELS.get(summary.consent, summary.consent),
            fin=texts.day_fr(service.deletion_day(summary.received_on, self.config)),
            p=ctx.prefix,
        )

    @temoignage.subcommand(
        "retirer",
        texts.RETIRER_SUMMARY,
        aliases=("effacer", "supprimer", "retrait"),
        examples=(f"{{prefix}}temoignage retirer {CODE_EXAMPLE}",),
    )
    @argument("CODE", rest=True)
    async def retirer(self, ctx: CommandContext) -> str:
        if not await service.withdraw(ctx.services, self._code(ctx)):
            return texts.CODE_NOT_FOUND
        return texts.WITHDRAWN

    @temoignage.subcommand(
        "stats", texts.STATS_SUMMARY, aliases=("statistiques", "chiffres"), role=Role.ORGANISER
    )
    async def stats(self, ctx: CommandContext) -> str:
        counts = await records.counts(ctx.services.store)
        return texts.stats_text(counts.total, counts.by_theme, counts.by_month)

    def _code(self, ctx: CommandContext) -> str:
        if not ctx.message.is_direct:
            raise CommandError(texts.CODE_IN_ROOM)
        raw = normalize_code(ctx.args.get("CODE", ""))
        if raw is None:
            raise CommandError(texts.CODE_INVALID.format(p=ctx.prefix))
        return raw
