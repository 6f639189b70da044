"""The agenda: events in French, reminders exactly once, ICS in and out, a public page.

Modules: model, offsets, recurrence and reminders are pure (French dates are the
engine's, bot/dates); repo talks to SQLite; engine sends reminders; service holds the
operations; commands (declarations), handlers, edit, adding and flow are the chat side;
ics_read, ics_write and sync are the ICS side; web and html_page serve the feed and the
page; cli adds `relais agenda …`.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.config import Config, ConfigSection
from bot.feature import Feature
from commands.agenda.config import AgendaConfig, parse_agenda_config
from commands.agenda.schema import MIGRATIONS

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router
    from bot.scheduler import Scheduler
    from commands.agenda.web import AgendaWeb

FEED_FIRST_DELAY_SECONDS = 15


def feed_group_problems(config: Config, agenda: AgendaConfig) -> list[str]:
    names = {group.name for group in config.groups}
    return [
        f"agenda.feeds[{i}].group: groupe « {feed.group} » inconnu"
        for i, feed in enumerate(agenda.feeds)
        if feed.group not in names
    ]


class AgendaFeature(Feature):
    name = "agenda"
    migrations = MIGRATIONS
    config_section = ConfigSection("agenda", parse_agenda_config, feed_group_problems)
    web: AgendaWeb | None = None

    def setup(self, services: Services, router: Router) -> None:
        from commands.agenda.commands import AgendaCommands
        from commands.agenda.flow import AgendaFlow
        from commands.agenda.groups import find_group
        from commands.agenda.service import AgendaService

        agenda = services.config.feature(self.name, AgendaConfig)
        service = AgendaService.from_services(services, agenda)
        self.service = service
        services.conversations.register(AgendaFlow(service))
        router.register_all(AgendaCommands(service))
        services.scheduler.on_start(self.name, service.engine.start)

        async def schedule_feeds(scheduler: Scheduler) -> None:
            # Reading ICS (icalendar) loads only when feeds are configured.
            from commands.agenda.sync import sync_feed

            first = datetime.now(UTC) + timedelta(seconds=FEED_FIRST_DELAY_SECONDS)
            for index, feed in enumerate(agenda.feeds):
                group = find_group(services.config, feed.group)
                scheduler.every(
                    f"agenda:feed:{index}",
                    feed.interval_minutes * 60,
                    sync_feed,
                    service,
                    group,
                    feed,
                    start_date=first + timedelta(seconds=5 * index),
                )

        if agenda.feeds:
            services.scheduler.on_start("agenda-feeds", schedule_feeds)
        if agenda.http.enabled:
            from commands.agenda.web import AgendaWeb  # serves ICS: loads icalendar

            web = AgendaWeb(service, agenda.http)
            web.register(services.web)
            self.web = web
        services.digest.register(self.name, service.digest_items)

    def add_cli(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        from commands.agenda.cli import add_cli

        add_cli(subparsers)
