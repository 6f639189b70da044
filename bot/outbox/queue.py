"""The outbox itself: recording, the delivery worker, retries and giving up (the
package docstring says what it promises)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from bot.config import OutboxConfig
from bot.logs import log_failure
from bot.message import Outgoing
from bot.outbox.delivery import (
    DeliveredListener,
    FailedListener,
    OutgoingDraft,
    PermanentDeliveryError,
    TransientDeliveryError,
    Transport,
)
from bot.outbox.rows import COLUMNS, SEAL_PURPOSE, row_values, to_outgoing
from bot.sealing import InstanceSecret, Unreadable
from bot.store import Store

logger = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 30.0
# A burst of private deliveries is followed by one journal truncation, this much later.
JOURNAL_WIPE_DELAY_SECONDS = 0.2
_INSERT = (
    "INSERT INTO outbox (key, transport, channel_id, is_direct, channel_group, kind, text,"
    " in_reply_to, reply_context, sealed, expires_at, notify, next_attempt_at, created_at)"
    f" VALUES ({', '.join('?' * 14)}) ON CONFLICT(key) DO NOTHING"
)
EXPIRED_REASON = "plus utile : l'heure limite est passée avant que le message puisse partir"


class Outbox:
    def __init__(
        self,
        store: Store,
        config: OutboxConfig,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        secret: InstanceSecret | None = None,
    ) -> None:
        self._store = store
        self._config = config
        self._clock = clock
        self._rng = rng or random.Random()
        self._secret = secret or InstanceSecret(store)
        self._transports: dict[str, Transport] = {}
        self._listeners: dict[str, list[DeliveredListener]] = {}
        self._failed_listeners: list[FailedListener] = []
        self._wake = asyncio.Event()
        self._busy: dict[str, asyncio.Task[None]] = {}
        self._worker: asyncio.Task[None] | None = None
        self._journal_wipe: asyncio.Task[None] | None = None
        self._missing_logged: set[str] = set()

    # -- wiring ----------------------------------------------------------------------
    def register_transport(self, transport: Transport) -> None:
        self._transports[transport.name] = transport
        self._wake.set()

    def on_delivered(self, topic: str, listener: DeliveredListener) -> None:
        """Call `listener` after delivery of every message recorded with `notify=topic`."""
        self._listeners.setdefault(topic, []).append(listener)

    def on_failed(self, listener: FailedListener) -> None:
        """Call `listener` when a message is given up (with the item as it was)."""
        self._failed_listeners.append(listener)

    async def transport_back(self, transport: str) -> int:
        """The transport reached its server again: retry its waiting messages now rather
        than at the end of their backoff. Rate-limited rows keep their server-given wait."""
        changed = await self._store.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND transport = ?"
            " AND next_attempt_at > ? AND attempts > 0",
            (self._clock(), transport, self._clock()),
        )
        if changed:
            self._wake.set()
        return changed

    # -- recording ---------------------------------------------------------------------
    async def enqueue(self, draft: OutgoingDraft) -> int:
        ids = await self.enqueue_many([draft])
        return ids[0]

    async def enqueue_many(self, drafts: Iterable[OutgoingDraft]) -> list[int]:
        """Record messages in one transaction. A key already recorded is not added again."""
        now = self._clock()
        ids: list[int] = []
        drafts = list(drafts)
        box = (
            await self._secret.box(SEAL_PURPOSE)
            if any(d.channel.is_direct for d in drafts)
            else None
        )
        # One draft is one INSERT, atomic by itself: no transaction (or savepoint) of its
        # own around it, which would cost two more trips to the database thread.
        async with self._store.transaction() if len(drafts) > 1 else _nothing():
            for draft in drafts:
                key = draft.key or f"relais-{uuid.uuid4().hex}"
                values = row_values(draft, box)
                row_id = await self._store.insert(
                    _INSERT, (key, *values, draft.expires_at, draft.notify, now, now)
                )
                if row_id is None:
                    row = await self._store.fetchone("SELECT id FROM outbox WHERE key = ?", (key,))
                    row_id = int(row[0]) if row else 0
                ids.append(row_id)
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
        wipe, self._journal_wipe = self._journal_wipe, None
        if wipe is not None:  # a private row was just deleted: wipe now, not later
            wipe.cancel()
            await asyncio.gather(wipe, return_exceptions=True)
            await self._store.truncate_journal()

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
            except Exception as exc:
                log_failure(logger, "outbox dispatch (retrying in 5 s)", exc)
                next_due = self._clock() + 5
            # Look again at least every IDLE_CHECK_SECONDS: another process (e.g.
            # `relais agenda import`) may have recorded messages without waking us.
            until_due = IDLE_CHECK_SECONDS if next_due is None else next_due - self._clock()
            timeout = max(0.0, min(IDLE_CHECK_SECONDS, until_due))
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
            # cancellation that arrives as the event is set, and stop() would hang.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    async def _dispatch_due(self) -> float | None:
        """Start one delivery task per channel whose oldest pending message is due."""
        rows = await self._store.fetchall(
            f"SELECT {COLUMNS} FROM outbox WHERE status = 'pending' ORDER BY id"
        )
        now = self._clock()
        heads: dict[str, list[Outgoing]] = {}
        blocked: set[str] = set()
        next_due: float | None = None
        box = await self._secret.box(SEAL_PURPOSE) if any(r["sealed"] for r in rows) else None
        for row in rows:
            try:
                item = to_outgoing(row, box)
            except Unreadable:
                await self._give_up_unreadable(int(row["id"]))
                continue
            channel_key = item.channel.key
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
            heads.setdefault(channel_key, []).append(item)
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
        if item.expires_at is not None and item.expires_at <= self._clock():
            await self._give_up(item, PermanentDeliveryError(EXPIRED_REASON))
            return True
        transport = self._transports[item.channel.transport]
        started = time.monotonic()
        try:
            remote_id = await transport.deliver(item)
        except asyncio.CancelledError:
            raise
        except TransientDeliveryError as exc:
            return await self._retry_later(item, exc)
        except PermanentDeliveryError as exc:
            await self._give_up(item, exc)
            return True
        except Exception as exc:
            log_failure(logger, f"delivering outbox #{item.id} via {item.channel.transport}", exc)
            return await self._after_fault(item, exc)
        if item.channel.is_direct:
            # A private conversation leaves no trace: not even who was written to, when.
            await self._store.execute("DELETE FROM outbox WHERE id = ?", (item.id,))
            self._wipe_journal_soon()
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
        for listener in self._listeners.get(item.notify or "", []):
            try:
                await listener(item, remote_id)
            except Exception as exc:
                log_failure(logger, f"delivery listener for outbox #{item.id}", exc)
        return True

    def backoff(self, attempts: int) -> float:
        """Exponential backoff with jitter: between half and all of base * 2^(n-1)."""
        ceiling = min(
            self._config.max_delay_seconds,
            self._config.base_delay_seconds * 2.0 ** max(0, attempts - 1),
        )
        return float(ceiling * self._rng.uniform(0.5, 1.0))

    async def _retry_later(self, item: Outgoing, exc: TransientDeliveryError) -> bool:
        """A transient failure: wait and try again, however long it takes."""
        attempts = item.attempts if exc.rate_limited else item.attempts + 1
        delay = exc.retry_after if exc.retry_after is not None else self.backoff(attempts)
        await self._schedule_retry(item, attempts, item.faults, delay, exc.reason)
        return False

    async def _after_fault(self, item: Outgoing, exc: Exception) -> bool:
        """An unexpected error (a bug, not the network): retried, but not forever."""
        reason = f"erreur inattendue ({exc.__class__.__name__})"
        faults = item.faults + 1
        if faults >= self._config.max_attempts:
            await self._give_up(item, PermanentDeliveryError(reason), faults)
            return True
        attempts = item.attempts + 1
        await self._schedule_retry(item, attempts, faults, self.backoff(attempts), reason)
        return False

    async def _schedule_retry(
        self, item: Outgoing, attempts: int, faults: int, delay: float, reason: str
    ) -> None:
        await self._store.execute(
            "UPDATE outbox SET attempts = ?, faults = ?, next_attempt_at = ?, last_error = ?"
            " WHERE id = ?",
            (attempts, faults, self._clock() + delay, reason, item.id),
        )
        logger.info(
            "outbox #%d via %s: retry in %.2f s (attempt %d, %s)",
            item.id,
            item.channel.transport,
            delay,
            attempts,
            reason,
        )

    async def _give_up(
        self, item: Outgoing, error: PermanentDeliveryError, faults: int | None = None
    ) -> None:
        tries = item.attempts + 1
        await self._store.execute(
            "UPDATE outbox SET status = 'failed', text = '', sealed = NULL, attempts = ?,"
            " faults = ?, done_at = ?, last_error = ?,"
            " channel_id = CASE WHEN is_direct THEN '' ELSE channel_id END,"
            " in_reply_to = CASE WHEN is_direct THEN NULL ELSE in_reply_to END,"
            " reply_context = '{}' WHERE id = ?",
            (
                tries,
                item.faults if faults is None else faults,
                self._clock(),
                error.reason,
                item.id,
            ),
        )
        if item.channel.is_direct:
            self._wipe_journal_soon()
        logger.warning(
            "outbox #%d via %s given up after %d attempt(s): %s",
            item.id,
            item.channel.transport,
            tries,
            error.reason,
        )
        for listener in self._failed_listeners:
            try:
                await listener(item, error)
            except Exception as exc:
                log_failure(logger, f"failure listener for outbox #{item.id}", exc)

    async def _give_up_unreadable(self, row_id: int) -> None:
        """A sealed row this instance cannot open (its secret changed): nothing to send."""
        await self._store.execute(
            "UPDATE outbox SET status = 'failed', sealed = NULL, done_at = ?, last_error = ?"
            " WHERE id = ?",
            (self._clock(), "message privé illisible (secret de l'instance changé)", row_id),
        )
        logger.warning("outbox #%d given up: sealed with another instance secret", row_id)

    def _wipe_journal_soon(self) -> None:
        """Truncate the `-wal` shortly after private rows go: older copies of their pages
        (sealed, but still: who was written to) do not linger in the journal."""
        if self._journal_wipe is None or self._journal_wipe.done():
            self._journal_wipe = asyncio.create_task(self._wipe_journal(), name="outbox-wal-wipe")

    async def _wipe_journal(self) -> None:
        await asyncio.sleep(JOURNAL_WIPE_DELAY_SECONDS)
        self._journal_wipe = None
        await self._store.truncate_journal()

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
            "UPDATE outbox SET status = 'failed', text = '', sealed = NULL, done_at = ?,"
            " last_error = ?, channel_id = CASE WHEN is_direct THEN '' ELSE channel_id END"
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


@contextlib.asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield
