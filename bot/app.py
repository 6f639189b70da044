"""Wiring: one object graph built here and passed down (no globals)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from bot.bootstrap import CONTENT_DIR, all_migrations
from bot.config import Config
from bot.context import Services, utc_now
from bot.conversation import Conversations
from bot.failure_notices import FailureNotices
from bot.feature import Feature
from bot.message import Message
from bot.names import ChannelNames
from bot.outbox import Outbox, Transport
from bot.router import Router
from bot.scheduler import Scheduler
from bot.sealing import InstanceSecret
from bot.store import Store
from bot.web import WebHost

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Feature)

HOUSEKEEPING_SECONDS = 3600
FINISHED_OUTBOX_KEEP_SECONDS = 7 * 24 * 3600
HANDLED_EVENTS_KEEP_SECONDS = 7 * 24 * 3600


class RunningTransport(Transport, Protocol):
    """A transport that also receives: it feeds messages to `handle` until stopped."""

    async def run(self, handle: Callable[[Message], Awaitable[int]]) -> None: ...


class App:
    def __init__(
        self,
        config: Config,
        features: Sequence[Feature],
        *,
        content_dir: Path = CONTENT_DIR,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.config = config
        self.features = list(features)
        self.content_dir = content_dir
        self.now = now
        self._services: Services | None = None
        self._router: Router | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("app not started")
        return self._services

    def feature(self, kind: type[F]) -> F:
        """The running feature of this class (tests and benchmarks reach its service)."""
        for feature in self.features:
            if isinstance(feature, kind):
                return feature
        raise LookupError(f"no {kind.__name__} in this app")

    @property
    def router(self) -> Router:
        if self._router is None:
            raise RuntimeError("app not started")
        return self._router

    async def start(self) -> None:
        for notice in self.config.notices:
            logger.warning("configuration: %s", notice)
        store = Store(self.config.database_path)
        await store.open(all_migrations(self.features))
        clock = lambda: self.now().timestamp()  # noqa: E731
        secret = InstanceSecret(store)
        outbox = Outbox(store, self.config.outbox, clock=clock, secret=secret)
        names = ChannelNames()
        outbox.on_failed(FailureNotices(self.config, outbox, names).on_failed)
        conversations = Conversations(
            store,
            expiry_minutes=self.config.conversation_expiry_minutes,
            clock=clock,
            secret=secret,
        )
        scheduler = Scheduler(self.config.timezone)
        services = Services(
            config=self.config,
            store=store,
            outbox=outbox,
            conversations=conversations,
            scheduler=scheduler,
            content_dir=self.content_dir,
            now=self.now,
            names=names,
            web=self._web_host(),
        )
        router = Router(services)
        services.router = router
        self._services, self._router = services, router
        try:
            for feature in self.features:
                feature.setup(services, router)
            scheduler.every("core:housekeeping", HOUSEKEEPING_SECONDS, self.housekeeping)
            await scheduler.start()
            await services.web.start()
            outbox.start()
        except BaseException:
            await self.stop()  # a half-started app must not keep the store or threads open
            raise
        logger.info(
            "started with %d feature(s), %d command(s)", len(self.features), len(router.commands())
        )

    def _web_host(self) -> WebHost:
        web = self.config.web
        host = WebHost(None if web is None else web.public_url)
        if web is not None:
            host.listen(web.bind, web.port)
        return host

    async def housekeeping(self) -> None:
        services = self.services
        expired = await services.conversations.purge_expired()
        purged = await services.outbox.purge(FINISHED_OUTBOX_KEEP_SECONDS)
        cutoff = self.now().timestamp() - HANDLED_EVENTS_KEEP_SECONDS
        events = await services.store.execute(
            "DELETE FROM handled_events WHERE handled_at < ?", (cutoff,)
        )
        # The e-mail journal only matters while its outbox row may be retried.
        await services.store.execute(
            "DELETE FROM email_sends WHERE updated_at < ?",
            (self.now().timestamp() - FINISHED_OUTBOX_KEEP_SECONDS * 2,),
        )
        logger.info(
            "housekeeping: %d conversation(s), %d outbox row(s), %d event id(s) purged",
            expired,
            purged,
            events,
        )

    def add_transport(self, transport: Transport) -> None:
        self.services.outbox.register_transport(transport)

    async def run_transports(self, transports: Sequence[RunningTransport]) -> None:
        """Run until the first transport ends (console end of input) or cancellation."""
        for transport in transports:
            self.add_transport(transport)
        tasks = [
            asyncio.create_task(t.run(self.router.handle), name=f"transport-{t.name}")
            for t in transports
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for transport in transports:
                close = getattr(transport, "close", None)
                if callable(close):
                    close()  # e.g. the Mastodon API worker thread

    async def stop(self) -> None:
        if self._services is None:
            return
        services = self._services
        services.scheduler.shutdown()
        await services.web.stop()
        for feature in self.features:
            try:
                await feature.stop()
            except Exception:
                logger.exception("stopping feature %s failed", feature.name)
        await services.outbox.stop()
        await services.store.close()
        self._services = None
        self._router = None

    async def __aenter__(self) -> App:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
