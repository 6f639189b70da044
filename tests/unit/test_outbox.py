"""Outbox: recorded before sending, exactly once across a crash, retries, give-up, ordering."""

from __future__ import annotations

import asyncio
import logging
import random
from pathlib import Path

import pytest

import bot.outbox.queue
from bot.config import OutboxConfig
from bot.message import Channel, Outgoing
from bot.outbox import (
    EXPIRED_REASON,
    Outbox,
    OutgoingDraft,
    PermanentDeliveryError,
    TransientDeliveryError,
    to_outgoing,
)
from tests.helpers import RecordingTransport
from tests.kit.store import open_store

ROOM = Channel("test", "!room:x")
FAST = OutboxConfig(max_attempts=4, base_delay_seconds=0.01, max_delay_seconds=0.05)


class IdempotentServer:
    """Stands in for a server that honours idempotency keys (Synapse txn_id, Mastodon)."""

    def __init__(self) -> None:
        self.accepted: dict[str, str] = {}

    def post(self, item: Outgoing) -> str:
        return self.accepted.setdefault(item.key, item.text)


async def test_crash_between_record_and_send_delivers_once_after_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    server = IdempotentServer()

    # First life: the message is recorded, then the process dies before any delivery.
    store = await open_store(path)
    outbox = Outbox(store, FAST)
    await outbox.enqueue(OutgoingDraft(ROOM, "rappel : réunion", key="reminder-1"))
    await store.close()

    # Second life: the worker finds it and delivers it.
    store = await open_store(path)
    transport = RecordingTransport()
    outbox = Outbox(store, FAST)
    outbox.register_transport(transport)
    outbox.start()
    assert await outbox.drain(5)
    await outbox.stop()
    assert transport.texts() == ["rappel : réunion"]
    server.post(transport.sent[0])

    # Recording the same key again (the scheduler fired twice) adds nothing.
    await outbox.enqueue(OutgoingDraft(ROOM, "rappel : réunion", key="reminder-1"))
    outbox.start()
    assert await outbox.drain(5)
    await outbox.stop()
    assert len(transport.sent) == 1
    await store.close()


