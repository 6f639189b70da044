"""`!droit`, `!orga`, `!modele`: a French rights knowledge base, and `relais droit`.

Content lives in content/ (droits/*.yaml, organisations.yaml, modeles/*.md); it is
validated at load, searched with a French-aware ranking, and reloaded without restart.
"""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.feature import Feature
from bot.logs import log_failure

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router


logger = logging.getLogger(__name__)

# The rights content is read this long after start, when the bot has answered what waited.
LOAD_AFTER_SECONDS = 2


class DroitFeature(Feature):
    name = "droit"

    def setup(self, services: Services, router: Router) -> None:
        from commands.droit.base import KnowledgeBase
        from commands.droit.commands import DroitCommands
        from commands.droit.flow import ChoiceFlow

        # Read off the event loop once the bot is up (or at the first question before).
        self.base = KnowledgeBase(services.content_dir)
        services.conversations.register(ChoiceFlow(self.base))
        router.register_all(DroitCommands(self.base))
        services.scheduler.at(
            "droit:load", datetime.now(UTC) + timedelta(seconds=LOAD_AFTER_SECONDS), self._load
        )

    async def _load(self) -> None:
        try:
            await self.base.loaded()
        except Exception as exc:
            log_failure(logger, "droit: content load", exc)

    def add_cli(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        from commands.droit.cli import add_parser

        add_parser(subparsers)
