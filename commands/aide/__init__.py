"""The `aide` feature: what you can do here (`!aide`), and whether the bot is alive (`!ping`).

The smallest feature, and the model for the others (see docs/adding-a-feature.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.feature import Feature

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router


class AideFeature(Feature):
    name = "aide"

    def setup(self, services: Services, router: Router) -> None:
        from commands.aide.commands import AideCommands  # loaded when the bot runs

        router.register_all(AideCommands(router))
