"""Posts whose outcome is unknown: before posting again, look for them among our own.

Mastodon honours `Idempotency-Key`, but other Mastodon-API servers (Takahē, some
GoToSocial versions) ignore it: a post whose answer was lost (a network cut, a timeout,
a 502 from a proxy after the server saved it) would appear twice when retried. So before
each post we note that its outcome is pending; if a retry finds that note, it first reads
the bot's own recent statuses and adopts a matching one instead of posting again.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.store import Store
from bot.transports.mastodon.api import ApiError, ApiErrorKind, MastodonApi
from bot.transports.mastodon.server import ServerFacts
from bot.transports.mastodon.shaping import html_to_text

logger = logging.getLogger(__name__)

PENDING_PREFIX = "mastodon:pending:"
LOOKBACK = 40  # own statuses read when looking for a lost post
CLOCK_SKEW_SECONDS = 120.0
_MENTION = re.compile(r"@[\w.\-]+(?:@[\w.\-]+)?")
_SPACE = re.compile(r"\s+")

Status = dict[str, Any]


def comparable(text: str) -> str:
    """What survives the server's rendering: no mentions (they become links), no spacing."""
    return _SPACE.sub(" ", _MENTION.sub("", text)).strip().casefold()


class PostRecovery:
    def __init__(
        self,
        api: MastodonApi,
        facts: ServerFacts,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        max_wait: float | None = None,
    ) -> None:
        self._api = api
        self._facts = facts
        self._store = store
        self._clock = clock
        self._max_wait = max_wait

    async def post_once(
        self,
        key: str,
        text: str,
        in_reply_to_id: str | None,
        post: Callable[[], Awaitable[Status]],
    ) -> Status:
        marker = PENDING_PREFIX + key
        pending = await self._store.get_state(marker)
        if pending is not None:
            found = await self._find(text, in_reply_to_id, since=float(pending))
            if found is not None:
                logger.info("a post with an unknown outcome was found: not posted again")
                await self.forget(key)
                return found
        await self._store.set_state(marker, str(self._clock()))
        try:
            status = await post()
        except ApiError as exc:
            if exc.kind is not ApiErrorKind.TRANSIENT:  # the server answered: nothing posted
                await self.forget(key)
            raise
        await self.forget(key)
        return status

    async def forget(self, key: str) -> None:
        await self._store.execute("DELETE FROM kv_state WHERE key = ?", (PENDING_PREFIX + key,))

    async def _find(self, text: str, in_reply_to_id: str | None, since: float) -> Status | None:
        identity = await self._facts.identity()
        statuses = await self._api.call(
            "account_statuses", identity.account_id, limit=LOOKBACK, max_wait=self._max_wait
        )
        wanted = comparable(text)
        for status in statuses or []:
            if not _recent(status, since) or not wanted:
                continue
            if in_reply_to_id and str(status.get("in_reply_to_id") or "") != in_reply_to_id:
                continue
            if comparable(html_to_text(str(status.get("content") or ""))) == wanted:
                return dict(status)
        return None


def _recent(status: Status, since: float) -> bool:
    created = status.get("created_at")
    if isinstance(created, str):
        try:
            created = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            return True
    if isinstance(created, datetime):
        return created.timestamp() >= since - CLOCK_SKEW_SECONDS
    return True
