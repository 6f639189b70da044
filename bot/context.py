"""What handlers receive: the shared services and the parsed command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Config
from bot.conversation import Conversations
from bot.digest import Digest
from bot.message import InboundEvent, Message
from bot.names import ChannelNames
from bot.outbox import Outbox
from bot.scheduler import Scheduler
from bot.store import Store
from bot.web import WebHost

if TYPE_CHECKING:
    from bot.router import Command, Router


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EventSubscription:
    """A feature's interest in a structured event type (e.g. "org.relais.call").

    `rooms`: the configured rooms (ids or aliases) it may come from; None for any room.
    """

    handler: Callable[[InboundEvent], Awaitable[None]]
    rooms: tuple[str, ...] | None = None


@dataclass
class Services:
    """The object graph built once in `bot.app` and passed down. No globals."""

    config: Config
    store: Store
    outbox: Outbox
    conversations: Conversations
    scheduler: Scheduler
    content_dir: Path
    now: Callable[[], datetime] = utc_now
    router: Router | None = None
    # What people call rooms (transports teach it; features name rooms with it).
    names: ChannelNames = field(default_factory=ChannelNames)
    # Structured event types a feature wants to receive (e.g. "org.relais.call"), with the
    # coroutine that handles them. Transports look here; they never import features.
    event_handlers: dict[str, EventSubscription] = field(default_factory=dict)
    # What features tell each other without importing each other: "what's coming" sources
    # (agenda, calls) for digests such as the weekly letter.
    digest: Digest = field(default_factory=Digest)
    # The public web server: features add routes in setup(); the engine starts it.
    web: WebHost = field(default_factory=WebHost)


@dataclass
class CommandContext:
    services: Services
    message: Message
    command: Command
    args: dict[str, str]
    raw_args: str
    prefix: str = "!"

    @property
    def config(self) -> Config:
        return self.services.config

    def usage(self) -> str:
        return self.command.usage(self.prefix)
