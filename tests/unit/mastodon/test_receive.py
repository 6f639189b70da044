"""Receiving: catch-up order, answered once, cursor kept, roles, channels, odd payloads."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.message import ALREADY_HANDLED, Message, Role
from bot.store import Store
from bot.transports.mastodon.api import ApiError, ApiErrorKind
from bot.transports.mastodon.receive import LAST_NOTIFICATION_KEY, MentionReceiver
from bot.transports.mastodon.server import MastodonTuning, ServerFacts
from tests.unit.mastodon.cassettes import find
from tests.unit.mastodon.fakes import FakeApi

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)


def notification(
    nid: int,
    status_id: int,
    *,
    acct: str = "bob",
    visibility: str = "public",
    content: str = "<p>@relais !aide</p>",
    kind: str = "mention",
    bot: bool = False,
    account_id: str = "2",
    created_at: str = "2026-05-20T09:59:00.000Z",
) -> dict[str, Any]:
    account = {"id": account_id, "acct": acct, "username": acct.partition("@")[0], "bot": bot}
    return {
        "id": str(nid),
        "type": kind,
        "account": account,
        "status": {
            "id": str(status_id),
            "visibility": visibility,
            "content": content,
            "account": account,
            "created_at": created_at,
        },
    }


class Inbox:
    """The server side of `notifications(min_id=…)`: newest first, like Mastodon."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def __call__(
        self, types: list[str] | None = None, min_id: str | None = None, limit: int = 40
    ) -> list[dict[str, Any]]:
        newer = [n for n in self.items if min_id is None or int(n["id"]) > int(min_id)]
        newer.sort(key=lambda n: int(n["id"]))
        return list(reversed(newer[:limit] if min_id is not None else newer[-limit:]))


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def api(inbox: Inbox) -> FakeApi:
    fake = FakeApi()
    fake.handlers["notifications"] = inbox
    return fake


def make_receiver(api: FakeApi, store: Store, **tuning: Any) -> MentionReceiver:
    settings = MastodonTuning(**({"page_limit": 3} | tuning))
    return MentionReceiver(
        api,  # type: ignore[arg-type]
        ServerFacts(api, settings),  # type: ignore[arg-type]
        store,
        access_token="secret",
        poll_interval=1,
        organisers=("alice", "carol@other.example"),
        tuning=settings,
        now=lambda: NOW,
    )


