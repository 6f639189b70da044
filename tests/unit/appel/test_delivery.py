"""Delivery guarantees around retraction and crashes, and the outbox's `cancel`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import App
from bot.config import OutboxConfig
from bot.core_schema import CORE_MIGRATIONS
from bot.message import Channel, Outgoing, ReplyKind
from bot.outbox import Outbox, OutgoingDraft, TransientDeliveryError
from bot.store import Store
from commands.aide import AideFeature
from commands.appel import AppelFeature
from tests.helpers import RecordingTransport
from tests.unit.appel.conftest import Clock, Harness, Start, make_config

TEXT = "Rassemblement samedi 15h devant la mairie"


async def test_outbox_cancel_gives_up_a_pending_message_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    await store.open({"core": CORE_MIGRATIONS})
    outbox = Outbox(store, OutboxConfig())
    room = Channel("test", "!r:x")
    await outbox.enqueue(OutgoingDraft(room, "a", key="k-a"))
    await outbox.enqueue(OutgoingDraft(room, "b", key="k-b"))
    assert await outbox.cancel("k-a", "retiré")
    assert not await outbox.cancel("k-a", "retiré")  # no longer pending
    assert not await outbox.cancel("inconnue", "retiré")
    transport = RecordingTransport("test")
    outbox.register_transport(transport)
    outbox.start()
    assert await outbox.drain(5)
    assert transport.texts() == ["b"]
    assert await outbox.status("k-a") == {
        "status": "failed",
        "attempts": 0,
        "last_error": "retiré",
        "remote_id": None,
        "channel_id": "!r:x",
        "transport": "test",
    }
    assert not await outbox.cancel("k-b", "retiré")  # delivered
    await outbox.stop()
    await store.close()


async def test_a_copy_held_by_a_rate_limit_is_never_sent_once_retracted(start: Start) -> None:
    async with start() as h:

        def slow_angers(item: Outgoing) -> None:
            if item.channel.id == "salon:angers-2":
                raise TransientDeliveryError("limite", retry_after=3600, rate_limited=True)

        h.transports["console"].fail = slow_angers
        call = await h.launch(TEXT)
        status = await h.say(f"!appel statut {call}", "lemans")
        assert "- angers : envoyé dans 1 salon(s), en cours (limite) dans 1 salon(s)" in status
        await h.say(f"!appel retirer {call}", "lemans")
        h.transports["console"].fail = None
        h.clock.advance(hours=2)
        assert await h.app.services.outbox.drain(5)
        assert h.in_room("salon:angers-2") == []
        assert len(h.in_room("salon:angers", ReplyKind.RETRACTION)) == 1
        status = await h.say(f"!appel statut {call}", "lemans")
        assert "- angers : retiré dans 2 salon(s)" in status


async def test_a_copy_delivered_during_the_retraction_is_taken_back(start: Start) -> None:
    async with start() as h:
        release = asyncio.Event()
        entered = asyncio.Event()
        console: RecordingTransport = h.transports["console"]
        deliver = console.deliver

        async def held(item: Outgoing) -> str | None:
            if item.channel.id == "salon:angers-2" and item.kind is ReplyKind.ANNOUNCEMENT:
                entered.set()
                await release.wait()
            return await deliver(item)

        console.deliver = held  # type: ignore[method-assign]
        await h.say(f"!appel {TEXT}", "lemans")
        await h.app.router.handle(h.message("oui", "lemans"))
        await asyncio.wait_for(entered.wait(), 5)
        service = h.service
        stored = await service.repo.by_id(1)
        assert stored is not None
        await service.retract(stored, tell_peers=True)  # the copy is on its way
        release.set()
        assert await h.app.services.outbox.drain(5)
        (copy,) = h.in_room("salon:angers-2", ReplyKind.ANNOUNCEMENT)
        (retraction,) = h.in_room("salon:angers-2", ReplyKind.RETRACTION)
        assert retraction.reply_context == {"remote_id": f"remote-{copy.id}"}


async def _crash_while_queuing(app: App, h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    await h.say(f"!appel {TEXT}", "lemans")
    real = app.services.outbox.enqueue_many

    async def crash(drafts):  # type: ignore[no-untyped-def]
        drafts = list(drafts)
        if any((d.key or "").startswith("appel-") for d in drafts):
            raise RuntimeError("power cut")
        return await real(drafts)

    monkeypatch.setattr(app.services.outbox, "enqueue_many", crash)
    answer = await h.say("oui", "lemans")
    assert answer.startswith("Désolé, quelque chose s'est mal passé")
    assert h.in_room("salon:angers") == []
    monkeypatch.undo()


def _announced(console: RecordingTransport) -> list[str]:
    return sorted(i.channel.id for i in console.sent if i.kind is ReplyKind.ANNOUNCEMENT)


async def test_oui_again_after_a_failure_finishes_the_launch(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(tmp_path / "data")
    async with App(config, [AideFeature(), AppelFeature()], now=clock) as app:
        console, matrix = RecordingTransport("console"), RecordingTransport("matrix")
        app.add_transport(console)
        app.add_transport(matrix)
        h = Harness(app, {"console": console}, clock)
        await _crash_while_queuing(app, h, monkeypatch)
        assert "appel **n° 1**" in await h.say("oui", "lemans")
        assert _announced(console) == ["salon:angers", "salon:angers-2", "salon:orga-tours"]
        assert len(matrix.sent) == 1


async def test_a_failure_while_queuing_leaves_no_half_launched_call(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The call, its targets and their outbox rows are written in one transaction with the
    handling of « oui »: a failure in between leaves none of them, even after a restart
    (and « oui » again launches it: see the test above)."""
    config = make_config(tmp_path / "data")
    features = [AideFeature(), AppelFeature()]
    async with App(config, features, now=clock) as app:
        console = RecordingTransport("console")
        app.add_transport(console)
        await _crash_while_queuing(app, Harness(app, {"console": console}, clock), monkeypatch)
    async with App(config, features, now=clock) as app:
        console = RecordingTransport("console")
        app.add_transport(console)
        app.add_transport(RecordingTransport("matrix"))
        assert await app.services.outbox.drain(5)
        assert _announced(console) == []
        calls = await app.services.store.fetchone("SELECT COUNT(*) FROM appel_calls")
        assert calls is not None and calls[0] == 0
