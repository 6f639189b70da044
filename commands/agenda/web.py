"""The agenda over HTTP (aiohttp.web): ICS feeds and the HTML page.

Routes: /agenda.ics, /agenda.ics?groupe=G, /G/agenda.ics, /agenda, /agenda?groupe=G,
/G/agenda, and / (redirects to /agenda). Read-only, GET only, no cookies, no scripts
(the Content-Security-Policy forbids them).

The server itself is the engine's (bot/web.py): the agenda registers its routes there and
asks for its address (`agenda.http`); the engine starts and stops it with the app.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web

from bot.web import Handler, Listening, WebHost
from commands.agenda import html_page, texts
from commands.agenda.config import HttpConfig
from commands.agenda.feed import FeedQuery, IcsFeed
from commands.agenda.groups import Group, all_groups, find_group
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
        self._feed = IcsFeed(service.repo)

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

    async def _root(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/agenda")

    async def _calendar(self, request: web.Request) -> web.StreamResponse:
        found = self._group(request)
        if found is None:
            return _not_found()
        groups, group = found
        service = self._service
        query = FeedQuery.for_day(
            [g.name for g in groups],
            service.now(),
            ICS_PAST_DAYS,
            name=texts.PAGE_TITLE_GROUP.format(group=group.name) if group else texts.PAGE_TITLE,
            tz=group.tz.key if group else service.config.timezone,
        )
        etag = await self._feed.etag(query)
        headers = {**_HEADERS, "ETag": etag}
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return web.Response(status=304, headers=headers)
        await self._feed.fill_missing(query)
        response = web.StreamResponse(
            headers={**headers, "Content-Type": "text/calendar; charset=utf-8"}
        )
        await response.prepare(request)
        async for chunk in self._feed.chunks(query):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def _page(self, request: web.Request) -> web.StreamResponse:
        found = self._group(request)
        if found is None:
            return _not_found()
        groups, group = found
        service = self._service
        now = service.now()
        days = self._http.page_days
        listing = await service.listing(
            [g.name for g in groups], now, now + timedelta(days=days), MAX_PAGE_ITEMS
        )
        tz = group.tz if group else groups[0].tz
        links: list[tuple[str, str]] = []
        if group is None and len(groups) > 1:
            links = [(g.name, f"/{g.name}/agenda") for g in groups]
        html = html_page.render_page(
            listing.shown,
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


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison: any listed tag, weak or strong, or `*`."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


def _not_found() -> web.Response:
    return web.Response(
        status=404,
        text=html_page.not_found_page(),
        headers={**_HEADERS, "Content-Type": "text/html; charset=utf-8"},
    )
