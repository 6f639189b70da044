"""The bot's one public web server (aiohttp.web): features add read-only GET routes.

The agenda serves /agenda and its ICS feeds, the letter /lettre and its Atom feed: each
registers its routes in `setup()`, and asks for an address to listen on (`listen`); the
engine starts one server after the features are set up, with one site per distinct
address, and stops it with the app. An address already taken is logged and the rest of
the bot runs on.

Every response carries the security headers below (a handler may set its own): no
scripts, no frames, no referrer, no MIME sniffing. GET only, no cookies.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The server half of aiohttp (~2 MB) loads when a server starts or a page is built:
    # a bot that serves nothing never needs it.
    from aiohttp import web

logger = logging.getLogger(__name__)

Handler = Callable[["web.Request"], Awaitable["web.StreamResponse"]]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass
class Listening:
    """An address asked for, and the port it got once started (None: not listening)."""

    bind: str
    port: int
    actual_port: int | None = None

    @property
    def url(self) -> str:
        return f"http://{self.bind}:{self.actual_port or self.port}"


class WebHost:
    def __init__(self, public_url: str | None = None) -> None:
        self.public_url = public_url
        self._routes: list[tuple[str, Handler]] = []
        self._addresses: list[Listening] = []
        self._runner: web.AppRunner | None = None

    # -- wiring (features, in setup) -------------------------------------------------------
    def add_get(self, path: str, handler: Handler) -> None:
        if self._runner is not None:
            raise RuntimeError("routes must be added before the server starts")
        self._routes.append((path, handler))

    def listen(self, bind: str, port: int) -> Listening:
        """Serve every route on this address too (the same address asked twice: once)."""
        for known in self._addresses:
            if (known.bind, known.port) == (bind, port) and port != 0:
                return known
        address = Listening(bind, port)
        self._addresses.append(address)
        return address

    @property
    def addresses(self) -> list[Listening]:
        return list(self._addresses)

    @property
    def wanted(self) -> bool:
        return bool(self._addresses and self._routes)

    def base_url(self) -> str | None:
        """How people reach the server: the public address when configured, else the first
        local one (useful on this machine only)."""
        if self.public_url:
            return self.public_url
        return self._addresses[0].url if self._addresses else None

    # -- lifecycle (the engine) --------------------------------------------------------------
    def application(self) -> web.Application:
        from aiohttp import web

        app = web.Application()
        app.on_response_prepare.append(_secure)
        for path, handler in self._routes:
            app.router.add_get(path, handler)
        return app

    async def start(self) -> int:
        """Listen on every address asked for; how many sites started."""
        if not self.wanted or self._runner is not None:
            return 0
        from aiohttp import web

        runner = web.AppRunner(self.application(), access_log=None)
        await runner.setup()
        self._runner = runner
        started = 0
        for address in self._addresses:
            site = web.TCPSite(runner, address.bind, address.port)
            before = len(runner.addresses)
            try:
                await site.start()
            except OSError as exc:
                logger.error(
                    "web server could not listen on %s:%d (%s)",
                    address.bind,
                    address.port,
                    type(exc).__name__,
                )
                continue
            found = runner.addresses[before:]
            address.actual_port = int(found[0][1]) if found else address.port
            started += 1
            logger.info("web server on %s:%d", address.bind, address.actual_port)
        return started

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        for address in self._addresses:
            address.actual_port = None
        if runner is not None:
            await runner.cleanup()
            logger.info("web server stopped")


async def _secure(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def html_response(text: str, *, status: int = 200, cache_seconds: int = 300) -> web.Response:
    from aiohttp import web

    return web.Response(
        text=text,
        status=status,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": f"public, max-age={cache_seconds}",
        },
    )
