"""Durable outgoing messages: recorded before they are sent, delivered exactly once.

Each message gets a stable idempotency key when it is recorded; transports pass it to
the network (Matrix txn_id, Mastodon Idempotency-Key), so a retry after a crash between
"sent" and "marked delivered" does not duplicate it. Messages to one channel leave in
the order they were recorded; channels are delivered concurrently, so a rate-limited
room does not hold up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.config import OutboxConfig
from bot.message import Channel, Outgoing, ReplyKind
from bot.store import Store

logger = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 30.0

DeliveredListener = Callable[[Outgoing, str | None], Awaitable[None]]


class TransientDeliveryError(Exception):
    """Try again later. `retry_after` (seconds) comes from the server when it says so.

    A rate limit (`rate_limited=True`) is not a failure: it does not use up attempts.
    """

    def __init__(
        self, reason: str, *, retry_after: float | None = None, rate_limited: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class PermanentDeliveryError(Exception):
    """Retrying cannot help (message refused, room gone). The reason is logged."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transport(Protocol):
    name: str

    async def deliver(self, item: Outgoing) -> str | None:
        """Send one message; return the remote id (event id, status id) if any."""


@dataclass(frozen=True)
class OutgoingDraft:
    """What a caller asks to send; `key` makes repeated requests idempotent."""

    channel: Channel
    text: str
    kind: ReplyKind = ReplyKind.ANSWER
    key: str | None = None
    in_reply_to: str | None = None
    reply_context: dict[str, Any] | None = None


_COLUMNS = (
    "id, key, transport, channel_id, is_direct, channel_group, kind, text, in_reply_to,"
    " reply_context, attempts, next_attempt_at"
)


