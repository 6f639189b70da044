"""Two Relais instances (two bot accounts) sharing a coordination room on a real Synapse.

Relais A (Alice's collective) launches a call; Relais B (Bob's) receives it in the
coordination room, posts it at once in its "direct" group, asks its other group's
organisers first, never sends it back; A's retraction removes B's copies; an event
from an account B does not trust changes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nio import RoomSendResponse

from commands.appel.model import utc_text
from devserver.synapse import LocalSynapse, UserCredentials
from tests.integration.appel.support import AppelRelais, custom_events, redacted, until
from tests.integration.conftest import NewUser
from tests.kit.matrix import Person, replied_event

pytestmark = pytest.mark.integration

EVENT = "org.relais.call"
TEXT = "Rassemblement samedi 15h devant la mairie contre la fermeture de la maternité"


@dataclass
class World:
    alice: Person
    bob: Person
    carol: Person
    a: AppelRelais
    b: AppelRelais
    coord: str
    room_a: str
    b_direct: str
    b_valide: str
    b_orga: str


@pytest.fixture
async def world(synapse: LocalSynapse, new_user: NewUser, tmp_path: Path) -> AsyncIterator[World]:
    bot_a, bot_b = await new_user("relais-a"), await new_user("relais-b")
    alice = await Person.login(synapse, await new_user("alice"), tmp_path / "alice")
    bob = await Person.login(synapse, await new_user("bob"), tmp_path / "bob")
    carol = await Person.login(synapse, await new_user("carol"), tmp_path / "carol")
    people = (alice, bob, carol)
    started: list[AppelRelais] = []
    try:
        coord = await alice.create_room(
            [bot_a.user_id, bot_b.user_id, bob.user_id, carol.user_id], encrypted=True
        )
        room_a = await alice.create_room([bot_a.user_id], encrypted=True)
        b_direct = await bob.create_room([bot_b.user_id], encrypted=True)
        b_valide = await bob.create_room([bot_b.user_id], encrypted=False)
        b_orga = await bob.create_room([bot_b.user_id], encrypted=True)
        for person in (bob, carol):
            await person.sync()
            await person.join(coord)
        a = AppelRelais(
            synapse,
            bot_a,
            tmp_path / "a",
            organisers=[alice.user_id],
            groups=[{"name": "maternite", "rooms": [room_a], "tags": ["72", "santé"]}],
            appels={
                "instance": "Relais A",
                "coordination_rooms": [coord],
                "trusted_bots": [bot_b.user_id],
            },
        )
        b = AppelRelais(
            synapse,
            bot_b,
            tmp_path / "b",
            organisers=[bob.user_id],
            groups=[
                {"name": "b-direct", "rooms": [b_direct], "tags": ["sante"]},
                {
                    "name": "b-valide",
                    "rooms": [b_valide],
                    "organisers_room": b_orga,
                    "tags": ["72"],
                },
            ],
            appels={
                "instance": "Relais B",
                "coordination_rooms": [coord],
                "trusted_bots": [bot_a.user_id],
            },
        )
        for relais in (a, b):
            started.append(relais)
            await relais.start()
        for room, person, bot in (
            (coord, alice, bot_a),
            (coord, alice, bot_b),
            (room_a, alice, bot_a),
            (b_direct, bob, bot_b),
            (b_valide, bob, bot_b),
            (b_orga, bob, bot_b),
        ):
            await person.wait_joined(room, bot.user_id)
        yield World(alice, bob, carol, a, b, coord, room_a, b_direct, b_valide, b_orga)
    finally:
        for relais in started:
            await relais.stop()
        for person in people:
            await person.close()


async def test_call_crosses_instances_respects_approval_and_is_retracted(world: World) -> None:
    w = world
    asked = await w.alice.say(w.room_a, f"!appel {TEXT}")
    preview = await w.alice.reply_to(w.room_a, asked)
    assert "aux autres Relais reliés (1 salon(s) de coordination)" in preview.body
    yes = await w.alice.say(w.room_a, "oui")
    assert "appel n° 1" in (await w.alice.reply_to(w.room_a, yes)).body

    # B posts at once in its direct group, with the provenance and a link back.
    (copy,) = await w.bob.notices(w.b_direct, where=lambda e: e.body.startswith(TEXT), timeout=60)
    assert copy.decrypted
    assert (
        f"Appel de maternite (Relais A), relayé par Relais. Original : https://matrix.to/#/{w.room_a}/{asked}"
        in copy.body
    )
    # ...and asks b-valide's organisers before anything reaches b-valide's room.
    (request,) = await w.bob.notices(w.b_orga, where=lambda e: "Appel reçu" in e.body)
    assert "!appel accepter" in request.body
    number = request.body.split("(n° ")[1].split(")")[0]
    await w.bob.sync(500)
    assert not [t for t in w.bob.texts_in(w.b_valide) if t.startswith(TEXT)]
    accept = await w.bob.say(w.b_orga, f"!appel accepter {number}")
    assert (
        "C'est publié dans les salons du groupe b-valide"
        in (await w.bob.reply_to(w.b_orga, accept)).body
    )
    (accepted_copy,) = await w.bob.notices(w.b_valide, where=lambda e: e.body.startswith(TEXT))

    # Not bounced back: the coordination room holds A's event only, A knows one call.
    await w.b.wait_synced()
    await w.alice.sync(500)
    events = custom_events(w.alice, w.coord, EVENT)
    assert [(e.sender, e.source["content"]["retract"]) for e in events] == [
        (w.a.config.matrix.user_id, False)  # type: ignore[union-attr]
    ]
    assert events[0].source["content"]["hops"] == ["Relais A"]
    assert events[0].source["content"]["body"].startswith("Appel de maternite (Relais A) : ")
    assert len(await w.a.service.repo.recent(datetime.now(UTC) - timedelta(days=1), 10)) == 1
    status = await w.bob.say(w.b_orga, f"!appel statut {number}")
    body = (await w.bob.reply_to(w.b_orga, status)).body
    assert "- b-direct : envoyé dans 1 salon(s)" in body
    assert "- b-valide : envoyé dans 1 salon(s)" in body

    # A retracts: B redacts both its copies (and the request it had posted).
    gone = await w.alice.say(w.room_a, "!appel retirer 1")
    assert "Les autres Relais reliés sont prévenus" in (await w.alice.reply_to(w.room_a, gone)).body
    for room, event_id in (
        (w.b_direct, copy.event_id),
        (w.b_valide, accepted_copy.event_id),
        (w.b_orga, request.event_id),
    ):
        redaction = await redacted(w.bob, room, event_id)
        assert redaction.reason == "Appel retiré"
    await w.alice.sync(500)
    assert [e.source["content"]["retract"] for e in custom_events(w.alice, w.coord, EVENT)] == [
        False,
        True,
    ]
    assert replied_event(preview) == asked


async def test_call_from_an_untrusted_account_is_ignored(world: World) -> None:
    w = world
    now = datetime.now(UTC)
    content = {
        "version": 1,
        "id": "faux00000001",
        "origin_instance": "Relais A",
        "origin_group": "maternite",
        "text": "Faux appel : rendez-vous à minuit",
        "tags": ["santé", "72"],
        "created": utc_text(now),
        "expiry": utc_text(now + timedelta(days=2)),
        "hops": ["Relais A"],
        "retract": False,
        "body": "Faux appel",
    }
    for bot in (w.a, w.b):  # Carol's client learns who is in the room, to share its keys
        await w.carol.wait_joined(w.coord, bot.config.matrix.user_id)  # type: ignore[union-attr]
    sent = await w.carol.client.room_send(w.coord, EVENT, content, ignore_unverified_devices=True)
    assert isinstance(sent, RoomSendResponse)
    await until(lambda: w.b.handled(sent.event_id))  # B read it
    probe = await w.bob.say(w.b_direct, "!ping")  # answered once that event was dealt with
    await w.bob.reply_to(w.b_direct, probe)
    assert await w.b.service.repo.by_uid("faux00000001") is None
    assert not [t for t in w.bob.texts_in(w.b_direct) if "Faux appel" in t]
    assert not [t for t in w.bob.texts_in(w.b_orga) if "Faux appel" in t]


async def test_a_trusted_peer_call_counts_only_in_the_coordination_rooms(
    world: World, synapse: LocalSynapse, tmp_path: Path
) -> None:
    """Relais A's own account (trusted by B) sends a call in a two-person room with B, not
    in the coordination room: B ignores it."""
    w = world
    matrix_a = w.a.config.matrix
    assert matrix_a is not None and matrix_a.password is not None
    peer = await Person.login(
        synapse, UserCredentials(matrix_a.user_id, matrix_a.password), tmp_path / "peer"
    )
    try:
        bot_b = w.b.config.matrix.user_id  # type: ignore[union-attr]
        side_room = await peer.create_room([bot_b], encrypted=True)
        await peer.wait_joined(side_room, bot_b)
        now = datetime.now(UTC)
        content = {
            "version": 1,
            "id": "cote00000001",
            "origin_instance": "Relais A",
            "origin_group": "maternite",
            "text": "Appel glissé hors du salon de coordination",
            "tags": ["santé", "72"],
            "created": utc_text(now),
            "expiry": utc_text(now + timedelta(days=2)),
            "hops": ["Relais A"],
            "retract": False,
            "body": "Appel glissé",
        }
        sent = await peer.client.room_send(
            side_room, EVENT, content, ignore_unverified_devices=True
        )
        assert isinstance(sent, RoomSendResponse)
        for _ in range(2):  # two answered probes: B has handled a whole later sync
            probe = await w.bob.say(w.b_direct, "!ping")
            await w.bob.reply_to(w.b_direct, probe)
        assert not await w.b.handled(sent.event_id)
        assert await w.b.service.repo.by_uid("cote00000001") is None
        assert not [t for t in w.bob.texts_in(w.b_direct) if "glissé" in t]
    finally:
        await peer.close()
