"""Relais on a real Synapse, with real matrix-nio clients and real end-to-end encryption."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.localsynapse import LocalSynapse, UserCredentials
from tests.integration.matrix_support import Person, RelaisUnderTest, replied_event

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
    await relais.wait_synced()
    help_id = await alice.say(room_id, "!aide")
    help_notice = await alice.reply_to(room_id, help_id)
    assert "<li>!ping : vérifier que je réponds</li>" in help_notice.source["content"]["formatted_body"]
    assert len(alice.texts_in(room_id)) == 5  # 3 from Alice, 2 answers: nothing for the chat


async def test_command_in_an_encrypted_room(alice: Person, relais: RelaisUnderTest) -> None:
    room_id = await room_with_bot(alice, relais, encrypted=True)
    event_id = await alice.say(room_id, "!ping")
    notice = await alice.reply_to(room_id, event_id)
    assert notice.body == "Pong ! Je suis là et je fonctionne."
    assert notice.decrypted  # the bot answered encrypted


async def test_encrypted_direct_chat_created_like_element(alice: Person, relais: RelaisUnderTest) -> None:
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
