"""The interface a feature package (commands/<feature>/) offers to the engine."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.config import ConfigSection
from bot.store import Migration

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router


class Feature:
    """Base class: a feature owns its commands, tables, config section and CLI verbs."""

    name: str = ""
    migrations: tuple[Migration, ...] = ()
    config_section: ConfigSection | None = None

    def setup(self, services: Services, router: Router) -> None:
        """Register commands, conversation flows and scheduler rebuilders."""

    async def stop(self) -> None:
        """Release what `setup` started (servers, clients); called when the app stops."""

    def add_cli(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        """Add `relais <verb>` sub-commands; their handler is stored as `func` (sync)."""
