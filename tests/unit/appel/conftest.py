"""Calls test helpers: a real App whose group rooms are console rooms, recording transports
for the console, Matrix (coordination rooms) and Mastodon, and a settable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Channel, InboundEvent, Message, Outgoing, ReplyKind, Role, Sender
from commands.aide import AideFeature
from commands.appel import AppelFeature
from commands.appel.model import EVENT_TYPE
from commands.appel.service import AppelService
from tests.helpers import RecordingTransport

ORGA = "camille"
PEER = "@relais:autre.example"
COORD = "!coord:exemple.org"
START = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


def groups() -> list[dict[str, Any]]:
    """le-mans launches; angers posts at once; tours validates; nantes only wants "44"."""
    return [
        {
            "name": "le-mans",
            "rooms": ["console:salon:lemans"],
            "organisers_room": "console:salon:orga-lemans",
            "tags": ["72", "santé"],
        },
        {
            "name": "angers",
            "rooms": ["console:salon:angers", "console:salon:angers-2"],
            "tags": ["49", "sante"],
        },
        {
            "name": "tours",
            "rooms": ["console:salon:tours"],
            "organisers_room": "console:salon:orga-tours",
            "tags": ["37", "Santé"],
        },
        {"name": "nantes", "rooms": ["console:salon:nantes"], "tags": ["44"]},
    ]


def make_config(
    data_dir: Path,
    *,
    appels: dict[str, Any] | None = None,
    appels_legacy: dict[str, Any] | None = None,
    group_list: list[dict[str, Any]] | None = None,
    mastodon: bool = False,
) -> Config:
    data: dict[str, Any] = {
        "relais": {"data_dir": str(data_dir)},
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
        "groups": groups() if group_list is None else group_list,
        "calls": appels
        or {
            "instance": "Relais Ouest",
            "coordination_rooms": [COORD],
            "trusted_bots": [PEER],
        },
    }
    if appels_legacy is not None:  # a file written for Relais 0.1
        del data["calls"]
        data["appels"] = appels_legacy
    if mastodon:
        data["mastodon"] = {"api_base_url": "https://masto.example", "access_token": "x"}
    features = [AideFeature(), AppelFeature()]
    return parse_config(data, sections=feature_sections(features), environ={})


class Harness:
    """Say things as a person in a console room or DM; read what the bot sent where."""

    def __init__(self, app: App, transports: dict[str, RecordingTransport], clock: Clock) -> None:
        self.app = app
        self.transports = transports
        self.clock = clock
        self._events = 0

    @property
    def service(self) -> AppelService:
        service = self.app.feature(AppelFeature).service
        assert isinstance(service, AppelService)
        return service

    def sent(self) -> list[Outgoing]:
        return [item for t in self.transports.values() for item in t.sent]

    def in_room(self, room: str, kind: ReplyKind | None = None) -> list[Outgoing]:
        return [
            item
            for item in self.sent()
            if item.channel.id == room and (kind is None or item.kind is kind)
        ]

    def message(
        self, text: str, room: str | None = None, *, sender: str = ORGA, organiser: bool = True
    ) -> Message:
        """A console message in a room (None: the sender's direct chat with the bot)."""
        config = self.app.services.config
        if room is None:
            channel = Channel("console", f"dm:{sender}", is_direct=True)
        else:
            group = config.group_for_room("console", f"salon:{room}")
            channel = Channel("console", f"salon:{room}", group=group.name if group else None)
        self._events += 1
        return Message(
            sender=Sender(sender, Role.ORGANISER if organiser else Role.MEMBER),
            channel=channel,
            text=text,
            received_at=self.clock(),
            event_id=f"$e{self._events}-{id(self)}",
        )

    async def say(
        self, text: str, room: str | None = None, *, sender: str = ORGA, organiser: bool = True
    ) -> str:
        """The bot's answers to this message, in its channel, joined by blank lines."""
        message = self.message(text, room, sender=sender, organiser=organiser)
        channel = message.channel
        before = len(self.transports["console"].sent)
        await self.app.router.handle(message)
        assert await self.app.services.outbox.drain(5)
        answers = [
            item.text
            for item in self.transports["console"].sent[before:]
            if item.channel.id == channel.id and item.kind is ReplyKind.ANSWER
        ]
        return "\n\n".join(answers)

    async def peer_event(
        self, content: dict[str, Any], *, sender: str = PEER, room: str = COORD
    ) -> None:
        self._events += 1
        handler = self.app.services.event_handlers[EVENT_TYPE].handler
        await handler(
            InboundEvent(
                transport="matrix",
                channel=Channel("matrix", room),
                sender_id=sender,
                event_type=EVENT_TYPE,
                content=content,
                event_id=f"$peer{self._events}",
                received_at=self.clock(),
            )
        )
        assert await self.app.services.outbox.drain(5)

    async def launch(self, text: str, room: str = "lemans") -> int:
        preview = await self.say(f"!appel {text}", room)
        assert "On l'envoie ?" in preview, preview
        answer = await self.say("oui", room)
        assert "C'est parti : appel **n° " in answer, answer
        return int(answer.split("n° ")[1].split("**")[0])


Start = Callable[..., Any]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def start(tmp_path: Path, clock: Clock) -> Start:
    @asynccontextmanager
    async def run(config: Config | None = None, **options: Any) -> AsyncIterator[Harness]:
        config = config or make_config(tmp_path / "data", **options)
        async with App(config, [AideFeature(), AppelFeature()], now=clock) as app:
            transports = {
                name: RecordingTransport(name) for name in ("console", "matrix", "mastodon")
            }
            for transport in transports.values():
                app.add_transport(transport)
            yield Harness(app, transports, clock)

    return run
