"""The agenda over HTTP (aiohttp.web): ICS feeds and the HTML page.

Routes: /agenda.ics, /agenda.ics?groupe=G, /G/agenda.ics, /agenda, /agenda?groupe=G,
/G/agenda, and / (redirects to /agenda). Read-only, GET only, no cookies, no scripts
(the Content-Security-Policy forbids them).

The engine has no stop hook for features yet, so the server watches the scheduler and
closes when the app stops (and when its event loop ends).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web

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
        self._runner: web.AppRunner | None = None
        self._feed = IcsFeed(service.repo)
        self.port: int | None = None

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_get("/agenda.ics", self._calendar)
        app.router.add_get("/agenda", self._page)
        app.router.add_get("/{group}/agenda.ics", self._calendar)
        app.router.add_get("/{group}/agenda", self._page)
        return app

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self, port: int | None = None) -> int:
        runner = web.AppRunner(self.application(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._http.bind, self._http.port if port is None else port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        logger.info("agenda web server on %s:%d", self._http.bind, self.port)
        return self.port

    async def start_logged(self) -> bool:
        """Start; a port already taken is logged, the rest of the bot runs on."""
        try:
            await self.start()
            return True
        except OSError as exc:
            logger.error(
                "agenda web server could not listen on %s:%d (%s)",
                self._http.bind,
                self._http.port,
                type(exc).__name__,
            )
            return False

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
            logger.info("agenda web server stopped")

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
