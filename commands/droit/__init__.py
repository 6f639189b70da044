"""`!droit`, `!orga`, `!modele`: a French rights knowledge base, and `relais droit`.

Content lives in content/ (droits/*.yaml, organisations.yaml, modeles/*.md); it is
validated at load, searched with a French-aware ranking, and reloaded without restart.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.feature import Feature

# A question, even told as a story ("ma mère a 80 ans, elle a reçu…"), fits here.
MAX_QUESTION_CHARS = 1000

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router


class DroitFeature(Feature):
    name = "droit"

    def setup(self, services: Services, router: Router) -> None:
        from bot.message import Role
        from bot.router import Arg, Command
        from commands.droit import texts
        from commands.droit.base import FEATURE, KnowledgeBase
        from commands.droit.handlers import ChoiceFlow, droit, reload
        from commands.droit.letters import modele
        from commands.droit.orga import orga

        # Small files read once at start; reloads run off the event loop.
        services.features[FEATURE] = KnowledgeBase.open(services.content_dir)
        services.conversations.register(ChoiceFlow())
        prefix = services.config.command_prefix

        def examples(*items: str) -> tuple[str, ...]:
            return tuple(prefix + item.removeprefix("!") for item in items)

        router.register(
            Command(
                name="droit",
                aliases=("droits",),
                summary=texts.DROIT_SUMMARY,
                details=texts.DROIT_DETAILS.format(prefix=prefix),
                handler=droit,
                args=(Arg("question", required=False, rest=True),),
                max_chars=MAX_QUESTION_CHARS,
                examples=examples(*texts.DROIT_EXAMPLES),
                subcommands=(
                    Command(
                        name="recharger",
                        summary=texts.RELOAD_SUMMARY,
                        handler=reload,
                        role=Role.ORGANISER,
                    ),
                ),
            )
        )
        router.register(
            Command(
                name="orga",
                aliases=("orgas", "organisations", "organisation"),
                summary=texts.ORGA_SUMMARY,
                details=texts.ORGA_DETAILS.format(prefix=prefix),
                handler=orga,
                args=(Arg("recherche", required=False, rest=True),),
                examples=examples("!orga etrangers", "!orga 72"),
            )
        )
        router.register(
            Command(
                name="modele",
                aliases=("modeles",),
                summary=texts.MODELE_SUMMARY,
                details=texts.MODELE_DETAILS.format(prefix=prefix),
                handler=modele,
                args=(Arg("nom", required=False, rest=True),),
                examples=examples("!modele acces-rgpd"),
            )
        )

    def add_cli(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        from commands.droit.cli import add_parser

        add_parser(subparsers)
