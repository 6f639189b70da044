"""A real App on real SQLite with recording transports, started, stopped and restarted the
way the service is, and a way to say something and read everything it caused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.app import App
from bot.config import Config
from bot.feature import Feature
from bot.message import Message, Outgoing
from tests.helpers import RecordingTransport


class AppHarness:
    def __init__(
        self,
        config: Config | Callable[[], Config],
        features: Callable[[], Sequence[Feature]],
        clock: Callable[[], datetime],
        transports: Sequence[str] = ("test",),
    ) -> None:
        self._config = config
        self._features = features
        self.clock = clock
        self.app: App | None = None
        self.transports = {name: RecordingTransport(name) for name in transports}

    @property
    def running(self) -> App:
        assert self.app is not None, "start() first"
        return self.app

    async def start(self) -> None:
        config = self._config() if callable(self._config) else self._config
        self.app = App(config, self._features(), now=self.clock)
        await self.app.start()
        for transport in self.transports.values():
            self.app.add_transport(transport)

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def sent(self, transport: str = "test") -> list[str]:
        return self.transports[transport].texts()

    async def deliver(self, message: Message) -> list[Outgoing]:
        """Route one message; every item sent because of it, on any transport."""
        before = {name: len(t.sent) for name, t in self.transports.items()}
        await self.running.router.handle(message)
        assert await self.running.services.outbox.drain(10)
        return [item for name, t in self.transports.items() for item in t.sent[before[name] :]]
