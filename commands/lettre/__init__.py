"""The weekly letter ("La lettre de la semaine"): per group, composed from the "what's
coming" registry (the agenda's events, the calls still valid) and an editorial, previewed
to the organisers the day before, then sent once to the rooms, Mastodon, e-mail, and kept
for the web page and the Atom feed.

Modules: config, model (weeks and instants, pure), compose and render (pure), schema and
repo (SQLite), engine (the schedule and exactly-once sending), commands (`!lettre`),
web (/lettre, /lettre/AAAA-SS, /lettre.atom), texts (French).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import ConfigSection
from bot.feature import Feature
from commands.lettre.config import SECTION, LetterConfig, group_problems, parse
from commands.lettre.schema import MIGRATIONS

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router
    from commands.lettre.engine import LetterEngine


class LettreFeature(Feature):
    name = "lettre"
    migrations = MIGRATIONS
    config_section = ConfigSection(SECTION, parse, group_problems)
    engine: LetterEngine

    def setup(self, services: Services, router: Router) -> None:
        from commands.lettre.commands import LettreCommands
        from commands.lettre.engine import LetterEngine

        settings = services.config.feature(SECTION, LetterConfig)
        self.engine = LetterEngine(
            services.config,
            settings,
            services.store,
            services.outbox,
            services.digest,
            now=services.now,
            base_url=lambda: services.web.public_url,
        )
        router.register_all(LettreCommands(self.engine))
        if settings.enabled:
            services.scheduler.on_start(self.name, self.engine.start)
            if settings.any_wants("web"):
                from commands.lettre.web import LetterWeb  # aiohttp.web, feedgen

                LetterWeb(self.engine.repo, settings.title, services.web).register(services.web)
