"""Letter test helpers: a real App with the agenda, the calls and the letter on real
SQLite, a frozen clock, console rooms, and optionally the web server and e-mail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Channel, Message, Role, Sender
from commands.agenda import AgendaFeature
from commands.agenda.model import Event
from commands.aide import AideFeature
from commands.appel import AppelFeature
from commands.appel.model import Call
from commands.lettre import LettreFeature
from commands.lettre.engine import LetterEngine
from tests.helpers import RecordingTransport
from tests.kit.clock import Clock

PARIS = ZoneInfo("Europe/Paris")
GROUPS: list[dict[str, Any]] = [
    {
        "name": "le-mans",
        "rooms": ["console:salon:general"],
        "organisers_room": "console:salon:orga",
        "tags": ["72"],
    },
]


def features() -> list[Any]:
    return [AideFeature(), AgendaFeature(), AppelFeature(), LettreFeature()]


def make_config(data_dir: Path, *, letter: dict[str, Any] | None = None, **extra: Any) -> Config:
    data: dict[str, Any] = {
        "relais": {"data_dir": str(data_dir)},
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
        "groups": GROUPS,
        "calls": {"instance": "Relais 72"},
        "letter": {"enabled": True, **(letter or {})},
        **extra,
    }
    return parse_config(data, sections=feature_sections(features()), environ={})


def event(title: str, start: datetime, place: str = "", hours: float = 2) -> Event:
    return Event(
        id=0,
        group="le-mans",
        kind="reunion",
        title=title,
        start=start.astimezone(UTC),
        end=(start + timedelta(hours=hours)).astimezone(UTC),
        tz="Europe/Paris",
        place=place,
    )


def call(uid: str, text: str, created: datetime, days: int) -> Call:
    return Call(
        uid=uid,
        origin_instance="Relais 72",
        origin_group="le-mans",
        text=text,
        tags=("72",),
        created=created,
        expiry=created + timedelta(days=days),
        hops=("Relais 72",),
        link=None,
    )


class Bot:
    def __init__(self, app: App, transport: RecordingTransport, clock: Clock) -> None:
        self.app, self.transport, self.clock = app, transport, clock

    @property
    def engine(self) -> LetterEngine:
        return self.app.feature(LettreFeature).engine

    async def say(self, text: str, *, room: str = "salon:orga", organiser: bool = True) -> str:
        role = Role.ORGANISER if organiser else Role.MEMBER
        before = len(self.transport.sent)
        message = Message(Sender("camille", role), Channel("console", room), text, self.clock())
        await self.app.router.handle(message)
        assert await self.app.services.outbox.drain(10)
        return "\n---\n".join(i.text for i in self.transport.sent[before:])

    async def tick(self) -> list[tuple[str, str]]:
        before = len(self.transport.sent)
        await self.engine.tick()
        assert await self.app.services.outbox.drain(10)
        return [(i.channel.id, i.text) for i in self.transport.sent[before:]]


@asynccontextmanager
async def running(config: Config, clock: Clock) -> AsyncIterator[Bot]:
    async with App(config, features(), now=clock) as app:
        transport = RecordingTransport("console")
        app.add_transport(transport)
        yield Bot(app, transport, clock)


async def seed(app: App, now: datetime) -> None:
    """A week of Le Mans: three events on two days, one far away, one call."""
    agenda = app.feature(AgendaFeature).service
    calls = app.feature(AppelFeature).service
    await agenda.create(
        event("Réunion publique", datetime(2026, 5, 26, 18, 30, tzinfo=PARIS), "Salle Guy Môquet")
    )
    await agenda.create(
        event(
            "Rassemblement devant la CAF",
            datetime(2026, 5, 30, 10, 0, tzinfo=PARIS),
            "Place de la République",
        )
    )
    await agenda.create(
        event(
            "Chantier au jardin partagé",
            datetime(2026, 5, 30, 14, 0, tzinfo=PARIS),
            "Les Sablons",
            3,
        )
    )
    await agenda.create(event("Trop loin", datetime(2026, 6, 20, 10, 0, tzinfo=PARIS)))
    await calls.launch(
        call("appelmans01", "Pétition : un guichet CAF ouvert sans rendez-vous", now, 20),
        local=True,
    )
