"""Calls through a real App: launch, approval, status, retraction, dedup, Mastodon once."""

from __future__ import annotations

from bot.message import ReplyKind
from tests.unit.appel.conftest import COORD, Start

TEXT = "Rassemblement samedi 15h devant la mairie"


async def test_preview_lists_groups_then_oui_fans_out_once_per_room(start: Start) -> None:
    async with start() as h:
        preview = await h.say(f"!appel {TEXT}", "lemans")
        assert "Appel de le-mans (Relais Ouest), relayé par Relais." in preview
        assert "Étiquettes : 72, santé" in preview
        assert "- tout de suite dans : angers (2 salon(s))" in preview
        assert "- après accord de leurs organisatrices et organisateurs : tours" in preview
        assert "aux autres Relais reliés (1 salon(s) de coordination)" in preview
        assert "nantes" not in preview
        assert h.in_room("salon:angers") == []  # nothing leaves before "oui"

        answer = await h.say("oui", "lemans")
        assert "appel **n° 1**" in answer
        for room in ("salon:angers", "salon:angers-2"):
            (copy,) = h.in_room(room)
            assert copy.kind is ReplyKind.ANNOUNCEMENT
            assert copy.text.startswith(TEXT)
            assert copy.text.endswith("Appel de le-mans (Relais Ouest), relayé par Relais.")
            assert copy.key.startswith("appel-")
        assert h.in_room("salon:lemans", ReplyKind.ANNOUNCEMENT) == []  # not to its origin
        assert h.in_room("salon:nantes") == []
        (request,) = h.in_room("salon:orga-tours")
        assert "!appel accepter 1" in request.text
        assert h.in_room("salon:tours") == []
        (event,) = h.in_room(COORD)
        assert event.kind is ReplyKind.EVENT
        content = event.reply_context["content"]
        assert event.reply_context["event_type"] == "org.relais.call"
        assert content["text"] == TEXT
        assert content["origin_instance"] == "Relais Ouest"
        assert content["origin_group"] == "le-mans"
        assert content["hops"] == ["Relais Ouest"]
        assert content["retract"] is False
        assert content["body"].startswith("Appel de le-mans (Relais Ouest) : ")


async def test_non_cancels_and_members_cannot_launch(start: Start) -> None:
    async with start() as h:
        await h.say(f"!appel {TEXT}", "lemans")
        assert await h.say("non", "lemans") == "D'accord, je n'envoie rien."
        refused = await h.say(f"!appel {TEXT}", "lemans", sender="bob", organiser=False)
        assert "réservée aux organisatrices" in refused
        assert h.in_room("salon:angers") == []
        assert (
            await h.say("!appels", "lemans") == "Aucun appel lancé ni reçu ces 30 derniers jours."
        )


async def test_options_tags_local_and_expiry(start: Start) -> None:
    async with start() as h:
        preview = await h.say("!appel —tags 44 --local --expire 31/05 Chantier collectif", "lemans")
        assert "Étiquettes : 44" in preview
        assert "- tout de suite dans : nantes (1 salon(s))" in preview
        assert "angers" not in preview and "autres Relais" not in preview
        assert "Relayé jusqu'au : dimanche 31 mai 2026" in preview
        await h.say("oui", "lemans")
        assert len(h.in_room("salon:nantes")) == 1
        assert h.in_room(COORD) == []  # --local: not to other instances
        bad = await h.say("!appel --expire hier Chantier", "lemans")
        assert "--expire" in bad


async def test_call_that_would_reach_nobody_is_refused(start: Start) -> None:
    async with start(appels={"instance": "Relais Ouest"}) as h:
        answer = await h.say("!appel --tags 13 Rassemblement", "lemans")
        assert answer.startswith("Aucun groupe ne reçoit un appel avec ces étiquettes (13)")
        assert h.sent()[-1].kind is ReplyKind.ANSWER
        # The suggestion names tags other groups do receive, never the one just tried.
        assert "Les étiquettes que des groupes reçoivent : 49, sante, 37, 44." in answer
        assert answer.endswith("!appel --tags 49 TEXTE")


async def test_from_a_direct_chat_asks_which_group(start: Start) -> None:
    async with start() as h:
        question = await h.say(f"!appel {TEXT}")
        assert "Cet appel vient de quel groupe ?" in question
        assert "1. le-mans" in question
        preview = await h.say("1")
        assert "Appel de le-mans (Relais Ouest)" in preview
        await h.say("oui")
        assert len(h.in_room("salon:angers")) == 1
        direct = await h.say(f"!appel --groupe angers {TEXT} (bis)")
        assert "Appel de angers (Relais Ouest)" in direct
        assert "- tout de suite dans" not in direct  # le-mans and tours both validate
        assert "le-mans, tours" in direct


