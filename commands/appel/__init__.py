"""Calls to action relayed between the groups of one Relais and between Relais instances.

Modules: config (the `appels:` section), model (a call and its `org.relais.call` wire form),
matching (who receives, loop prevention, outbox keys), options (`--tags`, `--expire`…),
repo (SQLite), service (launch, receive, decide, retract, follow), federation (events from
peers), launch and handlers (the chat side), render and texts (what people read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import ConfigSection
from bot.feature import Feature
from commands.appel.config import RENAMED, SECTION, AppelConfig, group_problems, parse
from commands.appel.schema import MIGRATIONS

if TYPE_CHECKING:
    from bot.context import Services
    from bot.router import Router
    from bot.scheduler import Scheduler

PURGE_JOB = "appel:purge"
PURGE_EVERY_SECONDS = 24 * 3600


class AppelFeature(Feature):
    name = "appel"
    migrations = MIGRATIONS
    config_section = ConfigSection(SECTION, parse, group_problems, renamed=RENAMED)

    def setup(self, services: Services, router: Router) -> None:
        from bot.context import EventSubscription
        from commands.appel.commands import AppelCommands
        from commands.appel.federation import event_handler
        from commands.appel.flow import AppelFlow
        from commands.appel.model import EVENT_TYPE
        from commands.appel.service import DELIVERY_TOPIC, AppelService

        appel = services.config.feature(SECTION, AppelConfig)
        service = AppelService(services, appel)
        self.service = service
        services.conversations.register(AppelFlow(service, services.config.command_prefix))
        router.register_all(AppelCommands(service))
        # Calls from peers count only in the configured coordination rooms.
        services.event_handlers[EVENT_TYPE] = EventSubscription(
            event_handler(service), rooms=appel.coordination_rooms
        )
        services.outbox.on_delivered(DELIVERY_TOPIC, service.retractions.on_delivered)
        services.digest.register(self.name, service.digest_items)

        async def start(scheduler: Scheduler) -> None:
            await service.resume()
            scheduler.every(PURGE_JOB, PURGE_EVERY_SECONDS, service.purge)
            await service.purge()

        services.scheduler.on_start(self.name, start)


__all__ = ["AppelConfig", "AppelFeature"]
