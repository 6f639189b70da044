"""`!droit`, `!droit recharger`, `!orga` and `!modele`, declared next to their handlers."""

from __future__ import annotations

import asyncio
import logging

from bot.context import CommandContext, Services
from bot.declare import CommandSet, argument, command
from bot.french import parse_number
from bot.logs import log_failure
from bot.message import Message, Role
from commands.droit import answers, texts
from commands.droit.answers import Answer
from commands.droit.base import KnowledgeBase
from commands.droit.flow import CHOICE_MINUTES, FLOW, next_step, offered
from commands.droit.letters import template_replies
from commands.droit.orga import find_organisations

logger = logging.getLogger(__name__)

# A question, even told as a story ("ma mère a 80 ans, elle a reçu…"), fits here.
MAX_QUESTION_CHARS = 1000
RELOAD_SHOWN = 10  # problems listed in the chat; the rest are in the log


class DroitCommands(CommandSet):
    def __init__(self, base: KnowledgeBase) -> None:
        self.base = base

    @command(
        "droit",
        texts.DROIT_SUMMARY,
        aliases=("droits",),
        details=texts.DROIT_DETAILS,
        examples=texts.DROIT_EXAMPLES,
        max_chars=MAX_QUESTION_CHARS,
    )
    @argument("question", required=False, rest=True)
    async def droit(self, ctx: CommandContext) -> str:
        await self.base.loaded()
        text = ctx.args.get("question", "").strip()
        if not text:
            return await self._offer(ctx.services, ctx.message, answers.menu(self.base, ctx.prefix))
        if text.split()[0].isdigit() and parse_number(text) is not None:
            # "!droit 3": a number from the list shown just before, or from the theme menu.
            state = await ctx.services.conversations.get(ctx.message)
            own = state if state is not None and state.flow == FLOW else None
            if own is not None:
                themes, topics = offered(own)
            else:
                themes, topics = answers.menu(self.base, ctx.prefix).themes, ()
            chosen = answers.choose(
                self.base, themes=themes, topics=topics, text=text, prefix=ctx.prefix
            )
            if chosen is not None:
                if own is not None and not chosen.offers_choice:
                    await ctx.services.conversations.end(ctx.message)
                return await self._offer(ctx.services, ctx.message, chosen)
        return await self._offer(
            ctx.services, ctx.message, answers.ask(self.base, text, ctx.prefix)
        )

    @droit.subcommand("recharger", texts.RELOAD_SUMMARY, role=Role.ORGANISER)
    async def reload(self, ctx: CommandContext) -> str:
        try:
            await self.base.loaded()  # the version in service, kept for files now broken
            report = await asyncio.to_thread(self.base.reload)
        except Exception as exc:
            log_failure(logger, "droit: content reload", exc)
            return texts.RELOAD_FAILED
        content = report.content
        counts = {
            "topics": len(content.topics),
            "organisations": len(content.organisations),
            "templates": len(content.templates),
        }
        if not report.problems:
            return texts.RELOAD_OK.format(**counts)
        lines = [texts.RELOAD_PROBLEMS.format(count=len(report.problems), **counts)]
        lines += [f"- {problem}" for problem in report.problems[:RELOAD_SHOWN]]
        if len(report.problems) > RELOAD_SHOWN:
            lines.append(texts.RELOAD_MORE.format(count=len(report.problems) - RELOAD_SHOWN))
        if report.kept:
            lines.append(texts.RELOAD_KEPT.format(files=", ".join(report.kept)))
        if report.left_out:
            lines.append(texts.RELOAD_LEFT_OUT.format(files=", ".join(report.left_out)))
        return "\n".join(lines)

    @command(
        "orga",
        texts.ORGA_SUMMARY,
        aliases=("orgas", "organisations", "organisation"),
        details=texts.ORGA_DETAILS,
        examples=("{prefix}orga etrangers", "{prefix}orga 72"),
    )
    @argument("recherche", required=False, rest=True)
    async def orga(self, ctx: CommandContext) -> str:
        await self.base.loaded()
        return find_organisations(self.base.content, ctx.args.get("recherche", ""), ctx.prefix)

    @command(
        "modele",
        texts.MODELE_SUMMARY,
        aliases=("modeles",),
        details=texts.MODELE_DETAILS,
        examples=("{prefix}modele acces-rgpd",),
    )
    @argument("nom", required=False, rest=True)
    async def modele(self, ctx: CommandContext) -> list[str]:
        await self.base.loaded()
        return template_replies(self.base.content, ctx.args.get("nom", ""), ctx.prefix)

    async def _offer(self, services: Services, message: Message, answer: Answer) -> str:
        """Answer; when it offers numbered choices, wait for the number in a conversation
        (unless another feature's conversation is going on: never clobber it)."""
        if answer.offers_choice:
            state = await services.conversations.get(message)
            if state is None or state.flow == FLOW:
                step, data = next_step(answer)
                await services.conversations.start(
                    message, FLOW, step, data, CHOICE_MINUTES, continuing=state is not None
                )
        prefix = services.config.command_prefix
        return answers.for_channel(self.base, answer, message.channel, prefix)
