"""Agenda test helpers: a settable clock, a config with groups whose rooms are console
rooms (so a RecordingTransport named "console" receives the announcements), and a real
App built on them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Channel, Message, Role, Sender
from commands.agenda import AgendaFeature
from commands.agenda.service import AgendaService
from commands.aide import AideFeature
from tests.helpers import RecordingTransport
from tests.kit.clock import Clock

PARIS = ZoneInfo("Europe/Paris")
ORGA = "@orga:example.org"


def features() -> list[Any]:
    return [AideFeature(), AgendaFeature()]


def make_config(
    data_dir: Path,
    *,
    groups: list[dict[str, Any]] | None = None,
    agenda: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Config:
    data: dict[str, Any] = {
        "relais": {"data_dir": str(data_dir)},
        "organisers": {"matrix": [ORGA]},
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
    }
    if groups is None:
        groups = [{"name": "le-mans", "rooms": ["console:salon:general"]}]
    data["groups"] = groups
    if agenda is not None:
        data["agenda"] = agenda
    data.update(extra or {})
    return parse_config(data, sections=feature_sections(features()), environ={})


@asynccontextmanager
async def running(config: Config, clock: Clock) -> AsyncIterator[tuple[App, RecordingTransport]]:
    async with App(config, features(), now=clock) as app:
        transport = RecordingTransport("console")
        app.add_transport(transport)
        yield app, transport


def service_of(app: App) -> AgendaService:
    return app.feature(AgendaFeature).service


def say(
    text: str,
    *,
    organiser: bool = True,
    room: str | None = "salon:general",
    person: str = "camille",
) -> Message:
    """A console message (room or DM) as the console transport builds it."""
    if room is None:
        channel = Channel("console", f"dm:{person}", is_direct=True)
    else:
        channel = Channel("console", room, is_direct=False)
    role = Role.ORGANISER if organiser else Role.MEMBER
    return Message(Sender(person, role), channel, text, datetime.now(PARIS))


async def ask(app: App, transport: RecordingTransport, text: str, **kwargs: Any) -> str:
    """Send one message, drain the outbox, return what the bot answered (joined)."""
    before = len(transport.sent)
    await app.router.handle(say(text, **kwargs))
    assert await app.services.outbox.drain(5)
    return "\n---\n".join(item.text for item in transport.sent[before:])
