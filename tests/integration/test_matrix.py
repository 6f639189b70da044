"""Relais on a real Synapse, with real matrix-nio clients and real end-to-end encryption."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from nio import RedactionEvent, RoomSendResponse

from bot.context import CommandContext, EventSubscription, Services
from bot.feature import Feature
from bot.message import Channel, InboundEvent, ReplyKind, Role
from bot.outbox import OutgoingDraft
from bot.router import Command, Router
from devserver.synapse import LocalSynapse, UserCredentials
from tests.kit.matrix import Person, RelaisUnderTest, replied_event
from tests.unit.test_conversation import SurveyFeature

from .conftest import NewUser

pytestmark = pytest.mark.integration


@pytest.fixture
async def bot_user(new_user: NewUser) -> UserCredentials:
    return await new_user("relais")


@pytest.fixture
async def alice(synapse: LocalSynapse, new_user: NewUser, tmp_path: Path) -> AsyncIterator[Person]:
    person = await Person.login(synapse, await new_user("alice"), tmp_path / "alice")
    yield person
    await person.close()


@pytest.fixture
async def relais(
    synapse: LocalSynapse, bot_user: UserCredentials, alice: Person, tmp_path: Path
) -> AsyncIterator[RelaisUnderTest]:
    bot = RelaisUnderTest(synapse, bot_user, tmp_path / "bot", organisers=[alice.user_id])
    await bot.start()
    yield bot
    await bot.stop()


async def room_with_bot(
    person: Person,
    bot: RelaisUnderTest,
    *,
    encrypted: bool,
    direct: bool = False,
    others: tuple[str, ...] = (),
) -> str:
    bot_id = bot.config.matrix.user_id  # type: ignore[union-attr]
    room_id = await person.create_room([bot_id, *others], encrypted=encrypted, direct=direct)
    await person.wait_joined(room_id, bot.config.matrix.user_id)  # type: ignore[union-attr]
    return room_id


async def test_command_in_a_plain_room(
    alice: Person, relais: RelaisUnderTest, new_user: NewUser
) -> None:
    # Three people: a group room, not a direct chat.
    carol = await new_user("carol")
    room_id = await room_with_bot(alice, relais, encrypted=False, others=(carol.user_id,))
    event_id = await alice.say(room_id, "!ping")
    notice = await alice.reply_to(room_id, event_id)
    assert notice.body == "Pong ! Je suis là et je fonctionne."
    content = notice.source["content"]
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    # Plain chat in a room gets no answer.
    await alice.say(room_id, "bonjour tout le monde")
    # Events are handled in order: the answer to the next command proves the chat was seen.
    help_id = await alice.say(room_id, "!aide")
    help_notice = await alice.reply_to(room_id, help_id)
    assert (
        "<li>!ping : vérifier que je réponds</li>"
        in help_notice.source["content"]["formatted_body"]
    )
    assert len(alice.texts_in(room_id)) == 5  # 3 from Alice, 2 answers: nothing for the chat


async def test_command_in_an_encrypted_room(alice: Person, relais: RelaisUnderTest) -> None:
    room_id = await room_with_bot(alice, relais, encrypted=True)
    event_id = await alice.say(room_id, "!ping")
    notice = await alice.reply_to(room_id, event_id)
    assert notice.body == "Pong ! Je suis là et je fonctionne."
    assert notice.decrypted  # the bot answered encrypted


async def test_encrypted_direct_chat_created_like_element(
    alice: Person, relais: RelaisUnderTest
) -> None:
    room_id = await room_with_bot(alice, relais, encrypted=True, direct=True)
    event_id = await alice.say(room_id, "bonjour")
    notice = await alice.reply_to(room_id, event_id)
    assert notice.decrypted
    assert notice.body.startswith("Bonjour ! Je suis Relais")  # a DM message gets the menu


async def test_invite_from_a_stranger_is_declined(
    synapse: LocalSynapse, new_user: NewUser, bot_user: UserCredentials, tmp_path: Path
) -> None:
    organiser = await new_user("orga")
    stranger = await Person.login(synapse, await new_user("stranger"), tmp_path / "stranger")
    bot = RelaisUnderTest(
        synapse,
        bot_user,
        tmp_path / "bot",
        organisers=[organiser.user_id],
        matrix_extra={"invite_allowlist": [organiser.user_id]},
    )
    await bot.start()
    try:
        room_id = await stranger.create_room([bot_user.user_id], encrypted=False)
        for _ in range(60):
            await stranger.sync(500)
            leaves = [
                e
                for r, e in stranger.seen
                if r == room_id
                and getattr(e, "state_key", None) == bot_user.user_id
                and getattr(e, "membership", None) == "leave"
            ]
            if leaves:
                break
        assert leaves, "the bot never declined the invite"
        assert "Relais ne rejoint que les salons" in leaves[0].source["content"].get("reason", "")
        assert room_id not in bot.transport.client.rooms  # type: ignore[union-attr]
    finally:
        await bot.stop()
        await stranger.close()


def session_file(bot: RelaisUnderTest) -> dict[str, str]:
    path = bot.config.data_dir / "matrix" / "session.json"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    return dict(json.loads(path.read_text()))


async def test_restart_reuses_the_same_device(alice: Person, relais: RelaisUnderTest) -> None:
    before = session_file(relais)
    room_id = await room_with_bot(alice, relais, encrypted=True)
    await relais.stop()
    await relais.start()
    assert session_file(relais) == before
    event_id = await alice.say(room_id, "!ping")
    assert (await alice.reply_to(room_id, event_id)).decrypted
    assert replied_event(await alice.reply_to(room_id, event_id)) == event_id


async def test_undecryptable_message_is_explained_once(
    alice: Person, relais: RelaisUnderTest
) -> None:
    """Alice's client "forgets" to share its room key: the bot cannot read, and says so."""
    room_id = await room_with_bot(alice, relais, encrypted=True)
    olm = alice.client.olm
    assert olm is not None
    olm.create_outbound_group_session(room_id)
    olm.outbound_group_sessions[room_id].shared = True  # lie: the bot never got the key
    for number in range(2):
        payload = olm.group_encrypt(
            room_id, {"type": "m.room.message", "content": {"msgtype": "m.text", "body": "!ping"}}
        )
        path = f"/_matrix/client/v3/rooms/{room_id}/send/m.room.encrypted/unshared{number}"
        response = await alice.client.send(
            "PUT",
            path,
            json.dumps(payload),
            {"Authorization": f"Bearer {alice.client.access_token}"},
        )
        assert response.status == 200
    notices = await alice.notices(room_id, where=lambda e: "pas pu lire" in e.body)
    assert notices[0].decrypted
    # Told once, not once per unreadable message.
    del olm.outbound_group_sessions[room_id]  # Alice's client starts a new, shared session
    probe = await alice.say(room_id, "!ping")  # a readable message still works
    await alice.reply_to(room_id, probe)
    assert len([t for t in alice.texts_in(room_id) if "pas pu lire" in t]) == 1


