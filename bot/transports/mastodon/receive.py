"""Receiving mentions and direct messages: the user stream, with polling as the fallback.

While streaming, every (re)connection first catches up on notifications newer than
the last one handled (streams never replay what was missed), then reads events.
When the server has no stream (404/501) or it keeps failing, notifications are
polled on an interval instead, and streaming is tried again later. Each mention carries
its status id: the router claims it in `handled_events` in the same transaction as its
answer, so it is answered exactly once, whichever path saw it first.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from bot.message import ALREADY_HANDLED, Channel, Message, Role, Sender
from bot.store import Store
from bot.transports.mastodon.api import ApiError, ApiErrorKind, MastodonApi, server_reason
from bot.transports.mastodon.parse import (
    IncomingMention,
    full_acct,
    id_order,
    parse_notification,
)
from bot.transports.mastodon.server import Identity, MastodonTuning, ServerFacts
from bot.transports.mastodon.stream import (
    StreamBroken,
    StreamUnavailable,
    open_stream,
    stream_events,
)

logger = logging.getLogger(__name__)

NAME = "mastodon"
LAST_NOTIFICATION_KEY = "mastodon:last_notification_id"
Handle = Callable[[Message], Awaitable[int]]


@dataclass
class ReceiverStats:
    stream_connects: int = 0
    stream_failures: int = 0
    catch_ups: int = 0
    handled: int = 0
    duplicates: int = 0
    ignored: int = 0
    too_old: int = 0


def channel_for(mention: IncomingMention) -> Channel:
    """Direct messages: one stable channel per person, so conversations continue."""
    who = mention.full_acct.lower()
    if mention.visibility == "direct":
        return Channel(NAME, f"dm:{who}", is_direct=True)
    return Channel(NAME, f"mention:{who}", is_direct=False)


def to_message(mention: IncomingMention, organisers: frozenset[str], now: datetime) -> Message:
    role = Role.ORGANISER if mention.full_acct.lower() in organisers else Role.MEMBER
    return Message(
        sender=Sender(mention.full_acct, role, mention.display_name),
        channel=channel_for(mention),
        text=mention.text,
        received_at=mention.created_at or now,
        event_id=mention.status_id,
        reply_context={
            "status_id": mention.status_id,
            "visibility": mention.visibility,
            "acct": mention.acct,
        },
    )


class MentionReceiver:
    def __init__(
        self,
        api: MastodonApi,
        facts: ServerFacts,
        store: Store,
        *,
        access_token: str,
        poll_interval: float,
        organisers: Sequence[str],
        command_window: timedelta = timedelta(minutes=10),
        tuning: MastodonTuning,
        now: Callable[[], datetime],
    ) -> None:
        self._api = api
        self._facts = facts
        self._store = store
        self._token = access_token
        self._poll_interval = poll_interval
        self._command_window = command_window
        self._configured_organisers = tuple(organisers)
        self._tuning = tuning
        self._now = now
        self._identity: Identity | None = None
        self._organisers: frozenset[str] = frozenset()
        self._last_id: str | None = None
        self.ready = asyncio.Event()
        self.mode = "starting"
        self.stats = ReceiverStats()

    # -- main loop -------------------------------------------------------------------------
    async def run(self, handle: Handle) -> None:
        identity = await self._setup()
        failures = 0
        streaming_from = 0.0
        async with aiohttp.ClientSession() as session:
            while True:
                if time.monotonic() < streaming_from:
                    await self._poll_until(streaming_from, handle)
                    continue
                started = time.monotonic()
                try:
                    await self._stream_once(session, identity, handle)
                except StreamUnavailable as exc:
                    logger.info("Mastodon: %s; polling every %.0f s", exc, self._poll_interval)
                    streaming_from = time.monotonic() + self._tuning.no_streaming_retry_seconds
                    failures = 0
                    continue
                except (StreamBroken, ApiError) as exc:
                    self.stats.stream_failures += 1
                    logger.info("Mastodon stream interrupted: %s", _reason(exc))
                except Exception as exc:
                    self.stats.stream_failures += 1
                    _log_crash("Mastodon stream", exc)
                if time.monotonic() - started >= self._tuning.stable_after_seconds:
                    failures = 0
                failures += 1
                if failures >= self._tuning.failures_before_polling:
                    logger.warning(
                        "Mastodon stream failed %d times in a row; polling for %.0f s",
                        failures,
                        self._tuning.streaming_retry_seconds,
                    )
                    streaming_from = time.monotonic() + self._tuning.streaming_retry_seconds
                    failures = 0
                    continue
                await asyncio.sleep(self._reconnect_delay(failures))

    def _reconnect_delay(self, failures: int) -> float:
        base = self._tuning.reconnect_base_seconds * 2.0 ** max(0, failures - 1)
        return float(min(self._tuning.reconnect_max_seconds, base))

    async def _setup(self) -> Identity:
        """Know who we are and where we left off; retry until the server answers."""
        while True:
            try:
                identity = await self._facts.identity()
                stored = await self._store.get_state(LAST_NOTIFICATION_KEY)
                self._last_id = stored
                if stored is None:
                    await self._start_fresh()
                break
            except ApiError as exc:
                await self._wait_after(exc, "setup")
            except Exception as exc:
                _log_crash("Mastodon setup", exc)
                await asyncio.sleep(self._tuning.setup_retry_seconds)
        self._identity = identity
        self._organisers = frozenset(
            full_acct(acct, identity.local_domain).lower() for acct in self._configured_organisers
        )
        return identity

    def _now_ready(self) -> None:
        if not self.ready.is_set():
            self.ready.set()
            logger.info("Mastodon ready: mentions are received (%s)", self.mode)

    async def _start_fresh(self) -> None:
        """First start on this account: older mentions are history, not questions."""
        page = await self._api.call("notifications", types=["mention"], limit=1)
        ids = [n for n in (parse_notification(item, "").id for item in page or []) if n]
        newest = max(ids, key=id_order) if ids else "0"
        await self._save_last(newest)
        logger.info("Mastodon: first start; earlier mentions are not answered")

    async def _wait_after(self, exc: ApiError, what: str) -> None:
        if exc.kind is ApiErrorKind.UNAUTHORIZED:
            logger.error(
                "Mastodon refused the access token during %s (HTTP %s, server says: %s): it "
                "was revoked or lacks the read/write scopes. Set a new mastodon.access_token.",
                what,
                exc.status,
                server_reason(exc),
            )
            await asyncio.sleep(self._tuning.unauthorized_retry_seconds)
        else:
            logger.warning("Mastodon %s failed (%s); retrying", what, _reason(exc))
            await asyncio.sleep(self._tuning.setup_retry_seconds)

    # -- streaming ---------------------------------------------------------------------------
    async def _stream_once(
        self, session: aiohttp.ClientSession, identity: Identity, handle: Handle
    ) -> None:
        instance = await self._facts.instance()
        bases = [b for b in (instance.streaming_url, self._api.base_url) if b]
        response = await open_stream(
            session,
            list(dict.fromkeys(bases)),
            self._token,
            self._api.window,
            connect_timeout=self._tuning.connect_timeout,
            idle_timeout=self._tuning.stream_idle_timeout,
        )
        try:
            self.stats.stream_connects += 1
            # Connected first, then catch up: nothing falls between the two.
            await self.catch_up(handle)
            self.mode = "streaming"
            self._now_ready()
            logger.info("Mastodon stream connected")
            async for event in stream_events(response):
                if event.name == "notification":
                    await self._process(event.json(), handle)
        finally:
            response.release()

    # -- polling -----------------------------------------------------------------------------
    async def _poll_until(self, deadline: float, handle: Handle) -> None:
        self.mode = "polling"
        while time.monotonic() < deadline:
            try:
                await self.catch_up(handle)
                self._now_ready()
            except ApiError as exc:
                if exc.kind is ApiErrorKind.UNAUTHORIZED:
                    await self._wait_after(exc, "polling")
                else:
                    logger.warning("Mastodon polling failed (%s)", _reason(exc))
            except Exception as exc:
                _log_crash("Mastodon polling", exc)
            await asyncio.sleep(self._poll_interval)

    # -- catching up ---------------------------------------------------------------------------
    async def catch_up(self, handle: Handle) -> int:
        """Handle mentions newer than the last one handled, oldest first."""
        self.stats.catch_ups += 1
        handled_before = self.stats.handled
        for _ in range(self._tuning.max_pages):
            page = await self._api.call(
                "notifications",
                types=["mention"],
                min_id=self._last_id,
                limit=self._tuning.page_limit,
            )
            items = list(page or [])
            keyed = [(parse_notification(item, "").id or "", item) for item in items]
            for _, item in sorted(keyed, key=lambda pair: id_order(pair[0])):
                await self._process(item, handle)
            if len(items) < self._tuning.page_limit:
                break
        count = self.stats.handled - handled_before
        if count:
            logger.info("Mastodon catch-up: %d mention(s) handled", count)
        return count

    async def _process(self, payload: Any, handle: Handle) -> None:
        identity = self._identity
        if identity is None:
            return
        parsed = parse_notification(payload, identity.local_domain)
        mention = parsed.mention
        if mention is None:
            if parsed.kind == "mention":
                logger.info("Mastodon notification %s: unreadable mention, skipped", parsed.id)
        elif mention.account_id == identity.account_id or mention.is_bot:
            self.stats.ignored += 1
        elif self._too_old(mention.created_at):
            # As on Matrix: never answer a question asked long ago (missed while down).
            self.stats.too_old += 1
            logger.info("ignored a Mastodon mention older than the command window")
        else:
            # The router claims the status id with its handling (one transaction).
            message = to_message(mention, self._organisers, self._now())
            try:
                replies = await handle(message)
            except Exception as exc:
                _log_crash(f"routing Mastodon status {mention.status_id}", exc)
                replies = 0
            if replies == ALREADY_HANDLED:
                self.stats.duplicates += 1
            else:
                self.stats.handled += 1
        if parsed.id and (self._last_id is None or id_order(parsed.id) > id_order(self._last_id)):
            await self._save_last(parsed.id)

    def _too_old(self, created_at: datetime | None) -> bool:
        if created_at is None:
            return False
        return self._now() - created_at > self._command_window

    async def _save_last(self, notification_id: str) -> None:
        self._last_id = notification_id
        await self._store.set_state(LAST_NOTIFICATION_KEY, notification_id)


def _log_crash(what: str, exc: BaseException) -> None:
    """Traceback frames and the exception type, never its message (it may quote a post)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("%s failed with %s\n%s", what, exc.__class__.__name__, frames.rstrip())


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        return f"{exc.kind}: {exc.reason}" if exc.kind is not ApiErrorKind.REJECTED else exc.kind
    return str(exc)
