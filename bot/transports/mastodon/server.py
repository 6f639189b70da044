"""What Relais knows about its Mastodon server: limits, streaming URL, its own account.

Fetched once through the API worker and cached: the character limit from
`/api/v2/instance` (then v1, then 500), and the bot's own account, whose id lets us
ignore our own posts and whose instance domain completes local accts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from bot.transports.mastodon.api import ApiError, ApiErrorKind, MastodonApi
from bot.transports.mastodon.parse import InstanceInfo, parse_instance_v1, parse_instance_v2

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MastodonTuning:
    """Timings of the transport. Defaults suit production; tests shorten them."""

    request_timeout: float = 30.0
    connect_timeout: float = 15.0
    stream_idle_timeout: float = 90.0  # no byte, not even a heartbeat: reconnect
    reconnect_base_seconds: float = 2.0
    reconnect_max_seconds: float = 120.0
    stable_after_seconds: float = 60.0  # a stream alive this long resets the failure count
    failures_before_polling: int = 3
    streaming_retry_seconds: float = 600.0  # while polling after failures
    no_streaming_retry_seconds: float = 3600.0  # after a 404/501 from the stream
    setup_retry_seconds: float = 30.0
    unauthorized_retry_seconds: float = 600.0
    page_limit: int = 40
    max_pages: int = 5  # per catch-up; the rest waits for the next one
    deliver_max_wait: float = 5.0  # over this, a delivery is handed back to the outbox
    instance_ttl_seconds: float = 24 * 3600.0


@dataclass(frozen=True)
class Identity:
    account_id: str
    acct: str
    local_domain: str


class ServerFacts:
    def __init__(
        self,
        api: MastodonApi,
        tuning: MastodonTuning,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api = api
        self._tuning = tuning
        self._clock = clock
        self._instance: InstanceInfo | None = None
        self._instance_at = 0.0
        self._identity: Identity | None = None
        self._lock = asyncio.Lock()

    @property
    def fallback_domain(self) -> str:
        return (urlparse(self._api.base_url).netloc or "localhost").lower()

    async def instance(self) -> InstanceInfo:
        """Cached instance facts; raises ApiError only for transient trouble."""
        fresh = self._clock() - self._instance_at < self._tuning.instance_ttl_seconds
        if self._instance is not None and fresh:
            return self._instance
        async with self._lock:
            if self._instance is None or self._clock() - self._instance_at >= (
                self._tuning.instance_ttl_seconds
            ):
                self._instance = await self._fetch_instance()
                self._instance_at = self._clock()
                logger.info(
                    "Mastodon instance: %d characters per post, streaming %s",
                    self._instance.max_characters,
                    "advertised" if self._instance.streaming_url else "not advertised",
                )
        return self._instance

    async def _fetch_instance(self) -> InstanceInfo:
        for method, parse in (
            ("instance_v2", parse_instance_v2),
            ("instance_v1", parse_instance_v1),
        ):
            try:
                info = parse(await self._call(method))
            except ApiError as exc:
                if exc.kind not in (ApiErrorKind.NOT_FOUND, ApiErrorKind.REJECTED):
                    raise
                logger.info("Mastodon %s unavailable (%s)", method, exc.kind)
                continue
            if info is not None:
                return info
        return InstanceInfo(domain=None)

    async def identity(self) -> Identity:
        if self._identity is None:
            try:
                account = await self._call("account_verify_credentials")
            except ApiError as exc:
                # Some servers (Takahē) answer a refused token with 400, not 401.
                if exc.kind is ApiErrorKind.REJECTED and exc.status == 400:
                    raise ApiError(ApiErrorKind.UNAUTHORIZED, exc.reason, status=400) from None
                raise
            instance = await self.instance()
            account_id = str(account["id"])
            acct = str(account.get("acct") or account.get("username") or "")
            domain = instance.domain or _host_of(account.get("url")) or self.fallback_domain
            self._identity = Identity(account_id, acct, domain)
            logger.info("Mastodon account verified (id %s)", account_id)
        return self._identity

    async def local_domain(self) -> str:
        if self._identity is not None:
            return self._identity.local_domain
        return (await self.instance()).domain or self.fallback_domain

    async def _call(self, method: str) -> Any:
        return await self._api.call(method)


def _host_of(url: Any) -> str | None:
    """The host of the bot's own profile address: its server's domain for acct names."""
    if not isinstance(url, str):
        return None
    return urlparse(url).hostname or None
