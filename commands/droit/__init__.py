"""`!droit`, `!orga`, `!modele`: a French rights knowledge base, and `relais droit`.

Content lives in content/ (droits/*.yaml, organisations.yaml, modeles/*.md); it is
validated at load, searched with a French-aware ranking, and reloaded without restart.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.feature import Feature

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router


class DroitFeature(Feature):
    name = "droit"

    def setup(self, services: Services, router: Router) -> None:
        from commands.droit.base import KnowledgeBase
        from commands.droit.commands import DroitCommands
        from commands.droit.flow import ChoiceFlow

        # Small files read once at start; reloads run off the event loop.
        self.base = KnowledgeBase.open(services.content_dir)
        services.conversations.register(ChoiceFlow(self.base))
        router.register_all(DroitCommands(self.base))

    def add_cli(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        from commands.droit.cli import add_parser

        add_parser(subparsers)
