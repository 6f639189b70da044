"""The `aide` feature: what you can do here (`!aide`), and whether the bot is alive (`!ping`).

The smallest feature, and the model for the others (see docs/adding-a-feature.md).
"""

from __future__ import annotations

from bot.context import Services
from bot.feature import Feature
from bot.router import Router
from commands.aide.commands import AideCommands


class AideFeature(Feature):
    name = "aide"

    def setup(self, services: Services, router: Router) -> None:
        router.register_all(AideCommands(router))
