"""Conversations: numbered choices, oui/non, free text until !fin, restart, expiry, privacy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.context import CommandContext, Services
from bot.conversation import ConversationState, Turn
from bot.feature import Feature
from bot.french import numbered, parse_choice, parse_yes_no
from bot.message import Message
from bot.router import Command, Router
from commands.aide import AideFeature
from tests.helpers import message
from tests.kit.app import AppHarness
from tests.kit.clock import Clock

CHOICES = ["CAF", "France Travail", "Santé"]


class SurveyFlow:
    label = "le sondage"
    name = "sondage"
    controls = frozenset({"fin"})

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn:
        if state.step == "theme":
            index = parse_choice(text, CHOICES)
            if index is None:
                return Turn(["Répondez par un numéro :\n" + numbered(CHOICES)], "theme")
            return Turn(
                [f"Thème : {CHOICES[index]}. On continue ? (oui/non)"],
                "confirm",
                {"theme": CHOICES[index]},
            )
        if state.step == "confirm":
            answer = parse_yes_no(text)
            if answer is None:
                return Turn(["Répondez oui ou non."], "confirm")
            if not answer:
                return Turn(["D'accord, on arrête."])
            return Turn(["Écrivez votre texte, puis !fin."], "text", {**state.data, "parts": []})
        if text.startswith("!fin"):
            parts = state.data["parts"]
            return Turn([f"Merci : {len(parts)} message(s) sur {state.data['theme']}."])
        return Turn([], "text", {**state.data, "parts": [*state.data["parts"], text]})

    def help_for(self, state: ConversationState) -> str:
        return f"Aide de l'étape {state.step}."

    async def on_cancel(self, services: Services, state: ConversationState) -> str:
        return "Sondage annulé, rien n'est gardé."


class SurveyFeature(Feature):
    name = "sondage"

    def setup(self, services: Services, router: Router) -> None:
        services.conversations.register(SurveyFlow())

        async def start(ctx: CommandContext) -> str:
            await ctx.services.conversations.start(ctx.message, "sondage", "theme")
            return "Quel thème ?\n" + numbered(CHOICES)

        router.register(Command("sondage", "un petit sondage", start))


class Harness(AppHarness):
    def __init__(self, data_dir: Path, clock: Clock) -> None:
        self.data_dir = data_dir
        config = parse_config(
            {"relais": {"data_dir": str(data_dir), "conversation_expiry_minutes": 60}},
            environ={},
        )
        super().__init__(config, lambda: [AideFeature(), SurveyFeature()], clock)

    async def say(self, text: str) -> list[str]:
        sent = await self.deliver(message(text, sender="@bea:x", direct=True, channel="!dm:x"))
        return [item.text for item in sent]


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    h = Harness(tmp_path / "data", Clock())
    await h.start()
    yield h
    if h.app is not None and h.app._services is not None:
        await h.stop()


async def test_full_flow_with_words_and_numbers(harness: Harness) -> None:
    assert (await harness.say("!sondage"))[0].startswith("Quel thème ?")
    assert (await harness.say("je sais pas"))[0].startswith("Répondez par un numéro")
    assert await harness.say("deux") == ["Thème : France Travail. On continue ? (oui/non)"]
    assert await harness.say("bof") == ["Répondez oui ou non."]
    assert await harness.say("ok") == ["Écrivez votre texte, puis !fin."]
    assert await harness.say("premier message") == []
    assert await harness.say("second message") == []
    assert await harness.say("!fin") == ["Merci : 2 message(s) sur France Travail."]
    # Conversation over: a plain DM gets the greeting again.
    assert (await harness.say("bonjour"))[0].startswith("Bonjour !")


async def test_restart_resumes_the_conversation(harness: Harness) -> None:
    await harness.say("!sondage")
    await harness.say("3")
    await harness.stop()
    await harness.start()
    assert await harness.say("oui") == ["Écrivez votre texte, puis !fin."]


async def test_help_and_commands_inside_a_conversation(harness: Harness) -> None:
    await harness.say("!sondage")
    assert (await harness.say("aide"))[0].startswith("Aide de l'étape theme.")
    assert await harness.say("!ping") == ["Pong ! Je suis là et je fonctionne."]
    assert await harness.say("1") == ["Thème : CAF. On continue ? (oui/non)"]


async def test_cancel_forgets_everything(harness: Harness) -> None:
    await harness.say("!sondage")
    assert await harness.say("!annuler") == ["Sondage annulé, rien n'est gardé."]
    assert harness.app is not None
    assert await harness.app.services.store.fetchall("SELECT * FROM conversations") == []


async def test_expired_conversation_is_dropped(harness: Harness) -> None:
    await harness.say("!sondage")
    harness.clock.now += timedelta(minutes=61)
    assert (await harness.say("1"))[0].startswith("Bonjour !")  # back to the menu


async def test_state_on_disk_holds_no_plaintext_nor_sender(harness: Harness) -> None:
    await harness.say("!sondage")
    await harness.say("1")
    await harness.say("oui")
    await harness.say("MARQUEUR-TRES-PRIVE")
    await harness.stop()
    raw = b"".join(p.read_bytes() for p in harness.data_dir.glob("relais.sqlite3*"))
    assert b"MARQUEUR-TRES-PRIVE" not in raw
    assert b"@bea:x" not in raw
