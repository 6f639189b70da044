"""Ordinary life on a real Synapse: restarts with quiet rooms, rooms whose members change,
invitations and kicks while the bot is down, a homeserver that goes away for a minute,
and Synapse's default rate limits on joins. Each scenario checks what every person's
real (E2EE) client received: nothing lost, nothing twice, nothing private in a shared room.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nacl.public import PrivateKey

from bot.message import Channel, ReplyKind
from bot.outbox import OutgoingDraft
from bot.transports.matrix import session
from bot.transports.matrix import texts as matrix_texts
from commands.temoignage.crypto import encode_key
from devserver.synapse import LocalSynapse, UserCredentials
from tests.kit.matrix import (
    Person,
    RelaisUnderTest,
    accept_invite,
    answer,
    ask,
    bodies,
    set_feature_config,
)
from tests.kit.synapse import NewUser

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

CALL = "Rassemblement samedi 15h devant la CAF"
ANYONE = {"invite_allowlist": ["*"]}


@pytest.fixture
async def people() -> AsyncIterator[list[Person]]:
    logged: list[Person] = []
    yield logged
    for person in logged:
        await person.close()


async def login(
    synapse: LocalSynapse, user: UserCredentials, tmp_path: Path, people: list[Person]
) -> Person:
    person = await Person.login(synapse, user, tmp_path / user.user_id.split(":")[0][1:])
    people.append(person)
    return person


async def copies(person: Person, room_id: str, start: str, *, settle: float = 3.0) -> int:
    """How many notices starting with `start` the person has in the room, after letting
    late duplicates arrive for `settle` seconds."""
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        await person.sync(500)
    return len(bodies(person, room_id, lambda body: body.startswith(start)))


async def wait_for_copies(person: Person, rooms: list[str], start: str, within: float) -> None:
    deadline = time.monotonic() + within
    while any(not bodies(person, r, lambda b: b.startswith(start)) for r in rooms):
        missing = [r for r in rooms if not bodies(person, r, lambda b: b.startswith(start))]
        assert time.monotonic() < deadline, f"{len(missing)} room(s) without a copy"
        await person.sync(2000)


# -- 1. quiet rooms after a restart ---------------------------------------------------------
async def test_a_call_reaches_rooms_that_stayed_quiet_across_a_restart(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice = await login(synapse, await new_user("alice"), tmp_path, people)
    origin = await alice.create_room([bot_user.user_id], encrypted=True)
    rooms = [await alice.create_room([bot_user.user_id], encrypted=True) for _ in range(20)]
    bot = RelaisUnderTest(
        synapse,
        bot_user,
        tmp_path / "bot",
        organisers=[alice.user_id],
        groups=[
            {"name": "origine", "rooms": [origin], "tags": ["caf"]},
            {"name": "sarthe", "rooms": rooms[:10], "tags": ["caf"]},
            {"name": "mayenne", "rooms": rooms[10:], "tags": ["caf"]},
        ],
    )
    set_feature_config(bot, {"calls": {"instance": "Relais Test"}})
    await bot.start()
    try:
        for room in [origin, *rooms]:
            await alice.wait_joined(room, bot_user.user_id, timeout=60)
        await bot.stop()  # a clean restart; nothing happens in the 20 rooms meanwhile
        await bot.start()

        preview = await answer(alice, origin, f"!appel {CALL}")
        assert "sarthe (10 salon(s))" in preview
        assert "appel n° 1" in await answer(alice, origin, "oui")
        await wait_for_copies(alice, rooms, CALL, within=60)
        assert [await copies(alice, room, CALL, settle=0) for room in rooms] == [1] * 20
        assert await copies(alice, rooms[0], CALL) == 1  # and no late duplicate
        assert bot.app is not None
        failed = await bot.app.services.store.fetchall(
            "SELECT last_error FROM outbox WHERE status = 'failed'"
        )
        assert [tuple(r) for r in failed] == []
    finally:
        await bot.stop()


# -- 2. a private room that gains people --------------------------------------------------------
def open_testimonies(bot: RelaisUnderTest) -> None:
    key = PrivateKey.generate()
    set_feature_config(bot, {"testimonies": {"public_keys": [encode_key(bytes(key.public_key))]}})


async def test_a_private_room_that_gained_members_while_down_is_shared_after_restart(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice = await login(synapse, await new_user("alice"), tmp_path, people)
    carol = await login(synapse, await new_user("carol"), tmp_path, people)
    dave = await login(synapse, await new_user("dave"), tmp_path, people)
    room = await alice.create_room([bot_user.user_id], encrypted=True, direct=True)
    bot = RelaisUnderTest(synapse, bot_user, tmp_path / "bot", matrix_extra=ANYONE)
    open_testimonies(bot)
    await bot.start()
    try:
        await alice.wait_joined(room, bot_user.user_id)
        greeting = await answer(alice, room, "bonjour")  # private: the menu
        assert greeting.startswith("Bonjour ! Je suis Relais")
        await bot.stop()
        for person in (carol, dave):  # a 4-person room now, while the bot was away
            assert (await alice.client.room_invite(room, person.user_id)).__class__.__name__ == (
                "RoomInviteResponse"
            )
            await person.join(room)
        await bot.start()

        await alice.say(room, "bonjour")  # plain chat in a shared room: no menu
        moved = await answer(alice, room, "!temoigner")
        assert moved == "Je vous écris en privé."
        dm = await accept_invite(alice, bot_user.user_id)
        assert dm != room
        (intro,) = await alice.notices(dm, where=lambda e: "témoign" in e.body)
        assert intro.decrypted
        await asyncio.sleep(2)
        await alice.sync(500)
        # What the bot ever said in that room: the menu while it was private, then only
        # that it writes elsewhere. No second menu, no testimony question in a shared room.
        assert bodies(alice, room, lambda b: True) == [greeting, moved]
    finally:
        await bot.stop()


async def test_someone_joining_a_private_flow_moves_it_to_a_new_private_room(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice = await login(synapse, await new_user("alice"), tmp_path, people)
    carol = await login(synapse, await new_user("carol"), tmp_path, people)
    room = await alice.create_room([bot_user.user_id], encrypted=True, direct=True)
    bot = RelaisUnderTest(synapse, bot_user, tmp_path / "bot", matrix_extra=ANYONE)
    open_testimonies(bot)
    await bot.start()
    try:
        await alice.wait_joined(room, bot_user.user_id)
        await ask(alice, room, "!temoigner")  # the flow starts in this private room
        await alice.client.room_invite(room, carol.user_id)
        await carol.join(room)

        dm = await accept_invite(alice, bot_user.user_id)
        (notice,) = await alice.notices(
            dm, where=lambda e: "nouvelle conversation privée" in e.body
        )
        assert notice.body == matrix_texts.MOVED_TO_PRIVATE.format(prefix="!")
        themes = await answer(alice, dm, "1")  # the flow goes on, in the new room
        assert "Racontez" in themes or "racontez" in themes
        await asyncio.sleep(1)
        await carol.sync(500)
        assert not any("Racontez" in t or "racontez" in t for t in carol.texts_in(room))
    finally:
        await bot.stop()


# -- 3. invited, kicked, banned while down -----------------------------------------------------
async def test_invites_kicks_and_bans_while_down_are_seen_after_restart(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice = await login(synapse, await new_user("alice"), tmp_path, people)
    orga = await alice.create_room([bot_user.user_id], encrypted=False)
    kicked = await alice.create_room([bot_user.user_id], encrypted=True)
    banned = await alice.create_room([bot_user.user_id], encrypted=True)
    bot = RelaisUnderTest(
        synapse,
        bot_user,
        tmp_path / "bot",
        organisers=[alice.user_id],
        groups=[{"name": "g", "rooms": [kicked, banned], "organisers_room": orga}],
    )
    await bot.start()
    try:
        for room in (orga, kicked, banned):
            await alice.wait_joined(room, bot_user.user_id)
        await bot.stop()
        await alice.client.room_kick(kicked, bot_user.user_id, reason="test")
        await alice.client.room_ban(banned, bot_user.user_id, reason="test")
        invited = await alice.create_room([bot_user.user_id], encrypted=True)
        await bot.start()

        await alice.wait_joined(invited, bot_user.user_id)
        assert (await answer(alice, invited, "!ping")).startswith("Pong")
        assert bot.app is not None
        outbox = bot.app.services.outbox
        for room in (kicked, banned):
            channel = Channel("matrix", room, group="g")
            await outbox.enqueue(
                OutgoingDraft(channel, "Réunion jeudi", ReplyKind.ANNOUNCEMENT, key=f"k-{room}")
            )
        told = await alice.notices(
            orga, count=2, where=lambda e: e.body.startswith("Un message n'a pas pu partir")
        )
        assert all("le robot n'est pas dans ce salon" in n.body for n in told)
        for room in (kicked, banned):
            state = await outbox.status(f"k-{room}")
            assert state is not None and state["status"] == "failed"
    finally:
        await bot.stop()


# -- 4. the homeserver away for a minute ----------------------------------------------------------
async def test_messages_queued_while_synapse_is_down_for_a_minute_arrive_once(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice = await login(synapse, await new_user("alice"), tmp_path, people)
    room = await alice.create_room([bot_user.user_id], encrypted=True)
    bot = RelaisUnderTest(
        synapse, bot_user, tmp_path / "bot", groups=[{"name": "g", "rooms": [room]}]
    )
    await bot.start()
    try:
        await alice.wait_joined(room, bot_user.user_id)
        await synapse.stop()
        assert bot.app is not None
        channel = Channel("matrix", room, group="g")
        for n in range(5):
            await bot.app.services.outbox.enqueue(
                OutgoingDraft(channel, f"Rappel {n} : chantier", ReplyKind.ANNOUNCEMENT)
            )
        await asyncio.sleep(60)
        rows = await bot.app.services.store.fetchall("SELECT status, attempts FROM outbox")
        assert {r["status"] for r in rows} == {"pending"}  # tried, failed, never used up
        await synapse.start()
        await alice.notices(room, count=5, timeout=120, where=lambda e: "chantier" in e.body)
        got = bodies(alice, room, lambda b: "chantier" in b)
        assert await copies(alice, room, "Rappel") == 5
        assert got == [f"Rappel {n} : chantier" for n in range(5)]  # in order
    finally:
        if not synapse.running:
            await synapse.start()
        await bot.stop()


# -- 5. joins under Synapse's default limits --------------------------------------------------
async def test_joins_under_default_rate_limits_are_retried_until_every_room_is_joined(
    synapse_default_limits: LocalSynapse,
    tmp_path: Path,
    people: list[Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """14 configured rooms: Synapse lets 10 joins through at once, then one every 10 s."""
    caplog.set_level(logging.INFO, logger="bot.transports.matrix.membership")
    server = synapse_default_limits
    bot_user = await server.create_user("relais")
    alice = await login(server, await server.create_user("alice"), tmp_path, people)
    await server.exempt_from_ratelimit(alice.user_id)
    rooms = [await alice.create_room([bot_user.user_id], encrypted=False) for _ in range(14)]
    bot = RelaisUnderTest(
        server, bot_user, tmp_path / "bot", groups=[{"name": "g", "rooms": rooms}]
    )
    await bot.start()
    try:
        for room in rooms:
            await alice.wait_joined(room, bot_user.user_id, timeout=180)
        assert "M_LIMIT_EXCEEDED" in caplog.text  # the limit was really hit, and waited out
        assert "invite the bot" not in caplog.text
        assert bot.app is not None
        for room in rooms:
            await bot.app.services.outbox.enqueue(
                OutgoingDraft(
                    Channel("matrix", room, group="g"), "Assemblée mardi", ReplyKind.ANNOUNCEMENT
                )
            )
        await wait_for_copies(alice, rooms, "Assemblée mardi", within=180)
        assert [await copies(alice, r, "Assemblée mardi", settle=0) for r in rooms] == [1] * 14
    finally:
        await bot.stop()


# -- 6. memory that does not grow with the number of messages -------------------------------
async def test_the_replay_cache_of_decrypted_messages_is_bounded(
    synapse: LocalSynapse,
    new_user: NewUser,
    tmp_path: Path,
    people: list[Person],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """nio kept 100 000 entries (about half a kilobyte each) to refuse replayed messages:
    the bot grew with every encrypted message. The cap is applied on the real client."""

    monkeypatch.setattr(session, "REPLAY_WINDOW", 10)
    bot_user = await new_user("relais")
    alice = await login(synapse, await new_user("alice"), tmp_path, people)
    room = await alice.create_room([bot_user.user_id], encrypted=True)
    bot = RelaisUnderTest(
        synapse, bot_user, tmp_path / "bot", groups=[{"name": "g", "rooms": [room]}]
    )
    await bot.start()
    try:
        await alice.wait_joined(room, bot_user.user_id)
        for n in range(25):
            await alice.say(room, f"message {n}")
        await answer(alice, room, "!ping")
        assert bot.transport is not None
        olm = bot.transport.client.olm
        assert olm is not None
        assert len(olm.message_index_store) == 10  # not 26
    finally:
        await bot.stop()
