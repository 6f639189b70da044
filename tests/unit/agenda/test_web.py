"""The agenda over real HTTP (aiohttp on 127.0.0.1, a free port): ICS feeds, the HTML
page, escaping, unknown groups, and the server closing with the app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import icalendar

from commands.agenda import AgendaFeature
from commands.agenda.model import Event
from commands.agenda.service import AgendaService
from commands.agenda.web import AgendaWeb
from tests.unit.agenda.conftest import PARIS, Clock, make_config, running, service_of

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
GROUPS = [
    {"name": "le-mans", "rooms": ["console:salon:general"]},
    {"name": "allonnes", "rooms": ["console:salon:allonnes"]},
]


def event(group: str, title: str, start: datetime, **kwargs: object) -> Event:
    return Event(
        id=0,
        group=group,
        kind="rassemblement",
        title=title,
        start=start.astimezone(UTC),
        end=(start + timedelta(hours=2)).astimezone(UTC),
        tz="Europe/Paris",
        **kwargs,  # type: ignore[arg-type]
    )


async def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}", allow_redirects=False) as response,
    ):
        return response.status, dict(response.headers), await response.text()


@asynccontextmanager
async def serving(tmp_path: Path) -> AsyncIterator[tuple[AgendaService, int]]:
    """A real App with its web server on a free port, and two events in two groups."""
    config = make_config(
        tmp_path, groups=GROUPS, agenda={"http": {"enabled": True, "port": 0, "page_days": 60}}
    )
    async with running(config, Clock(NOW)) as (app, _):
        service = service_of(app)
        await service.create(
            event(
                "le-mans",
                "Rassemblement <script>alert(1)</script> & co",
                datetime(2026, 5, 23, 15, 0, tzinfo=PARIS),
                place='Bois "du" Fouillet',
                description="Ligne 1\n<b>Ligne 2</b>",
                link="javascript:alert(1)",
                map_url="https://osm.example/?a=1&b=2",
            )
        )
        await service.create(
            event("allonnes", "Réunion publique", datetime(2026, 5, 25, 18, 30, tzinfo=PARIS))
        )
        weekend = datetime(2026, 5, 30, tzinfo=PARIS)
        await service.create(
            replace(
                event("le-mans", "Fête du week-end", weekend),
                all_day=True,
                end=(weekend + timedelta(days=2)).astimezone(UTC),
            )
        )
        web = app.feature(AgendaFeature).web
        assert isinstance(web, AgendaWeb) and web.port
        yield service, web.port


async def test_page_over_http_is_plain_escaped_html(tmp_path: Path) -> None:
    async with serving(tmp_path) as (_, port):
        status, headers, page = await get(port, "/agenda")
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert "script-src" not in headers["Content-Security-Policy"]
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert page.startswith('<!doctype html>\n<html lang="fr">')
        assert "<script" not in page.lower()
        assert "Rassemblement &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
        assert 'Bois "du" Fouillet' in page
        assert 'href="https://osm.example/?a=1&amp;b=2"' in page
        assert "javascript:" not in page
        assert "<p>&lt;b&gt;Ligne 2&lt;/b&gt;</p>" in page
        assert '<h2 id="jour-2026-05-23">samedi 23 mai 2026</h2>' in page
        assert '<time datetime="2026-05-23T15:00:00+02:00">15:00</time>' in page
        assert "Réunion publique" in page and "Groupe : allonnes" in page
        assert '<a href="/le-mans/agenda">le-mans</a>' in page
        assert "<h3>Fête du week-end</h3><p>du samedi 30 au dimanche 31 mai 2026</p>" in page

        for path in ("/le-mans/agenda", "/agenda?groupe=le-mans"):
            status, _, page = await get(port, path)
            assert status == 200
            assert "<h1>Agenda : le-mans</h1>" in page
            assert "Réunion publique" not in page
            assert 'href="/le-mans/agenda.ics"' in page
        status, _, page = await get(port, "/nulle-part/agenda")
        assert status == 404 and "Ce groupe n'existe pas." in page
        status, headers, _ = await get(port, "/")
        assert status == 302 and headers["Location"] == "/agenda"
    # The app stopped: the server closes with it.
    for _ in range(60):
        try:
            await get(port, "/agenda")
        except aiohttp.ClientConnectionError:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the web server is still listening after the app stopped")


async def test_ics_feeds_over_http(tmp_path: Path) -> None:
    async with serving(tmp_path) as (service, port):
        status, headers, body = await get(port, "/agenda.ics")
        assert status == 200
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = icalendar.Calendar.from_ical(body)
        assert sorted(str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")) == [
            "Fête du week-end",
            "Rassemblement <script>alert(1)</script> & co",
            "Réunion publique",
        ]
        # Built once, served again from memory, rebuilt when an event changes.
        assert (await get(port, "/agenda.ics"))[2] == body
        first = await service.get(2)  # the meeting in Allonnes
        assert first is not None
        await service.update(replace(first, title="Réunion publique (salle B)"))
        body = (await get(port, "/agenda.ics"))[2]
        assert "SUMMARY:Réunion publique (salle B)" in body
        for path in ("/allonnes/agenda.ics", "/agenda.ics?groupe=allonnes"):
            status, _, body = await get(port, path)
            events = icalendar.Calendar.from_ical(body).walk("VEVENT")
            assert [str(e.get("SUMMARY")) for e in events] == ["Réunion publique (salle B)"]

        assert (await get(port, "/agenda.ics?groupe=x"))[0] == 404


async def test_a_port_already_taken_does_not_stop_the_bot(tmp_path: Path) -> None:
    blocker = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    taken = blocker.sockets[0].getsockname()[1]
    try:
        config = make_config(tmp_path, agenda={"http": {"enabled": True, "port": taken}})
        async with running(config, Clock(NOW)) as (app, _):
            web = app.feature(AgendaFeature).web
            assert isinstance(web, AgendaWeb) and web.port is None
            assert app.router.find("agenda") is not None
    finally:
        blocker.close()
        await blocker.wait_closed()