class ReservedFeature(Feature):
    name = "reserve"

    def setup(self, services: Services, router: Router) -> None:
        async def reserved(ctx: CommandContext) -> str:
            return "réservé : ok"

        router.register(Command("reserve", "réservé", reserved, role=Role.ORGANISER))


async def test_organiser_by_power_level_in_group_rooms_only(
    synapse: LocalSynapse, new_user: NewUser, bot_user: UserCredentials, tmp_path: Path
) -> None:
    admin = await Person.login(synapse, await new_user("admin"), tmp_path / "admin")
    moderator = await Person.login(synapse, await new_user("moderator"), tmp_path / "mod")
    member = await Person.login(synapse, await new_user("member"), tmp_path / "member")
    people = (admin, moderator, member)
    room_id = await admin.create_room(
        [bot_user.user_id, moderator.user_id, member.user_id],
        encrypted=True,
        power_levels={moderator.user_id: 50},
    )
    bot = RelaisUnderTest(
        synapse,
        bot_user,
        tmp_path / "bot",
        organisers=[admin.user_id],  # only for the invite allowlist (same server)
        groups=[{"name": "g", "rooms": [room_id]}],
        extra_features=[ReservedFeature()],
    )
    await bot.start()
    try:
        for person in (moderator, member):
            await person.sync()
            await person.join(room_id)
        await admin.wait_joined(room_id, bot_user.user_id)
        await admin.wait_joined(room_id, member.user_id)
        for person in people:
            await person.sync()
        allowed = await moderator.say(room_id, "!reserve")
        assert (await moderator.reply_to(room_id, allowed)).body == "réservé : ok"
        refused = await member.say(room_id, "!reserve")
        assert "réservée aux organisatrices" in (await member.reply_to(room_id, refused)).body

        # In a direct chat both people have power level 100: it grants nothing there.
        dm = await member.create_room([bot_user.user_id], encrypted=True, direct=True)
        await member.wait_joined(dm, bot_user.user_id)
        asked = await member.say(dm, "!reserve")
        assert "réservée aux organisatrices" in (await member.reply_to(dm, asked)).body
    finally:
        await bot.stop()
        for person in people:
            await person.close()


