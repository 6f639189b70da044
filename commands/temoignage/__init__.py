"""The `temoignage` feature: testimonies told in private, sealed for the collective.

Its flow, commands, purge job and CLI verbs are wired here."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from bot.config import ConfigSection
from bot.feature import Feature
from commands.temoignage import records
from commands.temoignage.config import RENAMED, SECTION, TemoignagesConfig, parse, settings

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router
    from bot.scheduler import Scheduler

logger = logging.getLogger(__name__)

PURGE_JOB = "temoignage:purge"
PURGE_EVERY_SECONDS = 3600


class TemoignageFeature(Feature):
    name = "temoignage"
    migrations = records.MIGRATIONS
    config_section = ConfigSection(SECTION, parse, renamed=RENAMED)

    def setup(self, services: Services, router: Router) -> None:
        # Loaded when the bot runs: a `relais` verb does not pay for the flow.
        from commands.temoignage import service
        from commands.temoignage.commands import TemoignageCommands
        from commands.temoignage.flow import TestimonyFlow

        config = settings(services)
        flow = TestimonyFlow(config, services.config.command_prefix)
        services.conversations.register(flow)
        router.register_all(TemoignageCommands(flow))

        async def purge() -> None:
            await service.purge_expired(services, config)

        async def rebuild(scheduler: Scheduler) -> None:
            scheduler.every(PURGE_JOB, PURGE_EVERY_SECONDS, purge)
            await purge()  # catch up on what expired while the bot was stopped

        services.scheduler.on_start(self.name, rebuild)

    def add_cli(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        from commands.temoignage.cli import add_cli

        add_cli(subparsers)


__all__ = ["TemoignageFeature", "TemoignagesConfig"]
