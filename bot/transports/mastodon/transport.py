"""Mastodon transport: mentions and direct messages in, answers and announcements out.

    transport = create(config, services)   # what `relais run` does
    await transport.run(router.handle)     # until cancelled
    await transport.deliver(outgoing)      # called by the outbox

The pieces: `mastodon_api` (Mastodon.py on one worker thread, request budget, error
classes), `mastodon_receive` (stream with catch-up, polling fallback, handled-once),
`mastodon_post` (threads, idempotency keys, visibility, faults), `mastodon_parse`
and `mastodon_text` (payloads and text shaping), `mastodon_server` (cached facts).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.config import Config
from bot.context import Services
from bot.message import Message, Outgoing
from bot.transports.mastodon.api import MastodonApi
from bot.transports.mastodon.post import Poster
from bot.transports.mastodon.receive import NAME, MentionReceiver, ReceiverStats
from bot.transports.mastodon.server import MastodonTuning, ServerFacts

logger = logging.getLogger(__name__)

__all__ = ["NAME", "MastodonTransport", "MastodonTuning", "create"]


class MastodonTransport:
    name = NAME

    def __init__(
        self,
        config: Config,
        services: Services,
        *,
        tuning: MastodonTuning | None = None,
    ) -> None:
        if config.mastodon is None:
            raise ValueError("no mastodon section in the configuration")
        settings = config.mastodon
        self.tuning = tuning or MastodonTuning()
        self.api = MastodonApi(
            settings.api_base_url,
            settings.access_token,
            max_requests_per_5_minutes=settings.max_requests_per_5_minutes,
            request_timeout=self.tuning.request_timeout,
        )
        self.facts = ServerFacts(self.api, self.tuning)
        self.receiver = MentionReceiver(
            self.api,
            self.facts,
            services.store,
            access_token=settings.access_token,
            poll_interval=settings.poll_interval_seconds,
            command_window=timedelta(minutes=settings.command_window_minutes),
            organisers=config.organisers.mastodon,
            tuning=self.tuning,
            now=services.now,
        )
        self.poster = Poster(
            self.api,
            self.facts,
            config=config,
            store=services.store,
            outbox=services.outbox,
            tuning=self.tuning,
            now=services.now,
        )

    @property
    def stats(self) -> ReceiverStats:
        return self.receiver.stats

    @property
    def mode(self) -> str:
        """ "starting", "streaming" or "polling"."""
        return self.receiver.mode

    async def wait_ready(self) -> None:
        """Return once mentions are being received (first catch-up done)."""
        await self.receiver.ready.wait()

    async def deliver(self, item: Outgoing) -> str | None:
        return await self.poster.deliver(item)

    async def run(self, handle: Callable[[Message], Awaitable[int]]) -> None:
        logger.info("Mastodon transport starting")
        try:
            await self.receiver.run(handle)
        finally:
            logger.info("Mastodon transport stopped receiving")

    def close(self) -> None:
        """Stop the API worker thread. Deliveries after this fail (and are retried later)."""
        self.api.close()


def create(config: Config, services: Services) -> MastodonTransport:
    return MastodonTransport(config, services)