async def test_restart_mid_conversation_resumes_without_double_answers(
    alice: Person, synapse: LocalSynapse, bot_user: UserCredentials, tmp_path: Path
) -> None:
    bot = RelaisUnderTest(
        synapse,
        bot_user,
        tmp_path / "bot",
        organisers=[alice.user_id],
        extra_features=[SurveyFeature()],
    )
    await bot.start()
    try:
        dm = await room_with_bot(alice, bot, encrypted=True, direct=True)
        first = await alice.say(dm, "!sondage")
        assert (await alice.reply_to(dm, first)).body.startswith("Quel thème ?")
        second = await alice.say(dm, "2")
        assert "France Travail" in (await alice.reply_to(dm, second)).body
        await bot.stop()
        await bot.start()
        third = await alice.say(dm, "oui")
        assert (await alice.reply_to(dm, third)).body == "Écrivez votre texte, puis !fin."
        await alice.say(dm, "mon histoire")
        done = await alice.say(dm, "!fin")
        assert (await alice.reply_to(dm, done)).body == "Merci : 1 message(s) sur France Travail."
        answers = [t for t in alice.texts_in(dm) if t[0] in "QTÉM"]
        assert len(answers) == 4  # one answer per step, none repeated after the restart
    finally:
        await bot.stop()


async def test_synapse_restart_mid_run(
    alice: Person, relais: RelaisUnderTest, synapse: LocalSynapse
) -> None:
    room_id = await room_with_bot(alice, relais, encrypted=True)
    before = await alice.say(room_id, "!ping")
    await alice.reply_to(room_id, before)
    await synapse.restart()
    after = await alice.say(room_id, "!ping")
    assert (await alice.reply_to(room_id, after, timeout=90)).decrypted
    pings = [t for t in alice.texts_in(room_id) if t.startswith("Pong")]
    assert len(pings) == 2


async def test_commands_sent_while_the_bot_was_down(alice: Person, relais: RelaisUnderTest) -> None:
    room_id = await room_with_bot(alice, relais, encrypted=True)
    await relais.stop()
    recent = await alice.say(room_id, "!ping")
    await relais.start()
    assert replied_event(await alice.reply_to(room_id, recent)) == recent

    await relais.stop()
    old = await alice.say(room_id, "!aide")
    relais.clock.offset = timedelta(minutes=11)  # the window is 10 minutes
    await relais.start()  # the first sync (which holds the old command) is handled here
    relais.clock.offset = timedelta()
    alive = await alice.say(room_id, "!ping")
    await alice.reply_to(room_id, alive)
    replies = [replied_event(e) for r, e in alice.seen if r == room_id]
    assert old not in replies


