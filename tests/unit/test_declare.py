"""Commands declared next to their handlers, and help shown with the configured prefix."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import parse_config
from bot.context import CommandContext
from bot.declare import CommandSet, argument, command
from bot.message import Role
from bot.router import Command
from commands import all_features
from tests.helpers import RecordingTransport, message


class Sondage(CommandSet):
    def __init__(self, question: str) -> None:
        self.question = question

    @command("sondage", "un sondage", aliases=("vote",), examples=("{prefix}sondage oui",))
    @argument("choix")
    @argument("raison", required=False, rest=True)
    async def sondage(self, ctx: CommandContext) -> str:
        return f"{self.question} {ctx.args['choix']} {ctx.args.get('raison', '-')}"

    @sondage.subcommand("clore", "clore le sondage", role=Role.ORGANISER)
    async def close(self, ctx: CommandContext) -> str:
        return "clos"


async def test_a_declared_command_keeps_its_arguments_order_children_and_owner() -> None:
    (declared,) = Sondage("Pour ?").commands()
    assert declared.name == "sondage" and declared.aliases == ("vote",)
    assert [a.name for a in declared.args] == ["choix", "raison"]
    assert declared.usage("!") == "!sondage <choix> [raison]…"
    (child,) = declared.subcommands
    assert (child.name, child.role) == ("clore", Role.ORGANISER)
    assert declared.examples_for(".") == (".sondage oui",)
    assert declared.handler is not None


@pytest.fixture
async def dotted(tmp_path: Path) -> AsyncIterator[App]:
    features = all_features()
    config = parse_config(
        {
            "relais": {"data_dir": str(tmp_path), "command_prefix": "."},
            "flood": {"capacity": 100},
        },
        sections=feature_sections(features),
        environ={},
    )
    async with App(config, features) as app:
        app.add_transport(RecordingTransport("test"))
        yield app


def walk(commands: list[Command]) -> list[Command]:
    found: list[Command] = []
    for each in commands:
        found += [each, *walk(list(each.subcommands))]
    return found


async def test_help_of_every_command_uses_the_configured_prefix(dotted: App) -> None:
    transport = dotted.services.outbox._transports["test"]
    assert isinstance(transport, RecordingTransport)
    for each in dotted.router.commands():
        await dotted.router.handle(message(f".aide {each.name}", role=Role.ORGANISER, direct=True))
    assert await dotted.services.outbox.drain(5)
    helps = transport.texts()
    assert len(helps) == len(dotted.router.commands())
    for text in helps:
        assert "!" not in text.replace("!=", ""), text  # no "!agenda mois" with prefix "."
    assert any(".agenda mois" in text for text in helps)
    for each in walk(dotted.router.commands()):
        assert all(e.startswith(".") for e in each.examples_for(".")), each.name
