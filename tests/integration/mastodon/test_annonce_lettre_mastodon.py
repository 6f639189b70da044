"""Scheduled announcements and the weekly letter on a real Mastodon-API server (mastodon-mock).

Relais runs the agenda, the calls, the announcements and the letter on real SQLite with a
frozen clock; the Mastodon transport posts to the server. A follower account reads its
home timeline; the bot's own statuses are read back through the API. The character limit
is the one the server advertises in its instance information, never a number written here.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from mastodon import Mastodon

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Channel, Message, Role, Sender
from bot.transports.mastodon.transport import MastodonTransport
from commands.agenda import AgendaFeature
from commands.agenda.model import Event
from commands.aide import AideFeature
from commands.annonce import AnnonceFeature
from commands.appel import AppelFeature
from commands.lettre import LettreFeature
from tests.helpers import RecordingTransport
from tests.integration.mastodon.conftest import FAST, Account, MockMastodon, wait_until
from tests.integration.mastodon.test_mastodon_transport import plain
from tests.kit.clock import Clock

pytestmark = pytest.mark.integration

PARIS = ZoneInfo("Europe/Paris")
WEDNESDAY = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
MONDAY_9 = datetime(2026, 5, 25, 9, 0, tzinfo=PARIS)


def features() -> list[Any]:
    return [AideFeature(), AgendaFeature(), AppelFeature(), AnnonceFeature(), LettreFeature()]


def make_config(
    server: MockMastodon, bot: Account, data_dir: Path, *, letter: dict[str, Any] | None = None
) -> Config:
    data: dict[str, Any] = {
        "relais": {"data_dir": str(data_dir)},
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
        "mastodon": {
            "api_base_url": server.base_url,
            "access_token": bot.token,
            "announcement_visibility": "public",
        },
        "outbox": {"base_delay_seconds": 0.05, "max_delay_seconds": 1},
        "groups": [
            {
                "name": "le-mans",
                "rooms": ["console:salon:general"],
                "organisers_room": "console:salon:orga",
                "tags": ["72"],
                "mastodon": {"hashtags": ["LeMans", "Solidarite"], "content_warning": "Manif"},
            },
            {"name": "sablons", "rooms": ["console:salon:sablons"], "tags": ["72"]},
        ],
        "calls": {"instance": "Relais 72"},
        # No reminders: only announcements and letters reach Mastodon here.
        "agenda": {"reminders": {"default": [], "reunion": []}},
        "letter": {
            "enabled": True,
            "channels": ["rooms", "mastodon"],
            "groups": ["le-mans"],
            **(letter or {}),
        },
    }
    return parse_config(data, sections=feature_sections(features()), environ={})


@dataclass
class Running:
    app: App
    console: RecordingTransport
    clock: Clock

    async def say(self, text: str) -> None:
        message = Message(
            Sender("camille", Role.ORGANISER),
            Channel("console", "salon:orga"),
            text,
            self.clock(),
        )
        await self.app.router.handle(message)


@contextlib.asynccontextmanager
async def running(config: Config, clock: Clock) -> AsyncIterator[Running]:
    async with App(config, features(), now=clock) as app:
        console = RecordingTransport("console")
        app.add_transport(console)
        transport = MastodonTransport(config, app.services, tuning=FAST)
        app.add_transport(transport)
        task = asyncio.create_task(transport.run(app.router.handle))
        try:
            await asyncio.wait_for(transport.wait_ready(), 20)
            yield Running(app, console, clock)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    transport.close()


class Reader:
    """The bot's statuses as the API gives them, a follower's home timeline, the limit."""

    def __init__(self, server: MockMastodon, bot: Account) -> None:
        self.server = server
        self.bot = bot
        self.observer = server.client(bot)

    async def posts(self) -> list[Any]:
        statuses = await asyncio.to_thread(self.observer.account_statuses, self.bot.id, limit=40)
        return sorted(statuses, key=lambda s: (len(str(s["id"])), str(s["id"])))

    async def follower(self) -> Mastodon:
        account = await asyncio.to_thread(self.server.new_account, "suiveuse")
        client = self.server.client(account)
        await asyncio.to_thread(client.account_follow, self.bot.id)
        return client

    async def limit(self) -> int:
        instance = await asyncio.to_thread(self.observer.instance)
        return int(instance["configuration"]["statuses"]["max_characters"])


async def home(client: Mastodon) -> list[Any]:
    return list(await asyncio.to_thread(client.timeline_home, limit=40))


def assert_thread(posts: list[Any], limit: int) -> None:
    """Numbered 1/N..N/N, each a reply to the one before, each within the limit."""
    total = len(posts)
    for number, post in enumerate(posts, 1):
        body = plain(post)
        assert body.endswith(f"({number}/{total})"), body
        assert len(body) + len(post["spoiler_text"]) <= limit
        assert post["spoiler_text"] == "Manif"
    assert posts[0]["in_reply_to_id"] is None
    assert [str(p["in_reply_to_id"]) for p in posts[1:]] == [str(p["id"]) for p in posts[:-1]]
    assert "#LeMans #Solidarite" in plain(posts[0])


async def settle(app: App, reader: Reader, count: int) -> list[Any]:
    """Drain the outbox, then wait until the server shows `count` statuses."""
    assert await app.services.outbox.drain(20)

    async def enough() -> list[Any] | None:
        found = await reader.posts()
        return found if len(found) >= count else None

    await wait_until(enough)
    return await reader.posts()


# -- announcements --------------------------------------------------------------------------------
async def test_scheduled_announcement_reaches_followers_once_with_the_groups_look(
    mastodon_server: MockMastodon, tmp_path: Path
) -> None:
    bot = await asyncio.to_thread(mastodon_server.new_account, "relais")
    reader = Reader(mastodon_server, bot)
    follower = await reader.follower()
    clock = Clock(WEDNESDAY.astimezone(UTC))
    text = "Permanence ce soir à la Maison des associations, 18 h."
    async with running(make_config(mastodon_server, bot, tmp_path / "data"), clock) as relais:
        await relais.say(f"!annonce demain 18h | {text}")
        await relais.say("oui")
        sender = relais.app.feature(AnnonceFeature).service.sender
        assert (await sender.run_due()).sent == 0  # not yet
        clock.set(datetime(2026, 5, 21, 18, 0, tzinfo=PARIS))
        assert (await sender.run_due()).sent == 1
        (post,) = await settle(relais.app, reader, 1)
        assert (await sender.run_due()).sent == 0  # the same instant again: nothing
        assert await relais.app.services.outbox.drain(10)
    assert post["visibility"] == "public"
    assert post["spoiler_text"] == "Manif"
    assert post["language"] == "fr"
    assert plain(post) == f"{text}\n\n#LeMans #Solidarite"
    assert sorted(t["name"] for t in post["tags"]) == ["lemans", "solidarite"]
    assert len(await reader.posts()) == 1
    seen = [s for s in await home(follower) if str(s["account"]["id"]) == bot.id]
    assert [str(s["id"]) for s in seen] == [str(post["id"])]


async def test_long_announcement_is_a_numbered_thread_within_the_instance_limit(
    mastodon_server: MockMastodon, tmp_path: Path
) -> None:
    bot = await asyncio.to_thread(mastodon_server.new_account, "relais")
    reader = Reader(mastodon_server, bot)
    limit = await reader.limit()
    clock = Clock(WEDNESDAY.astimezone(UTC))
    text = " ".join(
        f"Point {n}. Nous appelons toutes les personnes concernées à venir au local."
        for n in range(1, 3 * limit // 70)
    )
    assert 2 * limit < len(text) <= 2000  # announcements.max_length
    async with running(make_config(mastodon_server, bot, tmp_path / "data"), clock) as relais:
        await relais.say(f"!annonce demain 9h | {text}")
        await relais.say("oui")
        assert await relais.app.services.outbox.drain(10)
        assert "C'est programmé" in relais.console.sent[-1].text
        clock.set(datetime(2026, 5, 21, 9, 0, tzinfo=PARIS))
        sender = relais.app.feature(AnnonceFeature).service.sender
        assert (await sender.run_due()).sent == 1
        posts = await settle(relais.app, reader, 3)
        assert (await sender.run_due()).sent == 0
        assert await relais.app.services.outbox.drain(10)
    assert len(await reader.posts()) == len(posts)
    assert_thread(posts, limit)
    words = re.findall(r"\w+", " ".join(re.sub(r"\(\d+/\d+\)|#\w+", "", plain(p)) for p in posts))
    assert words == re.findall(r"\w+", text)


# -- the weekly letter ----------------------------------------------------------------------------
def event(title: str, start: datetime, place: str) -> Event:
    return Event(
        id=0,
        group="le-mans",
        kind="reunion",
        title=title,
        start=start.astimezone(UTC),
        end=(start + timedelta(hours=2)).astimezone(UTC),
        tz="Europe/Paris",
        place=place,
    )


async def seed_week(app: App) -> list[str]:
    """A busy week: two events a day, every day; their titles in order."""
    agenda = app.feature(AgendaFeature).service
    titles = []
    for day in range(7):
        for hour, what in ((10, "Permanence d'accueil"), (18, "Réunion de quartier")):
            start = datetime(2026, 5, 25 + day, hour, 0, tzinfo=PARIS) + timedelta(hours=1)
            title = f"{what} numéro {day * 2 + (hour > 12) + 1}"
            await agenda.create(event(title, start, "Maison des associations, rue de Paris"))
            titles.append(title)
    return titles


async def test_weekly_letter_is_a_thread_within_the_limit_in_order_once_even_after_restart(
    mastodon_server: MockMastodon, tmp_path: Path
) -> None:
    bot = await asyncio.to_thread(mastodon_server.new_account, "relais")
    reader = Reader(mastodon_server, bot)
    follower = await reader.follower()
    limit = await reader.limit()
    clock = Clock(WEDNESDAY.astimezone(UTC))
    config = make_config(mastodon_server, bot, tmp_path / "data")
    async with running(config, clock) as relais:
        titles = await seed_week(relais.app)
        engine = relais.app.feature(LettreFeature).engine
        clock.set(MONDAY_9.astimezone(UTC))
        report = await engine.tick()
        assert report.sent == ["le-mans-2026-W22"]
        posts = await settle(relais.app, reader, 2)
        assert (await engine.tick()).sent == []
        assert await relais.app.services.outbox.drain(10)
        rooms = [i for i in relais.console.sent if i.channel.id == "salon:general"]
        assert len(rooms) == 1
    assert len(posts) >= 2
    assert_thread(posts, limit)
    assert all(p["visibility"] in ("public", "unlisted") for p in posts)
    assert posts[0]["visibility"] == "public"
    whole = "\n".join(plain(p) for p in posts)
    assert [t for t in titles if t in whole] == titles  # every event, none cut in two
    positions = [whole.index(t) for t in titles]
    assert positions == sorted(positions)  # in the letter's order

    # A restart later the same morning: nothing goes out again.
    clock.advance(hours=1)
    async with running(config, clock) as relais:
        engine = relais.app.feature(LettreFeature).engine
        assert (await engine.tick()).sent == []
        assert await relais.app.services.outbox.drain(10)
        assert relais.console.sent == []
    assert [p["id"] for p in await reader.posts()] == [p["id"] for p in posts]
    seen = [s for s in await home(follower) if str(s["account"]["id"]) == bot.id]
    assert str(posts[0]["id"]) in {str(s["id"]) for s in seen}


async def test_the_relais_letter_is_the_one_thread_on_the_shared_account(
    mastodon_server: MockMastodon, tmp_path: Path
) -> None:
    bot = await asyncio.to_thread(mastodon_server.new_account, "relais")
    reader = Reader(mastodon_server, bot)
    limit = await reader.limit()
    clock = Clock(WEDNESDAY.astimezone(UTC))
    letter = {"scope": "both", "groups": [], "relais": {"rooms": ["console:salon:coord"]}}
    config = make_config(mastodon_server, bot, tmp_path / "data", letter=letter)
    async with running(config, clock) as relais:
        titles = await seed_week(relais.app)
        agenda = relais.app.feature(AgendaFeature).service
        sablons = event("Repas partagé", datetime(2026, 5, 26, 12, 0, tzinfo=PARIS), "Square")
        await agenda.create(replace(sablons, group="sablons"))
        engine = relais.app.feature(LettreFeature).engine
        clock.set(MONDAY_9.astimezone(UTC))
        sent = (await engine.tick()).sent
        assert sent == ["le-mans-2026-W22", "sablons-2026-W22", "relais-2026-W22"]
        posts = await settle(relais.app, reader, 2)
        assert await relais.app.services.outbox.drain(10)
        rooms = sorted(i.channel.id for i in relais.console.sent)
        assert rooms == ["salon:coord", "salon:general", "salon:sablons"]
    whole = "\n".join(plain(p) for p in posts)
    assert whole.startswith("La lettre de la semaine — tous les groupes")
    assert "Repas partagé, Square (sablons)" in whole
    assert [t for t in titles if t in whole] == titles
    total = len(posts)
    for number, post in enumerate(posts, 1):  # no group's look: no hashtags, no warning
        assert plain(post).endswith(f"({number}/{total})")
        assert len(plain(post)) <= limit and post["spoiler_text"] == ""
    assert [str(p["in_reply_to_id"]) for p in posts[1:]] == [str(p["id"]) for p in posts[:-1]]
