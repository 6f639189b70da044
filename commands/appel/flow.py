"""The conversation after `!appel …`: choosing the group, then oui / non."""

from __future__ import annotations

from bot.context import Services
from bot.conversation import ConversationState, Turn
from bot.french import numbered, parse_yes_no
from bot.message import Message
from commands.appel import launch, texts
from commands.appel.service import AppelService


class AppelFlow:
    name = launch.FLOW
    label = "l'appel que vous prépariez"
    controls: frozenset[str] = frozenset()

    def __init__(self, service: AppelService, prefix: str) -> None:
        self.service = service
        self.prefix = prefix

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        if state.step == launch.STEP_GROUP:
            return await launch.choose_group(self.service, state.data, text)
        answer = parse_yes_no(text)
        if answer is None:
            return Turn([self.help_for(state)], state.step)
        if not answer:
            return Turn([texts.CANCELLED], None)
        return await launch.confirm(self.service, state.data)

    def help_for(self, state: ConversationState) -> str:
        if state.step == launch.STEP_GROUP:
            choices = [str(c) for c in state.data.get("choices", [])]
            return f"{texts.CHOOSE_GROUP_HELP.format(p=self.prefix)}\n{numbered(choices)}"
        return texts.CONFIRM_HELP

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        return texts.CANCELLED
