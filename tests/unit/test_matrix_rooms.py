"""Private rooms: decided from the members only; never send before our sync shows the
person in a room the bot opened; a third person turns a private room into a shared one."""

from __future__ import annotations

from typing import Any

import pytest
from nio import RoomCreateResponse
from nio.rooms import MatrixRoom

from bot.app import App
from bot.config import MatrixConfig
from bot.message import Channel
from bot.outbox import PermanentDeliveryError, TransientDeliveryError
from bot.transports.matrix.membership import Memberships
from bot.transports.matrix.rooms import RoomDirectory

BOT = "@relais:example.org"
ALICE = "@alice:example.org"
CAROL = "@carol:example.org"


class FakeHttpResponse:
    status = 200

    async def json(self) -> dict[str, Any]:
        return {}

    def release(self) -> None:
        pass


class FakeClient:
    """The parts of nio's AsyncClient the room directory uses; `rooms` is what our
    sync has shown so far."""

    user_id = BOT
    access_token = "token"

    def __init__(self) -> None:
        self.rooms: dict[str, MatrixRoom] = {}
        self.created: list[dict[str, Any]] = []

    async def room_create(self, **kwargs: Any) -> RoomCreateResponse:
        self.created.append(kwargs)
        return RoomCreateResponse(f"!dm{len(self.created)}:example.org")

    async def send(self, *args: Any, **kwargs: Any) -> FakeHttpResponse:
        return FakeHttpResponse()

    def synced(self, room_id: str, *, invited: str | None, joined: tuple[str, ...] = ()) -> None:
        room = MatrixRoom(room_id, BOT, encrypted=True)
        room.add_member(BOT, None, None)
        if invited is not None:
            room.add_member(invited, None, None, invited=True)
        for person in joined:
            room.add_member(person, None, None)
        self.rooms[room_id] = room


@pytest.fixture
def client() -> FakeClient:
    return FakeClient()


@pytest.fixture
def directory(app: App, client: FakeClient) -> RoomDirectory:
    matrix = MatrixConfig("https://example.org", BOT, "secret")
    memberships = Memberships(client)  # type: ignore[arg-type]
    return RoomDirectory(app.services.config, matrix, client, app.services.store, memberships)  # type: ignore[arg-type]


async def test_waits_for_the_invitation_in_the_sync_and_opens_one_room(
    directory: RoomDirectory, client: FakeClient
) -> None:
    channel = Channel.direct_to("matrix", ALICE)
    with pytest.raises(TransientDeliveryError):
        await directory.resolve_target(channel)  # created, not synced yet
    room_id = "!dm1:example.org"
    assert len(client.created) == 1

    with pytest.raises(TransientDeliveryError):
        await directory.resolve_target(channel)  # retried before the sync: same room
    client.synced(room_id, invited=None)  # the room, but not yet the invitation
    with pytest.raises(TransientDeliveryError):
        await directory.resolve_target(channel)
    assert len(client.created) == 1

    client.synced(room_id, invited=ALICE)
    assert await directory.resolve_target(channel) == room_id
    assert await directory.resolve_target(channel) == room_id
    assert len(client.created) == 1
    assert client.created[0]["invite"] == [ALICE]


async def test_a_known_direct_room_is_used_at_once(
    app: App, directory: RoomDirectory, client: FakeClient
) -> None:
    channel = Channel.direct_to("matrix", ALICE)
    with pytest.raises(TransientDeliveryError):
        await directory.resolve_target(channel)
    client.synced("!dm1:example.org", invited=ALICE)
    assert await directory.resolve_target(channel) == "!dm1:example.org"
    # Another process (after a restart) finds the room in the store and nio's rooms.
    matrix = MatrixConfig("https://example.org", BOT, "secret")
    again = RoomDirectory(
        app.services.config,
        matrix,
        client,
        app.services.store,
        Memberships(client),  # type: ignore[arg-type]
    )
    assert await again.resolve_target(channel) == "!dm1:example.org"
    assert len(client.created) == 1


async def test_private_means_the_bot_and_exactly_one_person(
    directory: RoomDirectory, client: FakeClient
) -> None:
    client.synced("!two:example.org", invited=None, joined=(ALICE,))
    client.synced("!three:example.org", invited=CAROL, joined=(ALICE,))
    client.synced("!alone:example.org", invited=None)
    assert directory.is_private("!two:example.org")
    assert not directory.is_private("!three:example.org")  # an invitation counts
    assert not directory.is_private("!alone:example.org")
    assert not directory.is_private("!unknown:example.org")


async def test_a_third_person_moves_private_replies_to_a_new_room(
    directory: RoomDirectory, client: FakeClient
) -> None:
    client.synced("!dm:example.org", invited=None, joined=(ALICE,))
    await directory.note_private(ALICE, "!dm:example.org")
    channel = Channel.direct_to("matrix", ALICE)
    assert await directory.resolve_target(channel) == "!dm:example.org"
    assert await directory.no_longer_private(["!dm:example.org"]) == []  # still private

    client.synced("!dm:example.org", invited=None, joined=(ALICE, CAROL))  # Carol joins
    assert await directory.no_longer_private(["!dm:example.org"]) == [("!dm:example.org", ALICE)]
    with pytest.raises(TransientDeliveryError):
        await directory.resolve_target(channel)  # a new private room is being opened
    assert client.created[0]["invite"] == [ALICE]
    client.synced("!dm1:example.org", invited=ALICE)
    assert await directory.resolve_target(channel) == "!dm1:example.org"
    # A reply addressed to the old room itself is refused rather than shown to Carol.
    old = Channel("matrix", "!dm:example.org", is_direct=True)
    with pytest.raises(PermanentDeliveryError):
        await directory.resolve_target(old)


def test_room_names_come_from_shared_rooms_and_only_those_a_sync_mentioned(
    directory: RoomDirectory, client: FakeClient
) -> None:
    client.synced("!shared:example.org", invited=None, joined=(ALICE, CAROL))
    client.synced("!quiet:example.org", invited=None, joined=(ALICE, CAROL))
    client.synced("!private:example.org", invited=None, joined=(ALICE,))
    for room_id, name in (
        ("!shared:example.org", "Collectif des Sablons"),
        ("!quiet:example.org", "Bureau"),
        ("!private:example.org", "Alice et le robot"),
    ):
        client.rooms[room_id].name = name
    # The first sync of a run: every room.
    assert directory.shared_room_names() == {
        "!shared:example.org": "Collectif des Sablons",
        "!quiet:example.org": "Bureau",
    }
    # Later syncs: the rooms they mention (a quiet room keeps the name it was given).
    client.rooms["!shared:example.org"].name = "Sablons en lutte"
    mentioned = ["!shared:example.org", "!private:example.org", "!left:example.org"]
    assert directory.shared_room_names(mentioned) == {"!shared:example.org": "Sablons en lutte"}
