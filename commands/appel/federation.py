"""Calls from other Relais instances: `org.relais.call` events in the coordination rooms.

Only events sent by a configured trusted bot account are read; everything else is
ignored (and logged without its content). What passes is handed to the service, which
applies this instance's own subscriptions and approval rules.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.message import InboundEvent
from commands.appel.model import InvalidCall, parse_event
from commands.appel.service import AppelService

logger = logging.getLogger(__name__)


def event_handler(service: AppelService) -> Callable[[InboundEvent], Awaitable[None]]:
    trusted = frozenset(service.appel.trusted_peers)

    async def on_call(event: InboundEvent) -> None:
        if event.sender_id not in trusted:
            logger.info("ignored a call event %s from an untrusted sender", event.event_id)
            return
        try:
            parsed = parse_event(event.content)
        except InvalidCall as exc:
            logger.warning("ignored an invalid call event %s: %s", event.event_id, exc)
            return
        await service.receive(parsed, event.channel.id)

    return on_call