async def test_crash_after_send_before_marking_is_deduplicated_by_key(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    server = IdempotentServer()
    store = await open_store(path)
    outbox = Outbox(store, FAST)
    await outbox.enqueue(OutgoingDraft(ROOM, "appel", key="call-7"))

    class DiesAfterSending(RecordingTransport):
        async def deliver(self, item: Outgoing) -> str | None:
            server.post(item)
            raise KeyboardInterrupt  # the process dies before marking it delivered

    outbox.register_transport(DiesAfterSending())
    rows = await store.fetchall("SELECT * FROM outbox WHERE status = 'pending'")
    with pytest.raises(KeyboardInterrupt):
        await outbox._deliver_one(to_outgoing(rows[0]))
    await store.close()

    store = await open_store(path)
    outbox = Outbox(store, FAST)

    class ServerBacked(RecordingTransport):
        async def deliver(self, item: Outgoing) -> str | None:
            server.post(item)
            return await super().deliver(item)

    outbox.register_transport(ServerBacked())
    outbox.start()
    assert await outbox.drain(5)
    await outbox.stop()
    assert server.accepted == {"call-7": "appel"}  # one message on the server, not two
    await store.close()


async def test_transient_failures_are_retried_with_backoff(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    failures = [2]

    def flaky(item: Outgoing) -> None:
        if failures[0] > 0:
            failures[0] -= 1
            raise TransientDeliveryError("serveur indisponible")

    transport = RecordingTransport(fail=flaky)
    outbox = Outbox(store, FAST, rng=random.Random(1))
    outbox.register_transport(transport)
    outbox.start()
    await outbox.enqueue(OutgoingDraft(ROOM, "bonjour"))
    for _ in range(200):  # bounded in time: a retry waits its backoff
        await outbox.drain(1)
        await asyncio.sleep(0.01)
        if transport.sent:
            break
    await outbox.stop()
    assert transport.texts() == ["bonjour"] and transport.calls == 3
    row = await store.fetchone("SELECT status, attempts, text FROM outbox")
    assert row is not None and tuple(row) == ("delivered", 3, "")  # text forgotten once sent
    await store.close()


async def test_transient_failures_never_use_a_message_up(tmp_path: Path) -> None:
    # A server down for a long time: many more transient failures than max_attempts.
    store = await open_store(tmp_path / "db.sqlite3")
    outage = [FAST.max_attempts * 5]

    def down(item: Outgoing) -> None:
        if outage[0] > 0:
            outage[0] -= 1
            raise TransientDeliveryError("réseau (ClientConnectorError)")

    transport = RecordingTransport(fail=down)
    outbox = Outbox(store, FAST)
    outbox.register_transport(transport)
    outbox.start()
    await outbox.enqueue(OutgoingDraft(ROOM, "rappel : réunion ce soir"))
    for _ in range(400):  # bounded in time: a retry waits its backoff
        await outbox.drain(1)
        await asyncio.sleep(0.01)
        if transport.sent:
            break
        await asyncio.sleep(0.02)
    await outbox.stop()
    assert transport.texts() == ["rappel : réunion ce soir"]
    assert transport.calls == FAST.max_attempts * 5 + 1
    row = await store.fetchone("SELECT status, faults FROM outbox")
    assert row is not None and tuple(row) == ("delivered", 0)
    await store.close()


async def test_unexpected_errors_give_up_after_max_attempts_with_logged_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    store = await open_store(tmp_path / "db.sqlite3")

    secret = "texte privé qui ne doit pas être journalisé"

    def bug(item: Outgoing) -> None:
        raise RuntimeError(secret)  # the exception's message must not reach the log

    transport = RecordingTransport(fail=bug)
    outbox = Outbox(store, FAST)
    failed: list[tuple[str, str]] = []

    async def listener(item: Outgoing, error: PermanentDeliveryError) -> None:
        failed.append((item.text, error.reason))

    outbox.on_failed(listener)
    outbox.register_transport(transport)
    outbox.start()
    await outbox.enqueue(OutgoingDraft(ROOM, "annonce du groupe"))
    row = None
    for _ in range(300):  # bounded in time: a retry waits its backoff
        await outbox.drain(1)
        await asyncio.sleep(0.01)
        row = await store.fetchone("SELECT status, faults, last_error, text FROM outbox")
        if row is not None and row["status"] == "failed":
            break
        await asyncio.sleep(0.02)
    await outbox.stop()
    reason = "erreur inattendue (RuntimeError)"
    assert row is not None and tuple(row) == ("failed", FAST.max_attempts, reason, "")
    assert transport.calls == FAST.max_attempts
    assert failed == [("annonce du groupe", reason)]  # the listener sees the item as it was
    assert f"given up after 4 attempt(s): {reason}" in caplog.text
    assert "texte privé" not in caplog.text
    await store.close()


async def test_a_message_no_longer_useful_is_given_up_not_sent(tmp_path: Path) -> None:
    now = [1_000_000.0]
    store = await open_store(tmp_path / "db.sqlite3")

    def down(item: Outgoing) -> None:
        raise TransientDeliveryError("erreur du serveur (502)")

    transport = RecordingTransport(fail=down)
    outbox = Outbox(store, FAST, clock=lambda: now[0])
    failed: list[str] = []

    async def listener(item: Outgoing, error: PermanentDeliveryError) -> None:
        failed.append(error.reason)

    outbox.on_failed(listener)
    outbox.register_transport(transport)
    await outbox.enqueue(
        OutgoingDraft(ROOM, "rappel : la réunion commence", expires_at=now[0] + 600)
    )
    outbox.start()
    await outbox.drain(0.3)  # tried, failed transiently: still waiting
    assert transport.calls >= 1 and not failed
    now[0] += 601  # the server came back only after the event started
    transport.fail = None
    for _ in range(100):
        await outbox.drain(0.2)
        if failed:
            break
    await outbox.stop()
    assert transport.sent == []
    assert failed == [EXPIRED_REASON]
    row = await store.fetchone("SELECT status, text FROM outbox")
    assert row is not None and tuple(row) == ("failed", "")
    await store.close()


async def test_transport_back_retries_waiting_messages_at_once(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    slow = OutboxConfig(max_attempts=4, base_delay_seconds=600, max_delay_seconds=600)
    down = [True]

    def fail(item: Outgoing) -> None:
        if down[0]:
            raise TransientDeliveryError("réseau (OSError)")

    transport = RecordingTransport(fail=fail)
    outbox = Outbox(store, slow)
    outbox.register_transport(transport)
    outbox.start()
    await outbox.enqueue(OutgoingDraft(ROOM, "appel"))
    await outbox.drain(0.3)
    assert transport.calls == 1  # next try in 5 to 10 minutes
    down[0] = False
    assert await outbox.transport_back("test") == 1
    for _ in range(100):
        await asyncio.sleep(0.01)
        if transport.sent:
            break
    await outbox.stop()
    assert transport.texts() == ["appel"]
    await store.close()


async def test_permanent_failure_is_not_retried(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")

    def refuse(item: Outgoing) -> None:
        raise PermanentDeliveryError("message refusé (422)")

    transport = RecordingTransport(fail=refuse)
    outbox = Outbox(store, FAST)
    outbox.register_transport(transport)
    outbox.start()
    await outbox.enqueue(OutgoingDraft(ROOM, "x"))
    await outbox.enqueue(OutgoingDraft(ROOM, "y"))
    assert await outbox.drain(5)
    await outbox.stop()
    assert transport.calls == 2
    rows = await store.fetchall("SELECT status, last_error FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("failed", "message refusé (422)")] * 2
    await store.close()


async def test_rate_limited_room_keeps_order_and_does_not_block_others(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    busy_room = Channel("test", "!busy:x")
    limited = [3]

    def rate_limit(item: Outgoing) -> None:
        if item.channel == busy_room and limited[0] > 0:
            limited[0] -= 1
            raise TransientDeliveryError("M_LIMIT_EXCEEDED", retry_after=0.05, rate_limited=True)

    transport = RecordingTransport(fail=rate_limit)
    outbox = Outbox(store, OutboxConfig(max_attempts=2, base_delay_seconds=0.01))
    outbox.register_transport(transport)
    await outbox.enqueue_many(
        [OutgoingDraft(busy_room, f"busy {i}") for i in range(5)]
        + [OutgoingDraft(ROOM, f"calm {i}") for i in range(5)]
    )
    outbox.start()
    for _ in range(200):  # bounded in time: a retry waits its backoff
        await outbox.drain(1)
        await asyncio.sleep(0.01)
        if len(transport.sent) == 10:
            break
    await outbox.stop()
    busy = [t for t in transport.texts() if t.startswith("busy")]
    calm = [t for t in transport.texts() if t.startswith("calm")]
    assert busy == [f"busy {i}" for i in range(5)]  # in order, none lost despite 3 rate limits
    assert calm == [f"calm {i}" for i in range(5)]
    # The calm room was not held up: all its messages left before the busy room finished.
    order = transport.texts()
    assert order.index("calm 4") < order.index("busy 4")
    await store.close()


def test_backoff_grows_exponentially_with_jitter_and_cap() -> None:
    outbox = Outbox(
        None, OutboxConfig(base_delay_seconds=1, max_delay_seconds=10), rng=random.Random(3)
    )  # type: ignore[arg-type]
    delays = [outbox.backoff(n) for n in range(1, 7)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(10, 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling


async def test_private_messages_leave_no_row_once_delivered(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    transport = RecordingTransport()
    outbox = Outbox(store, FAST)
    outbox.register_transport(transport)
    outbox.start()
    await outbox.enqueue(OutgoingDraft(Channel("test", "@bea:x", is_direct=True), "privé"))
    await outbox.enqueue(OutgoingDraft(ROOM, "public"))
    assert await outbox.drain(5)
    await outbox.stop()
    rows = await store.fetchall("SELECT channel_id, status FROM outbox")
    assert [tuple(r) for r in rows] == [("!room:x", "delivered")]
    assert transport.texts() == ["privé", "public"]
    await store.close()


async def test_private_messages_waiting_are_sealed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = await open_store(path)
    outbox = Outbox(store, FAST)  # no transport registered: the message waits
    person = Channel("test", "@bea-secret:x", is_direct=True)
    await outbox.enqueue(
        OutgoingDraft(
            person,
            "Votre code : K7QM-3XHD-9PRT",
            in_reply_to="$question-event",
            reply_context={"acct": "bea-secret@x"},
        )
    )
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("db."))
    for marker in (b"K7QM", b"bea-secret", b"$question-event"):
        assert marker not in raw
    # The bot itself still reads it, and delivers it as it was written.
    transport = RecordingTransport()
    outbox.register_transport(transport)
    outbox.start()
    assert await outbox.drain(5)
    await outbox.stop()
    (sent,) = transport.sent
    assert (sent.channel, sent.text, sent.in_reply_to) == (
        person,
        "Votre code : K7QM-3XHD-9PRT",
        "$question-event",
    )
    assert sent.reply_context == {"acct": "bea-secret@x"}
    assert await store.fetchall("SELECT * FROM outbox") == []
    await store.close()


async def test_messages_recorded_by_another_process_are_picked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.outbox.queue, "IDLE_CHECK_SECONDS", 0.05)
    path = tmp_path / "db.sqlite3"
    store = await open_store(path)
    transport = RecordingTransport()
    outbox = Outbox(store, FAST)
    outbox.register_transport(transport)
    outbox.start()
    await asyncio.sleep(0.1)  # the worker is idle, waiting
    other = await open_store(path)  # e.g. `relais agenda import` in another process
    await Outbox(other, FAST).enqueue(OutgoingDraft(ROOM, "importé"))
    await other.close()
    for _ in range(100):
        if transport.sent:
            break
        await asyncio.sleep(0.02)
    await outbox.stop()
    assert transport.texts() == ["importé"]
    await store.close()


async def test_recording_returns_the_same_id_for_a_key_alone_or_among_others(
    tmp_path: Path,
) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    outbox = Outbox(store, FAST)
    first = await outbox.enqueue(OutgoingDraft(ROOM, "un", key="k-1"))
    again = await outbox.enqueue(OutgoingDraft(ROOM, "un", key="k-1"))
    both = await outbox.enqueue_many(
        [OutgoingDraft(ROOM, "un", key="k-1"), OutgoingDraft(ROOM, "deux", key="k-2")]
    )
    assert first > 0 and again == first and both[0] == first and both[1] > first
    await store.close()


async def test_a_message_recorded_inside_a_transaction_that_fails_is_not_kept(
    tmp_path: Path,
) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    outbox = Outbox(store, FAST)
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await outbox.enqueue(OutgoingDraft(ROOM, "seul", key="alone"))
            await outbox.enqueue_many(
                [OutgoingDraft(ROOM, "a", key="a"), OutgoingDraft(ROOM, "b", key="b")]
            )
            raise RuntimeError("the handler failed after recording")
    assert await store.fetchall("SELECT key FROM outbox") == []
    await store.close()
