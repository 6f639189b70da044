"""Calls between instances, with the peer played by hand-written `org.relais.call` events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.message import ReplyKind
from commands.appel.model import utc_text
from tests.unit.appel.conftest import COORD, PEER, START, Start

OTHER_COORD = "!coord2:exemple.org"


def call_event(**changes: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "version": 1,
        "id": "k3f9a2mq7x4d",
        "origin_instance": "Relais Est",
        "origin_group": "lyon",
        "text": "Manifestation contre la fermeture de la maternité, samedi 14h",
        "tags": ["santé"],
        "created": utc_text(START - timedelta(hours=1)),
        "expiry": utc_text(START + timedelta(days=7)),
        "hops": ["Relais Est"],
        "retract": False,
        "link": "https://matrix.to/#/!x:est.example/$ev",
        "body": "Appel de lyon (Relais Est) : Manifestation…",
    }
    content.update(changes)
    return content


async def test_a_trusted_call_follows_local_subscriptions_and_approval(start: Start) -> None:
    async with start() as h:
        await h.peer_event(call_event())
        for room in ("salon:angers", "salon:angers-2"):
            (copy,) = h.in_room(room)
            assert copy.text.endswith(
                "Appel de lyon (Relais Est), relayé par Relais. "
                "Original : https://matrix.to/#/!x:est.example/$ev"
            )
        # le-mans and tours have an organisers' room: they decide.
        assert "!appel accepter 1" in h.in_room("salon:orga-tours")[0].text
        assert "!appel accepter 1" in h.in_room("salon:orga-lemans")[0].text
        assert h.in_room("salon:lemans") == [] and h.in_room("salon:nantes") == []
        assert h.in_room(COORD) == []  # never bounced back where it came from
        status = await h.say("!appel statut 1", "lemans")
        assert "reçu le 20/05 à 12:00, de lyon (Relais Est)" in status
        await h.say("!appel accepter 1", "orga-lemans")
        assert len(h.in_room("salon:lemans", ReplyKind.ANNOUNCEMENT)) == 1
        listing = await h.say("!appels", "lemans")
        assert "- n° 1, reçu de lyon (Relais Est), le 20/05 à 12:00" in listing


async def test_untrusted_invalid_looping_expired_and_repeated_calls_are_ignored(
    start: Start,
) -> None:
    async with start() as h:
        await h.peer_event(call_event(), sender="@mallory:autre.example")
        await h.peer_event(call_event(version=2))
        await h.peer_event(call_event(id="x"))
        await h.peer_event(call_event(text=""))
        await h.peer_event(call_event(tags="santé"))
        await h.peer_event(call_event(created="hier"))
        await h.peer_event(call_event(origin_instance="Relais Ouest"))  # our own, back again
        await h.peer_event(call_event(hops=["Relais Est", "relais ouest", "Relais Sud"]))
        await h.peer_event(call_event(expiry=utc_text(START - timedelta(minutes=1))))
        assert h.sent() == []
        assert await h.service.repo.by_uid("k3f9a2mq7x4d") is None

        await h.peer_event(call_event())
        await h.peer_event(call_event())  # the same event id again
        await h.peer_event(call_event(id="autre0000001", text=" MANIFESTATION contre la "
                                      "fermeture de la maternité — samedi 14h "))  # fmt: skip
        assert len(h.in_room("salon:angers")) == 1
        assert await h.service.repo.by_uid("autre0000001") is None


async def test_peer_retraction_takes_back_local_copies_and_requests(start: Start) -> None:
    async with start() as h:
        await h.peer_event(call_event())
        await h.peer_event(call_event(retract=True, text="", origin_instance="Relais Sud"))
        assert h.in_room("salon:angers", ReplyKind.RETRACTION) == []  # not its origin
        await h.peer_event(call_event(retract=True, text=""))
        for room in ("salon:angers", "salon:angers-2", "salon:orga-tours", "salon:orga-lemans"):
            (retraction,) = h.in_room(room, ReplyKind.RETRACTION)
            (original,) = h.in_room(room, ReplyKind.ANNOUNCEMENT)
            assert retraction.reply_context == {"remote_id": f"remote-{original.id}"}
        assert "a été retiré" in await h.say("!appel accepter 1", "orga-tours")


async def test_a_retraction_that_overtakes_its_call_wins(start: Start) -> None:
    async with start() as h:
        await h.peer_event(call_event(retract=True, text=""))
        await h.peer_event(call_event())
        assert h.sent() == []
        assert await h.say("!appels", "lemans") == (
            "Aucun appel lancé ni reçu ces 30 derniers jours."
        )


async def test_calls_travel_on_to_other_coordination_rooms_with_a_hop(start: Start) -> None:
    appels = {
        "instance": "Relais Ouest",
        "coordination_rooms": [COORD, f"matrix:{OTHER_COORD}"],
        "trusted_bots": [PEER],
    }
    async with start(appels=appels) as h:
        await h.peer_event(call_event())
        assert h.in_room(COORD) == []
        (forwarded,) = h.in_room(OTHER_COORD)
        content = forwarded.reply_context["content"]
        assert content["hops"] == ["Relais Est", "Relais Ouest"]
        assert content["origin_instance"] == "Relais Est"
        assert content["id"] == "k3f9a2mq7x4d"
        await h.peer_event(call_event(retract=True, text=""))
        events = h.in_room(OTHER_COORD, ReplyKind.EVENT)
        assert [e.reply_context["content"]["retract"] for e in events] == [False, True]
        assert h.in_room(COORD) == []


async def test_retracting_a_received_call_here_stays_here(start: Start) -> None:
    async with start() as h:
        await h.peer_event(call_event())
        answer = await h.say("!appel retirer 1", "lemans")
        assert "retiré des salons de ce Relais (2 copie(s) supprimée(s))" in answer
        assert "demander au groupe lyon (Relais Est)" in answer
        assert h.in_room(COORD) == []
        assert len(h.in_room("salon:angers", ReplyKind.RETRACTION)) == 1


async def test_named_groups_and_everything_subscriptions(start: Start) -> None:
    appels = {
        "instance": "Relais Ouest",
        "coordination_rooms": [COORD],
        "trusted_bots": [PEER],
        "groups": {
            "nantes": {"receives": {"groups": ["lyon@Relais Est"]}, "mode": "direct"},
            "tours": {"receives": {"everything": True}, "mode": "direct"},
            "angers": {"receives": {"tags": ["49"]}},
            "le-mans": {"receives": {"groups": ["lyon@Relais Nord"]}},
        },
    }
    async with start(appels=appels) as h:
        await h.peer_event(call_event(tags=["13"]))
        assert len(h.in_room("salon:nantes")) == 1
        assert len(h.in_room("salon:tours")) == 1
        assert h.in_room("salon:angers") == []  # santé no longer enough: only 49
        assert h.in_room("salon:orga-lemans") == []  # another instance's "lyon"
