"""Feeds configured per group: the scheduled job, conditional GET (ETag / 304), and
failures that are logged and retried at the next run, over real local HTTP."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp import web

from commands.agenda.groups import find_group
from commands.agenda.sync import sync_feed
from tests.unit.agenda.conftest import PARIS, Clock, make_config, running, service_of

FEEDS = Path(__file__).parent / "feeds"
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)


class FeedServer:
    def __init__(self) -> None:
        self.body = (FEEDS / "mobilizon.ics").read_bytes()
        self.status = 200
        self.requests: list[str | None] = []  # the If-None-Match of each request

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request.headers.get("If-None-Match"))
        etag = f'"{len(self.body)}"'
        if self.status != 200:
            return web.Response(status=self.status)
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        return web.Response(body=self.body, content_type="text/calendar", headers={"ETag": etag})


@pytest.fixture
async def feed_server() -> AsyncIterator[tuple[FeedServer, str]]:
    server = FeedServer()
    app = web.Application()
    app.router.add_get("/feed.ics", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield server, f"http://127.0.0.1:{runner.addresses[0][1]}/feed.ics"
    await runner.cleanup()


async def test_scheduled_sync_imports_then_uses_etag(
    tmp_path: Path, feed_server: tuple[FeedServer, str], caplog: pytest.LogCaptureFixture
) -> None:
    server, url = feed_server
    config = make_config(
        tmp_path, agenda={"feeds": [{"group": "le-mans", "url": url, "interval_minutes": 30}]}
    )
    async with running(config, Clock(NOW)) as (app, _):
        assert "agenda:feed:0" in app.services.scheduler.job_ids("agenda:feed")
        service = service_of(app)
        group = find_group(service.config, "le-mans")
        assert group is not None
        feed = service.agenda.feeds[0]
        await sync_feed(service, group, feed)
        events = await service.repo.from_source("le-mans", url)
        assert sorted(e.title for e in events) == [
            "Rassemblement au bois du Fouillet",
            "Réunion de préparation",
        ]
        await sync_feed(service, group, feed)  # 304: nothing to do
        assert server.requests == [None, f'"{len(server.body)}"']
        server.body = server.body.replace(
            b"SUMMARY:R\xc3\xa9union de pr\xc3\xa9paration",
            b"SUMMARY:R\xc3\xa9union de pr\xc3\xa9paration (salle B)",
        )
        await sync_feed(service, group, feed)
        titles = sorted(e.title for e in await service.repo.from_source("le-mans", url))
        assert titles[1] == "Réunion de préparation (salle B)"
        # A server error is logged with the feed's host only; the next run tries again.
        server.status = 500
        caplog.set_level(logging.WARNING, logger="commands.agenda.sync")
        await sync_feed(service, group, feed)
        assert "feed 127.0.0.1 could not be fetched (HTTP 500); next try in 30 min" in caplog.text
        assert len(await service.repo.from_source("le-mans", url)) == 2