async def test_approval_accept_and_refuse(start: Start) -> None:
    async with start() as h:
        call = await h.launch(TEXT)
        status = await h.say(f"!appel statut {call}", "lemans")
        assert "- angers : envoyé dans 2 salon(s)" in status
        assert "- tours : en attente de validation" in status

        # A member in an ordinary room may not decide for tours.
        denied = await h.say(f"!appel accepter {call}", "angers", sender="bob", organiser=False)
        assert "Pour décider pour le groupe tours, écrivez cette commande dans son salon" in denied
        # Anyone in tours' organisers' room may.
        accepted = await h.say(
            f"!appel accepter {call}", "orga-tours", sender="dom", organiser=False
        )
        assert "C'est publié dans les salons du groupe tours" in accepted
        (copy,) = h.in_room("salon:tours")
        assert copy.text.startswith(TEXT)
        again = await h.say(f"!appel accepter {call}", "orga-tours")
        assert "n'attend l'accord d'aucun groupe" in again
        assert len(h.in_room("salon:tours")) == 1
        status = await h.say(f"!appel statut {call}", "lemans")
        assert "- tours : envoyé dans 1 salon(s)" in status

        second = await h.launch("Réunion publique mercredi 18h")
        refused = await h.say(f"!appel refuser {second}", "orga-tours")
        assert "ne sera pas publié dans le groupe tours" in refused
        assert len(h.in_room("salon:tours")) == 1
        status = await h.say(f"!appel statut {second}", "lemans")
        assert "- tours : refusé par ses organisatrices et organisateurs" in status
        late = await h.say(f"!appel accepter {second} tours", "lemans")
        assert "n'attend pas d'accord pour le groupe tours (il est : déjà refusé)" in late


async def test_retraction_takes_back_every_copy_and_tells_peers(start: Start) -> None:
    async with start() as h:
        call = await h.launch(TEXT)
        copies = {item.channel.id: item for item in h.sent() if item.kind is ReplyKind.ANNOUNCEMENT}
        answer = await h.say(f"!appel retirer {call}", "lemans")
        assert "est retiré : je supprime ses 2 copie(s)" in answer
        assert "Les autres Relais reliés sont prévenus" in answer
        retractions = {
            item.channel.id: item.reply_context["remote_id"]
            for item in h.sent()
            if item.kind is ReplyKind.RETRACTION
        }
        # Both copies, and the request waiting in tours' organisers' room.
        assert retractions == {
            room: f"remote-{copies[room].id}"
            for room in ("salon:angers", "salon:angers-2", "salon:orga-tours")
        }
        events = h.in_room(COORD, ReplyKind.EVENT)
        assert [e.reply_context["content"]["retract"] for e in events] == [False, True]
        assert events[1].reply_context["content"]["text"] == ""
        status = await h.say(f"!appel statut {call}", "lemans")
        assert "Retiré le" in status and "- angers : retiré dans 2 salon(s)" in status
        assert "a été retiré" in await h.say(f"!appel accepter {call}", "orga-tours")
        assert "a été retiré" in await h.say(f"!appel retirer {call}", "lemans")
        listing = await h.say("!appels", "lemans")
        assert f"- n° {call}, lancé, retiré, le 20/05 à 12:00" in listing


async def test_same_text_is_not_launched_twice_within_the_window(start: Start) -> None:
    async with start() as h:
        first = await h.launch(TEXT)
        again = await h.say("!appel  rassemblement SAMEDI 15h, devant la mairie !", "lemans")
        assert f"déjà été lancé ou reçu (n° {first}" in again
        h.clock.advance(hours=73)  # the window is 72 hours
        assert await h.launch(TEXT) == first + 1
        assert len(h.in_room("salon:angers")) == 2


async def test_unknown_or_missing_number(start: Start) -> None:
    async with start() as h:
        assert "Je ne trouve pas d'appel numéro 7" in await h.say("!appel statut 7", "lemans")
        assert "Donnez le numéro de l'appel" in await h.say("!appel retirer x", "lemans")


async def test_mastodon_gets_one_post_for_several_groups_and_loses_it_on_retraction(
    start: Start,
) -> None:
    async with start(mastodon=True) as h:
        preview = await h.say(f"!appel {TEXT}", "lemans")
        assert "- sur Mastodon (une seule fois)" in preview
        await h.say("oui", "lemans")
        await h.say("!appel accepter 1", "orga-tours")  # tours posts to Mastodon too
        (post,) = h.in_room("announce")
        assert post.channel.transport == "mastodon"
        status = await h.say("!appel statut 1", "lemans")
        assert "- Mastodon : envoyé" in status
        await h.say("!appel retirer 1", "lemans")
        (retraction,) = h.in_room("announce", ReplyKind.RETRACTION)
        assert retraction.reply_context == {"remote_id": f"remote-{post.id}"}
