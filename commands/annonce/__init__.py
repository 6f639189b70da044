"""Scheduled announcements: `!annonce QUAND | TEXTE`, once or recurring, sent exactly once
per date to the group's rooms and Mastodon (late but marked after a downtime).

Modules: model (pure dates), schema and repo (SQLite), engine (the sender), service (the
operations), commands and flow (the chat side), texts (French), config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import ConfigSection
from bot.feature import Feature
from commands.annonce.config import SECTION, AnnonceConfig, parse
from commands.annonce.schema import MIGRATIONS

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router
    from commands.annonce.service import AnnonceService


class AnnonceFeature(Feature):
    name = "annonce"
    migrations = MIGRATIONS
    config_section = ConfigSection(SECTION, parse)
    service: AnnonceService

    def setup(self, services: Services, router: Router) -> None:
        from commands.annonce.commands import AnnonceCommands
        from commands.annonce.flow import AnnonceFlow
        from commands.annonce.service import AnnonceService

        settings = services.config.feature(SECTION, AnnonceConfig)
        self.service = AnnonceService(services, settings)
        services.conversations.register(AnnonceFlow(self.service, services.config.command_prefix))
        router.register_all(AnnonceCommands(self.service))
        services.scheduler.on_start(self.name, self.service.sender.start)
