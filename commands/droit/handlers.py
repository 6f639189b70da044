"""`!droit` and `!droit recharger`, and the short conversation for numbered choices."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.conversation import ConversationState, Turn
from bot.french import parse_number
from bot.message import Message
from commands.droit import answers, texts
from commands.droit.answers import Answer
from commands.droit.base import FEATURE, knowledge

if TYPE_CHECKING:
    from bot.context import CommandContext, Services

logger = logging.getLogger(__name__)

FLOW = FEATURE
CHOICE_MINUTES = 10
RELOAD_SHOWN = 10  # problems listed in the chat; the rest are in the log


async def _offer(services: Services, message: Message, answer: Answer) -> str:
    """Answer; when it offers numbered choices, wait for the number in a conversation
    (unless another feature's conversation is going on: never clobber it)."""
    if answer.offers_choice:
        state = await services.conversations.get(message)
        if state is None or state.flow == FLOW:
            step, data = _next(answer)
            await services.conversations.start(message, FLOW, step, data, CHOICE_MINUTES)
    prefix = services.config.command_prefix
    return answers.for_transport(knowledge(services), answer, message.transport, prefix)


async def droit(ctx: CommandContext) -> str:
    base = knowledge(ctx.services)
    text = ctx.args.get("question", "").strip()
    if not text:
        return await _offer(ctx.services, ctx.message, answers.menu(base, ctx.prefix))
    if text.split()[0].isdigit() and parse_number(text) is not None:
        # "!droit 3": a number from the list shown just before, or from the theme menu.
        state = await ctx.services.conversations.get(ctx.message)
        own = state if state is not None and state.flow == FLOW else None
        if own is not None:
            themes, topics = _offered(own)
        else:
            themes, topics = answers.menu(base, ctx.prefix).themes, ()
        chosen = answers.choose(base, themes=themes, topics=topics, text=text, prefix=ctx.prefix)
        if chosen is not None:
            if own is not None and not chosen.offers_choice:
                await ctx.services.conversations.end(ctx.message)
            return await _offer(ctx.services, ctx.message, chosen)
    return await _offer(ctx.services, ctx.message, answers.ask(base, text, ctx.prefix))


def _offered(state: ConversationState) -> tuple[tuple[str, ...], tuple[str, ...]]:
    themes = tuple(state.data.get("themes", ())) if state.step == "theme" else ()
    topics = tuple(state.data.get("topics", ())) if state.step == "topic" else ()
    return themes, topics


def _next(answer: Answer) -> tuple[str, dict[str, list[str]]]:
    step = "theme" if answer.themes else "topic"
    return step, {"themes": list(answer.themes), "topics": list(answer.topics)}


async def reload(ctx: CommandContext) -> str:
    base = knowledge(ctx.services)
    try:
        report = await asyncio.to_thread(base.reload)
    except Exception:
        logger.exception("droit: content reload failed")
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


class ChoiceFlow:
    """After a numbered list: the next message picks an item by number or name."""

    name = FLOW
    controls: frozenset[str] = frozenset()

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        base = knowledge(services)
        prefix = services.config.command_prefix
        themes, topics = _offered(state)
        chosen = answers.choose(base, themes=themes, topics=topics, text=text, prefix=prefix)
        if chosen is None:
            if not message.is_direct:
                # In a room, this was probably not meant for the bot: stop listening.
                return Turn(replies=[], step=None)
            if parse_number(text) is not None:
                return Turn([texts.CHOICE_NOT_UNDERSTOOD.format(prefix=prefix)], state.step)
            chosen = answers.ask(base, text, prefix)
        return _turn(chosen)

    def help_for(self, state: ConversationState) -> str:
        return texts.MENU_HELP

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        return texts.MENU_CANCELLED.format(prefix=services.config.command_prefix)


def _turn(answer: Answer) -> Turn:
    if not answer.offers_choice:
        return Turn([answer.text], step=None)
    step, data = _next(answer)
    return Turn([answer.text], step=step, data=dict(data), expiry_minutes=CHOICE_MINUTES)
