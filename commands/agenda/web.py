"""The agenda over HTTP (aiohttp.web): ICS feeds and the HTML page.

Routes: /agenda.ics, /agenda.ics?groupe=G, /G/agenda.ics, /agenda, /agenda?groupe=G,
/G/agenda, and / (redirects to /agenda). Read-only, GET only, no cookies, no scripts
(the Content-Security-Policy forbids them).

The server itself is the engine's (bot/web.py): the agenda registers its routes there and
asks for its address (`agenda.http`); the engine starts and stops it with the app.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiohttp import web

from bot.web import Handler, Listening, WebHost
from commands.agenda import html_page, texts
from commands.agenda.config import HttpConfig
from commands.agenda.groups import Group, all_groups, find_group
from commands.agenda.ics_write import write_calendar
from commands.agenda.service import AgendaService

logger = logging.getLogger(__name__)

ICS_PAST_DAYS = 30
MAX_PAGE_ITEMS = 500
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "public, max-age=300",
}


class AgendaWeb:
    def __init__(self, service: AgendaService, http: HttpConfig) -> None:
        self._service = service
        self._http = http
        self._address: Listening | None = None
        # Last ICS body per calendar, with the agenda version it was built from.
        self._ics_cache: dict[str, tuple[tuple[object, ...], bytes]] = {}

    def _routes(self) -> list[tuple[str, Handler]]:
        return [
            ("/", self._root),
            ("/agenda.ics", self._calendar),
            ("/agenda", self._page),
            ("/{group}/agenda.ics", self._calendar),
            ("/{group}/agenda", self._page),
        ]

    def application(self) -> web.Application:
        """The agenda's routes alone, as an aiohttp application (for tests)."""
        app = web.Application()
        for path, handler in self._routes():
            app.router.add_get(path, handler)
        return app

    # -- lifecycle ---------------------------------------------------------------------
    def register(self, host: WebHost) -> None:
        """The routes on the bot's web server, and the address the agenda asks for."""
        for path, handler in self._routes():
            host.add_get(path, handler)
        self._address = host.listen(self._http.bind, self._http.port)

    @property
    def port(self) -> int | None:
        """The port the server listens on for the agenda (None: not listening)."""
        return None if self._address is None else self._address.actual_port

    # -- routes ------------------------------------------------------------------------
    def _group(self, request: web.Request) -> tuple[list[Group], Group | None] | None:
        name = request.match_info.get("group") or request.query.get("groupe")
        if not name:
            return all_groups(self._service.config), None
        group = find_group(self._service.config, name)
        return None if group is None else ([group], group)

    async def _version(self) -> tuple[object, ...]:
        """Changes whenever an event is saved (here or by `relais agenda import`), and each
        day (past events leave the feed)."""
        row = await self._service.repo.store.fetchone(
            "SELECT COUNT(*), MAX(updated_at) FROM agenda_events"
        )
        today = self._service.now().date()
        return (today, self._service.revision, *(tuple(row) if row is not None else ()))

    async def _root(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/agenda")

    async def _calendar(self, request: web.Request) -> web.StreamResponse:
        found = self._group(request)
        if found is None:
            return _not_found()
        groups, group = found
        service = self._service
        name = texts.PAGE_TITLE_GROUP.format(group=group.name) if group else texts.PAGE_TITLE
        version = await self._version()
        cached = self._ics_cache.get(name)
        if cached is not None and cached[0] == version:
            body = cached[1]
        else:
            now = service.now()
            events = await service.repo.all_events(
                [g.name for g in groups], now - timedelta(days=ICS_PAST_DAYS)
            )
            tz = group.tz.key if group else service.config.timezone
            # icalendar is slow on big agendas (~3 s for 10,000 events): off the loop.
            body = await asyncio.to_thread(write_calendar, events, name=name, tz=tz, now=now)
            self._ics_cache[name] = (version, body)
        return web.Response(
            body=body,
            headers={**_HEADERS, "Content-Type": "text/calendar; charset=utf-8"},
        )

    async def _page(self, request: web.Request) -> web.StreamResponse:
        found = self._group(request)
        if found is None:
            return _not_found()
        groups, group = found
        service = self._service
        now = service.now()
        days = self._http.page_days
        occurrences = await service.upcoming(
            [g.name for g in groups], now, now + timedelta(days=days)
        )
        tz = group.tz if group else groups[0].tz
        links: list[tuple[str, str]] = []
        if group is None and len(groups) > 1:
            links = [(g.name, f"/{g.name}/agenda") for g in groups]
        html = html_page.render_page(
            occurrences[:MAX_PAGE_ITEMS],
            title=texts.PAGE_TITLE_GROUP.format(group=group.name) if group else texts.PAGE_TITLE,
            tz=tz,
            now=now,
            days=days,
            ics_href=f"/{group.name}/agenda.ics" if group else "/agenda.ics",
            groups=links,
            show_group=group is None and len(groups) > 1,
        )
        return web.Response(
            text=html, headers={**_HEADERS, "Content-Type": "text/html; charset=utf-8"}
        )


def _not_found() -> web.Response:
    return web.Response(
        status=404,
        text=html_page.not_found_page(),
        headers={**_HEADERS, "Content-Type": "text/html; charset=utf-8"},
    )
