"""After a numbered list (themes, or the closest topics), the next message picks one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation import ConversationState, Turn
from bot.french import parse_number
from bot.message import Message
from commands.droit import answers, texts
from commands.droit.answers import Answer
from commands.droit.base import KnowledgeBase

if TYPE_CHECKING:
    from bot.context import Services

FLOW = "droit"
CHOICE_MINUTES = 10


class ChoiceFlow:
    """After a numbered list: the next message picks an item by number or name."""

    name = FLOW
    label = "le choix d'une fiche"
    controls: frozenset[str] = frozenset()

    def __init__(self, base: KnowledgeBase) -> None:
        self.base = base

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        await self.base.loaded()  # a conversation may outlive a restart
        prefix = services.config.command_prefix
        themes, topics = offered(state)
        chosen = answers.choose(self.base, themes=themes, topics=topics, text=text, prefix=prefix)
        if chosen is None:
            if not message.is_direct:
                # In a room, this was probably not meant for the bot: stop listening.
                return Turn(replies=[], step=None)
            if parse_number(text) is not None:
                return Turn([texts.CHOICE_NOT_UNDERSTOOD.format(prefix=prefix)], state.step)
            chosen = answers.ask(self.base, text, prefix)
        return _turn(chosen)

    def help_for(self, state: ConversationState) -> str:
        return texts.MENU_HELP

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        return texts.MENU_CANCELLED.format(prefix=services.config.command_prefix)


def offered(state: ConversationState) -> tuple[tuple[str, ...], tuple[str, ...]]:
    themes = tuple(state.data.get("themes", ())) if state.step == "theme" else ()
    topics = tuple(state.data.get("topics", ())) if state.step == "topic" else ()
    return themes, topics


def next_step(answer: Answer) -> tuple[str, dict[str, list[str]]]:
    step = "theme" if answer.themes else "topic"
    return step, {"themes": list(answer.themes), "topics": list(answer.topics)}


def _turn(answer: Answer) -> Turn:
    if not answer.offers_choice:
        return Turn([answer.text], step=None)
    step, data = next_step(answer)
    return Turn([answer.text], step=step, data=dict(data), expiry_minutes=CHOICE_MINUTES)
