"""The engine's meeting points for features: the "what's coming" registry (the agenda and
the calls register, a digest asks) and the one web server (features add routes; one
server, one site per address, security headers, closed with the app)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.digest import Digest, DigestItem, DigestQuery, ItemKind
from bot.web import SECURITY_HEADERS, WebHost
from commands.agenda import AgendaFeature
from commands.agenda.model import Event
from commands.aide import AideFeature
from commands.appel import AppelFeature
from commands.appel.model import Call
from tests.kit.clock import Clock

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)
GROUPS = [
    {"name": "le-mans", "rooms": ["console:salon:lemans"], "tags": ["72"]},
    {"name": "angers", "rooms": ["console:salon:angers"], "tags": ["49"]},
    {
        "name": "tours",
        "rooms": ["console:salon:tours"],
        "organisers_room": "console:salon:orga-tours",
        "tags": ["72"],
    },
]


def features() -> list[Any]:
    return [AideFeature(), AgendaFeature(), AppelFeature()]


def config(tmp_path: Path, **extra: Any) -> Config:
    data = {
        "relais": {"data_dir": str(tmp_path / "data")},
        "groups": GROUPS,
        "calls": {"instance": "Relais 72"},
        **extra,
    }
    return parse_config(data, sections=feature_sections(features()), environ={})


def event(group: str, title: str, start: datetime, **kwargs: Any) -> Event:
    return Event(
        id=0,
        group=group,
        kind="reunion",
        title=title,
        start=start.astimezone(UTC),
        end=(start + timedelta(hours=2)).astimezone(UTC),
        tz="Europe/Paris",
        **kwargs,
    )


def call(uid: str, group: str, text: str, days: int, tags: tuple[str, ...]) -> Call:
    return Call(
        uid=uid,
        origin_instance="Relais 72",
        origin_group=group,
        text=text,
        tags=tags,
        created=NOW,
        expiry=NOW + timedelta(days=days),
        hops=("Relais 72",),
        link=None,
    )


async def test_the_agenda_and_the_calls_answer_a_digest_query(tmp_path: Path) -> None:
    async with App(config(tmp_path), features(), now=Clock(NOW)) as app:
        agenda = app.feature(AgendaFeature).service
        calls = app.feature(AppelFeature).service
        monday = datetime(2026, 5, 25, 18, 30, tzinfo=PARIS)
        await agenda.create(
            event(
                "le-mans",
                "Réunion publique",
                monday,
                place="Salle Guy Môquet",
                link="https://a.example/r",
            )
        )
        await agenda.create(event("angers", "Chantier", monday + timedelta(days=1)))
        await agenda.create(event("le-mans", "Trop loin", monday + timedelta(days=40)))
        weekly = event("le-mans", "Permanence", datetime(2026, 5, 20, 14, tzinfo=PARIS))
        await agenda.create(
            Event(**{**weekly.__dict__, "rrule": "FREQ=WEEKLY;BYDAY=WE", "kind": "atelier"})
        )
        await calls.launch(
            call("appelmans01", "le-mans", "Rassemblement samedi\nDevant la CAF", 10, ("72",)),
            local=True,
        )
        await calls.launch(
            call("appelangr01", "angers", "Pétition hôpital", 3, ("72",)), local=True
        )
        await calls.launch(call("appelangr02", "angers", "Déjà fini", 1, ("49",)), local=True)
        assert sorted(app.services.digest.sources) == ["agenda", "appel"]

        query = DigestQuery(("le-mans",), NOW, NOW + timedelta(days=14))
        items = await app.services.digest.collect(query)
        events = [i for i in items if i.kind is ItemKind.EVENT]
        assert [
            (i.title, i.start.astimezone(PARIS).strftime("%d/%m %H:%M")) for i in events if i.start
        ] == [
            ("Permanence", "20/05 14:00"),
            ("Réunion publique", "25/05 18:30"),
            ("Permanence", "27/05 14:00"),
        ]
        meeting = events[1]
        assert (meeting.place, meeting.link, meeting.category, meeting.group) == (
            "Salle Guy Môquet",
            "https://a.example/r",
            "réunion",
            "le-mans",
        )
        # Le Mans launched the first call; the second one (from Angers, tagged 72) reached
        # Le Mans directly (no organisers' room): both belong in Le Mans's digest. Tours
        # has to accept it first.
        titles = [i.title for i in items if i.kind is ItemKind.CALL]
        assert titles == ["Pétition hôpital", "Rassemblement samedi"]
        tours = await app.services.digest.collect(DigestQuery(("tours",), NOW, query.end))
        assert [i.title for i in tours if i.kind is ItemKind.CALL] == []
        stored = await calls.repo.by_uid("appelangr01")
        assert stored is not None
        tours_group = calls.group("tours")
        assert tours_group is not None and await calls.accept(stored, tours_group)
        tours = await app.services.digest.collect(DigestQuery(("tours",), NOW, query.end))
        assert [i.category for i in tours if i.kind is ItemKind.CALL] == ["angers (Relais 72)"]
        # The whole Relais: every group's events, every call launched or published here,
        # still valid at the start of the window.
        later = NOW + timedelta(days=2)
        everything = await app.services.digest.collect(
            DigestQuery(None, later, later + timedelta(days=14))
        )
        assert {i.group for i in everything if i.kind is ItemKind.EVENT} == {"le-mans", "angers"}
        assert [i.title for i in everything if i.kind is ItemKind.CALL] == [
            "Pétition hôpital",
            "Rassemblement samedi",
        ]


async def test_a_failing_source_fails_the_whole_digest() -> None:
    digest = Digest()

    async def fine(query: DigestQuery) -> list[DigestItem]:
        return [DigestItem(ItemKind.CALL, "Appel", until=query.end)]

    async def broken(query: DigestQuery) -> list[DigestItem]:
        raise OSError("disk")

    digest.register("fine", fine)
    digest.register("broken", broken)
    with pytest.raises(ValueError):
        digest.register("fine", fine)
    with pytest.raises(OSError):
        await digest.collect(DigestQuery(None, NOW, NOW + timedelta(days=1)))


async def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}", allow_redirects=False) as response,
    ):
        return response.status, dict(response.headers), await response.text()


async def test_one_server_for_every_feature_with_the_security_headers() -> None:
    host = WebHost("https://relais.example")

    async def hello(request: web.Request) -> web.StreamResponse:
        return web.Response(text="bonjour")

    async def own_policy(request: web.Request) -> web.StreamResponse:
        return web.Response(text="x", headers={"Content-Security-Policy": "default-src 'self'"})

    host.add_get("/a", hello)
    host.add_get("/b", own_policy)
    first = host.listen("127.0.0.1", 0)
    second = host.listen("127.0.0.1", 0)  # port 0: two distinct sites
    assert first is not second and host.base_url() == "https://relais.example"
    assert await host.start() == 2
    try:
        assert first.actual_port and second.actual_port and first.actual_port != second.actual_port
        for port in (first.actual_port, second.actual_port):
            status, headers, body = await get(port, "/a")
            assert (status, body) == (200, "bonjour")
            for name, value in SECURITY_HEADERS.items():
                assert headers[name] == value
        _, headers, _ = await get(first.actual_port, "/b")
        assert headers["Content-Security-Policy"] == "default-src 'self'"
        assert (await get(first.actual_port, "/nowhere"))[0] == 404
        with pytest.raises(RuntimeError):
            host.add_get("/late", hello)
    finally:
        port = first.actual_port
        await host.stop()
    assert first.actual_port is None
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(port, "/a")


async def test_the_web_section_serves_the_agenda_and_a_taken_port_is_only_logged(
    tmp_path: Path,
) -> None:
    blocker = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    taken = blocker.sockets[0].getsockname()[1]
    try:
        settings = config(
            tmp_path,
            web={"bind": "127.0.0.1", "port": 0, "public_url": "https://relais.example"},
            agenda={"http": {"enabled": True, "port": taken}},
        )
        assert settings.web is not None and settings.web.public_url == "https://relais.example"
        async with App(settings, features(), now=Clock(NOW)) as app:
            agenda_web = app.feature(AgendaFeature).web
            assert agenda_web is not None and agenda_web.port is None  # its own port: taken
            status, _, page = await get(app.services.web.addresses[0].actual_port or 0, "/agenda")
            assert status == 200 and "<h1>Agenda</h1>" in page
    finally:
        blocker.close()
        await blocker.wait_closed()