async def test_rate_limited_sends_are_all_delivered_in_order(
    synapse_default_limits: LocalSynapse, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.outbox")
    server = synapse_default_limits
    bot_user = await server.create_user("relais")
    alice = await Person.login(server, await server.create_user("alice"), tmp_path / "alice")
    await server.exempt_from_ratelimit(alice.user_id)
    bot = RelaisUnderTest(server, bot_user, tmp_path / "bot", organisers=[alice.user_id])
    await bot.start()
    try:
        room_id = await room_with_bot(alice, bot, encrypted=False)
        assert bot.app is not None
        count = 14  # default burst is 10: the last ones are rate limited
        await bot.app.services.outbox.enqueue_many(
            [
                OutgoingDraft(Channel("matrix", room_id), f"annonce {i}", ReplyKind.ANNOUNCEMENT)
                for i in range(count)
            ]
        )
        notices = await alice.notices(
            room_id, count=count, timeout=120, where=lambda e: e.body.startswith("annonce")
        )
        assert [n.body for n in notices] == [f"annonce {i}" for i in range(count)]
        rows = await bot.app.services.store.fetchall(
            "SELECT status, attempts, last_error FROM outbox WHERE kind = 'announcement'"
        )
        assert {r["status"] for r in rows} == {"delivered"}
        assert "limite de débit du serveur" in caplog.text  # the server did push back
    finally:
        await bot.stop()
        await alice.close()


async def test_structured_events_both_ways_and_retraction(
    alice: Person, relais: RelaisUnderTest
) -> None:
    """The plumbing calls between instances use: custom event types and redactions."""
    assert relais.app is not None
    services = relais.app.services
    received: list[InboundEvent] = []

    async def on_call(event: InboundEvent) -> None:
        received.append(event)

    services.event_handlers["org.relais.test"] = EventSubscription(on_call)
    room_id = await room_with_bot(alice, relais, encrypted=True)
    sent = await alice.client.room_send(
        room_id, "org.relais.test", {"id": "c1", "body": "un appel"}, ignore_unverified_devices=True
    )
    assert isinstance(sent, RoomSendResponse)
    probe = await alice.say(room_id, "!ping")  # handled after the custom event
    await alice.reply_to(room_id, probe)
    assert [(e.event_type, e.content["id"], e.sender_id) for e in received] == [
        ("org.relais.test", "c1", alice.user_id)
    ]

    channel = Channel("matrix", room_id)
    await services.outbox.enqueue(
        OutgoingDraft(channel, "appel (texte)", ReplyKind.EVENT, key="ev-1",
                      reply_context={"event_type": "org.relais.test", "content": {"id": "c2"}})
    )  # fmt: skip
    await services.outbox.enqueue(
        OutgoingDraft(channel, "à retirer", ReplyKind.ANNOUNCEMENT, key="an-1")
    )
    for _ in range(100):
        await alice.sync(300)
        custom = [
            e for r, e in alice.seen if r == room_id and getattr(e, "type", "") == "org.relais.test"
        ]
        if custom and any(t == "à retirer" for t in alice.texts_in(room_id)):
            break
    assert custom[-1].source["content"] == {"id": "c2", "body": "appel (texte)"}
    status = await services.outbox.status("an-1")
    assert status is not None and status["status"] == "delivered"
    await services.outbox.enqueue(
        OutgoingDraft(channel, "retiré par le collectif", ReplyKind.RETRACTION, key="rm-1",
                      reply_context={"remote_id": status["remote_id"]})
    )  # fmt: skip
    for _ in range(100):
        await alice.sync(300)
        redactions = [e for r, e in alice.seen if r == room_id and isinstance(e, RedactionEvent)]
        if redactions:
            break
    assert redactions[0].redacts == status["remote_id"]
    assert redactions[0].reason == "retiré par le collectif"


async def test_command_buried_under_a_long_backlog_is_still_answered(
    alice: Person, relais: RelaisUnderTest, new_user: NewUser
) -> None:
    """More events arrived while the bot was away than one sync returns (50): the bot
    fetches the gap, so the command before them is answered (it is inside the window)."""
    carol = await new_user("carol")
    room_id = await room_with_bot(alice, relais, encrypted=True, others=(carol.user_id,))
    await relais.stop()
    buried = await alice.say(room_id, "!ping")
    for number in range(70):
        await alice.say(room_id, f"discussion {number}")
    await relais.start()
    answer = await alice.reply_to(room_id, buried, timeout=60)
    assert answer.decrypted and answer.body.startswith("Pong")


async def test_lost_crypto_store_is_explained_and_a_new_device_takes_over(
    alice: Person, relais: RelaisUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    before = session_file(relais)
    room_id = await room_with_bot(alice, relais, encrypted=True)
    await relais.stop()
    shutil.rmtree(relais.config.data_dir / "matrix" / "crypto")
    caplog.set_level(logging.ERROR, logger="bot.transports.matrix.session")
    await relais.start()
    assert "crypto store of device" in caplog.text and "is missing" in caplog.text
    after = session_file(relais)
    assert after["device_id"] != before["device_id"]  # a new device, with new keys
    await alice.sync()  # Alice's client learns about the new device
    asked = await alice.say(room_id, "!ping")
    assert (await alice.reply_to(room_id, asked)).decrypted


async def test_revoked_token_leads_to_a_fresh_login(
    alice: Person, relais: RelaisUnderTest, synapse: LocalSynapse
) -> None:
    before = session_file(relais)
    room_id = await room_with_bot(alice, relais, encrypted=True)
    await relais.stop()
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{synapse.url}/_matrix/client/v3/logout",
            headers={"Authorization": f"Bearer {before['access_token']}"},
        ) as response,
    ):
        assert response.status == 200  # e.g. an admin logged the bot out
    await relais.start()
    assert session_file(relais)["access_token"] != before["access_token"]
    await alice.sync()
    asked = await alice.say(room_id, "!ping")
    assert (await alice.reply_to(room_id, asked)).decrypted