class Router:
    """Stands in for `Router.handle`: answers once per event id (the real router claims
    it in the store, tested in tests/unit/test_router.py)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.claimed: set[str] = set()

    async def __call__(self, message: Message) -> int:
        if message.event_id in self.claimed:
            return ALREADY_HANDLED
        self.claimed.add(str(message.event_id))
        self.messages.append(message)
        return 1


async def started(api: FakeApi, store: Store) -> MentionReceiver:
    receiver = make_receiver(api, store)
    await receiver._setup()
    return receiver


async def test_first_start_skips_history(api: FakeApi, store: Store, inbox: Inbox) -> None:
    inbox.items = [notification(5, 50), notification(6, 60)]
    receiver = await started(api, store)
    router = Router()
    assert await receiver.catch_up(router) == 0
    assert await store.get_state(LAST_NOTIFICATION_KEY) == "6"
    inbox.items.append(notification(7, 70))
    await receiver.catch_up(router)
    assert [m.event_id for m in router.messages] == ["70"]


async def test_empty_account_still_answers_its_first_mention(
    api: FakeApi, store: Store, inbox: Inbox
) -> None:
    receiver = await started(api, store)
    assert await store.get_state(LAST_NOTIFICATION_KEY) == "0"
    inbox.items = [notification(1, 10)]
    router = Router()
    await receiver.catch_up(router)
    assert [m.event_id for m in router.messages] == ["10"]


async def test_backfill_pages_oldest_first_and_each_once(
    api: FakeApi, store: Store, inbox: Inbox
) -> None:
    receiver = await started(api, store)
    inbox.items = [notification(n, n * 10) for n in range(1, 9)]  # 8 > page of 3
    router = Router()
    assert await receiver.catch_up(router) == 8
    assert [m.event_id for m in router.messages] == [str(n * 10) for n in range(1, 9)]
    assert await store.get_state(LAST_NOTIFICATION_KEY) == "8"
    assert await receiver.catch_up(router) == 0
    # The same status seen again (stream and backfill, or a restart): not answered twice.
    await receiver._process(notification(9, 80), router)
    assert len(router.messages) == 8
    assert receiver.stats.duplicates == 1
    assert await store.get_state(LAST_NOTIFICATION_KEY) == "9"


async def test_a_restart_resumes_from_the_stored_cursor(
    api: FakeApi, store: Store, inbox: Inbox
) -> None:
    first = await started(api, store)
    inbox.items = [notification(1, 10), notification(2, 20)]
    await first.catch_up(Router())
    inbox.items.append(notification(3, 30))
    router = Router()
    again = await started(api, store)
    await again.catch_up(router)
    assert [m.event_id for m in router.messages] == ["30"]


async def test_mentions_missed_longer_ago_than_the_window_are_not_answered(
    api: FakeApi, store: Store, inbox: Inbox
) -> None:
    """As on Matrix (command_window_minutes, 10 by default): a question found after a long
    downtime is not answered hours later; a recent one is."""
    first = await started(api, store)
    inbox.items = [
        notification(1, 10, created_at="2026-05-20T08:00:00.000Z"),  # 2 h before NOW
        notification(2, 20, created_at="2026-05-20T09:49:00.000Z"),  # 11 min
        notification(3, 30, created_at="2026-05-20T09:51:00.000Z"),  # 9 min
    ]
    router = Router()
    await first.catch_up(router)
    assert [m.event_id for m in router.messages] == ["30"]
    assert first.stats.too_old == 2
    assert await store.get_state(LAST_NOTIFICATION_KEY) == "3"  # not looked at again


async def test_messages_carry_what_answering_needs(
    api: FakeApi, store: Store, inbox: Inbox
) -> None:
    receiver = await started(api, store)
    inbox.items = [
        notification(1, 10, acct="alice", visibility="public"),
        notification(2, 20, acct="dave@elsewhere.example", visibility="direct", account_id="4"),
        notification(3, 30, acct="carol@Other.Example", visibility="unlisted", account_id="5"),
        notification(4, 40, acct="alice@evil.example", visibility="public", account_id="6"),
    ]
    router = Router()
    await receiver.catch_up(router)
    alice, dave, carol, impostor = router.messages
    assert alice.sender.id == "alice@social.example"
    assert alice.sender.role is Role.ORGANISER  # configured as a bare local acct
    assert alice.channel.id == "mention:alice@social.example"
    assert not alice.is_direct
    assert alice.text == "!aide"
    assert alice.reply_context == {"status_id": "10", "visibility": "public", "acct": "alice"}
    assert dave.is_direct
    assert dave.channel.id == "dm:dave@elsewhere.example"
    assert dave.sender.role is Role.MEMBER
    assert dave.reply_context["acct"] == "dave@elsewhere.example"
    assert carol.sender.role is Role.ORGANISER
    assert impostor.sender.role is Role.MEMBER  # same name, other server
    assert alice.received_at == datetime(2026, 5, 20, 9, 59, tzinfo=UTC)


async def test_direct_channel_is_stable_across_messages(
    api: FakeApi, store: Store, inbox: Inbox
) -> None:
    receiver = await started(api, store)
    inbox.items = [
        notification(1, 10, acct="Dave@elsewhere.example", visibility="direct"),
        notification(2, 20, acct="dave@Elsewhere.Example", visibility="direct"),
    ]
    router = Router()
    await receiver.catch_up(router)
    assert len({m.channel for m in router.messages}) == 1


async def test_unknown_types_bots_and_self_are_skipped_but_advance_the_cursor(
    api: FakeApi, store: Store, inbox: Inbox
) -> None:
    receiver = await started(api, store)
    inbox.items = [
        {"id": "1", "type": "admin.sign_up"},
        {"id": "2", "type": "quoted_update", "status": None},
        notification(3, 30, bot=True),
        notification(4, 40, account_id="1", acct="relais"),  # our own account
        {"id": "5", "type": "mention", "status": {"id": "50"}},
        notification(6, 60),
    ]
    router = Router()
    await receiver.catch_up(router)
    assert [m.event_id for m in router.messages] == ["60"]
    assert receiver.stats.ignored == 2
    assert await store.get_state(LAST_NOTIFICATION_KEY) == "6"


async def test_recorded_notification_is_routed(api: FakeApi, store: Store, inbox: Inbox) -> None:
    (listing,) = find("test_notifications.yaml", "GET", "/api/v1/notifications")[:1]
    receiver = await started(api, store)
    inbox.items = listing.json()
    router = Router()
    await receiver.catch_up(router)
    (message,) = router.messages
    assert message.text == "hello!"
    assert message.event_id == "117020576916218297"


async def test_routing_failure_does_not_stop_receiving(
    api: FakeApi, store: Store, inbox: Inbox
) -> None:
    receiver = await started(api, store)
    inbox.items = [notification(1, 10), notification(2, 20)]
    seen: list[str | None] = []

    async def flaky(message: Message) -> int:
        seen.append(message.event_id)
        if message.event_id == "10":
            raise RuntimeError("boom")
        return 1

    await receiver.catch_up(flaky)
    assert seen == ["10", "20"]


async def test_setup_retries_until_the_server_answers(api: FakeApi, store: Store) -> None:
    api.failures[("account_verify_credentials", 1)] = ApiError(ApiErrorKind.TRANSIENT, "down")
    receiver = make_receiver(api, store, setup_retry_seconds=0.01)
    identity = await receiver._setup()
    assert identity.account_id == "1"
    assert identity.local_domain == "social.example"


async def test_polling_survives_unexpected_errors(api: FakeApi, store: Store, inbox: Inbox) -> None:
    receiver = make_receiver(api, store)
    receiver._poll_interval = 0.01
    await receiver._setup()
    inbox.items = [notification(1, 10)]
    calls = 0

    def flaky(**kwargs: Any) -> list[dict[str, Any]]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("unexpected")
        return inbox(**kwargs)

    api.handlers["notifications"] = flaky
    router = Router()
    await receiver._poll_until(time.monotonic() + 0.3, router)
    assert [m.event_id for m in router.messages] == ["10"]
    assert receiver.mode == "polling"
    assert receiver.ready.is_set()