class Outbox:
    def __init__(
        self,
        store: Store,
        config: OutboxConfig,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._config = config
        self._clock = clock
        self._rng = rng or random.Random()
        self._transports: dict[str, Transport] = {}
        self._listeners: list[tuple[str, DeliveredListener]] = []
        self._wake = asyncio.Event()
        self._busy: dict[str, asyncio.Task[None]] = {}
        self._worker: asyncio.Task[None] | None = None
        self._missing_logged: set[str] = set()

    # -- wiring ----------------------------------------------------------------------
    def register_transport(self, transport: Transport) -> None:
        self._transports[transport.name] = transport
        self._wake.set()

    def on_delivered(self, key_prefix: str, listener: DeliveredListener) -> None:
        """Call `listener` after delivery of every message whose key starts with the prefix."""
        self._listeners.append((key_prefix, listener))

    # -- recording ---------------------------------------------------------------------
    async def enqueue(self, draft: OutgoingDraft) -> int:
        ids = await self.enqueue_many([draft])
        return ids[0]

    async def enqueue_many(self, drafts: Iterable[OutgoingDraft]) -> list[int]:
        """Record messages in one transaction. A key already recorded is not added again."""
        now = self._clock()
        ids: list[int] = []
        async with self._store.transaction() as db:
            for draft in drafts:
                key = draft.key or f"relais-{uuid.uuid4().hex}"
                cursor = await db.execute(
                    "INSERT INTO outbox (key, transport, channel_id, is_direct, channel_group,"
                    " kind, text, in_reply_to, reply_context, next_attempt_at, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                    (
                        key,
                        draft.channel.transport,
                        draft.channel.id,
                        int(draft.channel.is_direct),
                        draft.channel.group,
                        str(draft.kind),
                        draft.text,
                        draft.in_reply_to,
                        json.dumps(draft.reply_context or {}),
                        now,
                        now,
                    ),
                )
                if cursor.rowcount:
                    ids.append(int(cursor.lastrowid or 0))
                else:
                    row = await (
                        await db.execute("SELECT id FROM outbox WHERE key = ?", (key,))
                    ).fetchone()
                    ids.append(int(row[0]) if row else 0)
                await cursor.close()
        self._wake.set()
        return ids

    # -- delivery --------------------------------------------------------------------
    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        worker, self._worker = self._worker, None
        tasks = [t for t in (worker, *self._busy.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._busy.clear()

    async def drain(self, limit_seconds: float = 30.0) -> bool:
        """Wait until nothing is due now and no delivery is running. True if reached."""
        deadline = time.monotonic() + limit_seconds
        while time.monotonic() < deadline:
            if not self._busy and not await self._has_due():
                return True
            self._wake.set()
            await asyncio.sleep(0.005)
        return False

    async def _has_due(self) -> bool:
        row = await self._store.fetchone(
            "SELECT 1 FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
            " AND transport IN (SELECT value FROM json_each(?)) LIMIT 1",
            (self._clock(), json.dumps(list(self._transports))),
        )
        return row is not None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                next_due = await self._dispatch_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("outbox dispatch failed; retrying in 5 s")
                next_due = self._clock() + 5
            # Look again at least every IDLE_CHECK_SECONDS: another process (e.g.
            # `relais agenda import`) may have recorded messages without waking us.
            until_due = IDLE_CHECK_SECONDS if next_due is None else next_due - self._clock()
            timeout = max(0.0, min(IDLE_CHECK_SECONDS, until_due))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def _dispatch_due(self) -> float | None:
        """Start one delivery task per channel whose oldest pending message is due."""
        rows = await self._store.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' ORDER BY id"
        )
        now = self._clock()
        heads: dict[str, list[Outgoing]] = {}
        blocked: set[str] = set()
        next_due: float | None = None
        for row in rows:
            channel_key = f"{row['transport']}:{row['channel_id']}"
            if channel_key in blocked or channel_key in self._busy:
                continue
            if row["transport"] not in self._transports:
                if row["transport"] not in self._missing_logged:
                    self._missing_logged.add(row["transport"])
                    logger.warning(
                        "outbox holds messages for inactive transport %s", row["transport"]
                    )
                blocked.add(channel_key)
                continue
            if row["next_attempt_at"] > now:
                blocked.add(channel_key)  # keep order: later messages wait for this one
                due = float(row["next_attempt_at"])
                next_due = due if next_due is None else min(next_due, due)
                continue
            heads.setdefault(channel_key, []).append(_to_outgoing(row))
        for channel_key, items in heads.items():
            task = asyncio.create_task(self._deliver_channel(channel_key, items))
            self._busy[channel_key] = task
        return next_due

    async def _deliver_channel(self, channel_key: str, items: list[Outgoing]) -> None:
        try:
            for item in items:
                if not await self._deliver_one(item):
                    break
        finally:
            self._busy.pop(channel_key, None)
            self._wake.set()

    async def _deliver_one(self, item: Outgoing) -> bool:
        """Deliver; return False when the channel must wait (a retry is scheduled)."""
        transport = self._transports[item.channel.transport]
        started = time.monotonic()
        try:
            remote_id = await transport.deliver(item)
        except asyncio.CancelledError:
            raise
        except TransientDeliveryError as exc:
            return await self._retry_later(item, exc.reason, exc.retry_after, exc.rate_limited)
        except PermanentDeliveryError as exc:
            await self._give_up(item, exc.reason)
            return True
        except Exception as exc:
            logger.exception(
                "transport %s raised while delivering outbox #%d", item.channel.transport, item.id
            )
            return await self._retry_later(
                item, f"erreur inattendue ({exc.__class__.__name__})", None, False
            )
        if item.channel.is_direct:
            # A private conversation leaves no trace: not even who was written to, when.
            await self._store.execute("DELETE FROM outbox WHERE id = ?", (item.id,))
        else:
            await self._store.execute(
                "UPDATE outbox SET status = 'delivered', text = '', attempts = attempts + 1,"
                " done_at = ?, remote_id = ?, last_error = NULL WHERE id = ?",
                (self._clock(), remote_id, item.id),
            )
        logger.debug(
            "delivered outbox #%d via %s in %.1f ms",
            item.id,
            item.channel.transport,
            (time.monotonic() - started) * 1000,
        )
        for prefix, listener in self._listeners:
            if item.key.startswith(prefix):
                try:
                    await listener(item, remote_id)
                except Exception:
                    logger.exception("delivery listener failed for outbox #%d", item.id)
        return True

    def backoff(self, attempts: int) -> float:
        """Exponential backoff with jitter: between half and all of base * 2^(n-1)."""
        ceiling = min(
            self._config.max_delay_seconds,
            self._config.base_delay_seconds * 2.0 ** max(0, attempts - 1),
        )
        return float(ceiling * self._rng.uniform(0.5, 1.0))

    async def _retry_later(
        self, item: Outgoing, reason: str, retry_after: float | None, rate_limited: bool
    ) -> bool:
        attempts = item.attempts if rate_limited else item.attempts + 1
        if attempts >= self._config.max_attempts:
            await self._give_up(item, reason, attempts)
            return True
        delay = retry_after if retry_after is not None else self.backoff(attempts)
        await self._store.execute(
            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
            (attempts, self._clock() + delay, reason, item.id),
        )
        logger.info(
            "outbox #%d via %s: retry in %.2f s (attempt %d, %s)",
            item.id,
            item.channel.transport,
            delay,
            attempts,
            reason,
        )
        return False

    async def _give_up(self, item: Outgoing, reason: str, attempts: int | None = None) -> None:
        await self._store.execute(
            "UPDATE outbox SET status = 'failed', text = '', attempts = ?, done_at = ?,"
            " last_error = ?, channel_id = CASE WHEN is_direct THEN '' ELSE channel_id END,"
            " reply_context = '{}' WHERE id = ?",
            (
                attempts if attempts is not None else item.attempts + 1,
                self._clock(),
                reason,
                item.id,
            ),
        )
        logger.warning(
            "outbox #%d via %s given up after %d attempt(s): %s",
            item.id,
            item.channel.transport,
            attempts if attempts is not None else item.attempts + 1,
            reason,
        )

    # -- reading -----------------------------------------------------------------------
    async def status(self, key: str) -> dict[str, Any] | None:
        row = await self._store.fetchone(
            "SELECT status, attempts, last_error, remote_id, channel_id, transport"
            " FROM outbox WHERE key = ?",
            (key,),
        )
        return None if row is None else dict(row)

    async def cancel(self, key: str, reason: str) -> bool:
        """Give up a message not sent yet (e.g. a retracted call); True if it was pending.

        A delivery already under way may still complete: it is then marked delivered and
        the `on_delivered` listeners run as usual, so the caller can take it back.
        """
        changed = await self._store.execute(
            "UPDATE outbox SET status = 'failed', text = '', done_at = ?, last_error = ?"
            " WHERE key = ? AND status = 'pending'",
            (self._clock(), reason, key),
        )
        return changed > 0

    async def purge(self, older_than_seconds: float) -> int:
        """Forget finished messages (their text is already blanked)."""
        return await self._store.execute(
            "DELETE FROM outbox WHERE status != 'pending' AND done_at < ?",
            (self._clock() - older_than_seconds,),
        )


def _to_outgoing(row: Any) -> Outgoing:
    return Outgoing(
        id=int(row["id"]),
        key=str(row["key"]),
        channel=Channel(
            transport=str(row["transport"]),
            id=str(row["channel_id"]),
            is_direct=bool(row["is_direct"]),
            group=row["channel_group"],
        ),
        text=str(row["text"]),
        kind=ReplyKind(row["kind"]),
        in_reply_to=row["in_reply_to"],
        reply_context=json.loads(row["reply_context"] or "{}"),
        attempts=int(row["attempts"]),
    )
