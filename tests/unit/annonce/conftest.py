"""Announcement test helpers: a real App on real SQLite, a frozen clock, console rooms."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Channel, Message, Role, Sender
from commands.aide import AideFeature
from commands.annonce import AnnonceFeature
from commands.annonce.service import AnnonceService
from tests.helpers import RecordingTransport
from tests.kit.clock import Clock

PARIS = ZoneInfo("Europe/Paris")
GROUPS: list[dict[str, Any]] = [
    {"name": "le-mans", "rooms": ["console:salon:general", "console:salon:infos"]},
    {"name": "sablons", "rooms": ["console:salon:sablons"]},
]


def features() -> list[Any]:
    return [AideFeature(), AnnonceFeature()]


def make_config(
    data_dir: Path,
    *,
    groups: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Config:
    data: dict[str, Any] = {
        "relais": {"data_dir": str(data_dir)},
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
        "groups": GROUPS if groups is None else groups,
        **(extra or {}),
    }
    return parse_config(data, sections=feature_sections(features()), environ={})


class Bot:
    def __init__(self, app: App, transport: RecordingTransport, clock: Clock) -> None:
        self.app, self.transport, self.clock = app, transport, clock

    @property
    def service(self) -> AnnonceService:
        return self.app.feature(AnnonceFeature).service

    async def say(
        self, text: str, *, room: str | None = "salon:general", organiser: bool = True
    ) -> str:
        channel = (
            Channel("console", "dm:camille", is_direct=True)
            if room is None
            else Channel("console", room)
        )
        role = Role.ORGANISER if organiser else Role.MEMBER
        before = len(self.transport.sent)
        await self.app.router.handle(Message(Sender("camille", role), channel, text, self.clock()))
        assert await self.app.services.outbox.drain(5)
        return "\n---\n".join(i.text for i in self.transport.sent[before:])

    async def run(self) -> list[tuple[str, str]]:
        """Run the sender at the clock's instant; (room, text) of what went out."""
        before = len(self.transport.sent)
        await self.service.sender.run_due()
        assert await self.app.services.outbox.drain(5)
        return [(i.channel.id, i.text) for i in self.transport.sent[before:]]


@asynccontextmanager
async def running(config: Config, clock: Clock) -> AsyncIterator[Bot]:
    async with App(config, features(), now=clock) as app:
        transport = RecordingTransport("console")
        app.add_transport(transport)
        yield Bot(app, transport, clock)
