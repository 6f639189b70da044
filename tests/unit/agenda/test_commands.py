"""`!agenda` in the console through a real App: add with confirmation, list, see, change,
cancel, the feed address, roles, and the group question in a private conversation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.app import App
from bot.message import Role
from tests.helpers import RecordingTransport, message
from tests.unit.agenda.conftest import PARIS, Clock, ask, make_config, running, service_of

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)  # Wednesday
ADD = "!agenda ajouter samedi 23 mai 15h | Rassemblement contre la LGV | Bois du Fouillet"


async def add_one(app: App, transport: RecordingTransport, text: str = ADD) -> int:
    await ask(app, transport, text)
    answer = await ask(app, transport, "oui")
    assert "C'est enregistré : rendez-vous **n°" in answer
    return int(answer.split("n°")[1].split("*")[0])


async def test_add_shows_what_was_understood_then_saves_on_oui(tmp_path: Path) -> None:
    async with running(make_config(tmp_path), Clock(NOW)) as (app, transport):
        question = await ask(app, transport, ADD)
        assert question.splitlines()[:4] == [
            "Voici ce que j'ai compris :",
            "Quand : samedi 23 mai 2026, 15:00",
            "Quoi : Rassemblement contre la LGV",
            "Où : Bois du Fouillet",
        ]
        assert "Type : rassemblement" in question
        assert "Annoncé dans : #general" in question
        assert "7 jours avant (déjà passé, ne sera pas envoyé)" in question
        assert "la veille à 18:00 (vendredi 22 mai, 18:00)" in question
        assert await service_of(app).get(1) is None  # nothing saved before "oui"
        answer = await ask(app, transport, "oui")
        assert "rendez-vous **n°1**" in answer
        event = await service_of(app).get(1)
        assert event is not None
        assert (event.title, event.place, event.group, event.kind) == (
            "Rassemblement contre la LGV",
            "Bois du Fouillet",
            "le-mans",
            "rassemblement",
        )
        listing = await ask(app, transport, "!agenda", organiser=False)
        assert (
            "- samedi 23 mai, 15:00 : **Rassemblement contre la LGV**, Bois du Fouillet (n°1)"
            in (listing)
        )


async def test_non_cancels_and_anything_else_gets_help(tmp_path: Path) -> None:
    async with running(make_config(tmp_path), Clock(NOW)) as (app, transport):
        await ask(app, transport, ADD)
        assert "Répondez **oui** pour enregistrer" in await ask(app, transport, "peut-être")
        assert await ask(app, transport, "non") == "D'accord, je n'enregistre rien."
        assert await service_of(app).get(1) is None
        assert await ask(app, transport, "oui") == ""  # the conversation is over
        await ask(app, transport, ADD)
        assert await ask(app, transport, "!annuler") == "D'accord, je n'enregistre rien."
        assert await service_of(app).get(1) is None


async def test_dates_the_parser_refuses_are_explained(tmp_path: Path) -> None:
    async with running(make_config(tmp_path), Clock(NOW)) as (app, transport):
        answer = await ask(app, transport, "!agenda ajouter samedi 4 juin 15h | Rassemblement")
        assert answer == "Le 4 juin 2026 est un jeudi, pas un samedi. Vérifiez la date."
        answer = await ask(app, transport, "!agenda ajouter hier 15h | Réunion | Salle")
        assert answer == "Le mardi 19 mai 2026 est déjà passé. Choisissez une date à venir."
        answer = await ask(app, transport, "!agenda ajouter samedi 15h")
        assert "Il manque le titre" in answer
        assert await service_of(app).get(1) is None


async def test_members_read_but_cannot_add(tmp_path: Path) -> None:
    async with running(make_config(tmp_path), Clock(NOW)) as (app, transport):
        answer = await ask(app, transport, ADD, organiser=False)
        assert "réservée aux organisatrices et organisateurs" in answer
        assert await ask(app, transport, "!agenda", organiser=False) == (
            "Rien de prévu pour les 7 prochains jours."
        )


async def test_month_listing_and_recurring_event(tmp_path: Path) -> None:
    async with running(make_config(tmp_path), Clock(NOW)) as (app, transport):
        await add_one(
            app,
            transport,
            "!agenda ajouter tous les mercredis de 14h à 21h | Chantier participatif | La Cabane",
        )
        week = await ask(app, transport, "!agenda semaine")
        assert week.count("Chantier participatif") == 1  # today 14:00 is still ahead
        month = await ask(app, transport, "!agenda mois")
        assert month.count("Chantier participatif") == 5
        details = await ask(app, transport, "!agenda voir 1")
        assert "Quand : tous les mercredis, de 14:00 à 21:00" in details
        assert "Prochaines dates : mercredi 20 mai, de 14:00 à 21:00; mercredi 27 mai" in details
        assert "Rappels : la veille à 18:00, 2 h avant" in details


async def test_change_fields_and_move_with_confirmation(tmp_path: Path) -> None:
    async with running(make_config(tmp_path), Clock(NOW)) as (app, transport):
        number = await add_one(app, transport)
        assert "C'est changé" in await ask(
            app, transport, f"!agenda modifier {number} titre Grand rassemblement"
        )
        assert "C'est changé" in await ask(
            app, transport, f"!agenda modifier {number} rappels J-2 10h, 1h"
        )
        assert "C'est changé" in await ask(app, transport, f"!agenda modifier {number} type manif")
        assert "Un lien doit commencer" in await ask(
            app, transport, f"!agenda modifier {number} lien www"
        )
        assert "Je ne connais pas le champ « couleur »" in await ask(
            app, transport, f"!agenda modifier {number} couleur rouge"
        )
        details = await ask(app, transport, f"!agenda voir {number}")
        assert "**n°1 : Grand rassemblement**" in details
        assert "Rappels : 2 jours avant à 10:00, 1 h avant" in details
        assert "Type : manifestation" in details
        question = await ask(app, transport, f"!agenda modifier {number} quand dimanche 24 mai 16h")
        assert question.startswith("Nouveau moment pour le n°1 : dimanche 24 mai 2026, 16:00")
        assert "Un avis de changement sera envoyé à : #general." in question
        answer = await ask(app, transport, "oui")
        assert "C'est changé, et l'avis est parti." in answer
        notice = next(i for i in transport.sent if i.key.startswith("agenda-notice-1-"))
        assert notice.channel.id == "salon:general"
        assert "Avant : samedi 23 mai 2026, 15:00, Bois du Fouillet" in notice.text
        assert "Maintenant : dimanche 24 mai 2026, 16:00, Bois du Fouillet" in notice.text
        await ask(app, transport, f"!agenda modifier {number} lieu Salle Guy Môquet")
        assert "C'est changé" in await ask(app, transport, "oui")
        event = await service_of(app).get(number)
        assert event is not None and event.place == "Salle Guy Môquet"
        assert event.start == datetime(2026, 5, 24, 16, 0, tzinfo=PARIS)


async def test_cancel_asks_first_then_tells_the_rooms(tmp_path: Path) -> None:
    async with running(make_config(tmp_path), Clock(NOW)) as (app, transport):
        number = await add_one(app, transport)
        question = await ask(app, transport, f"!agenda annuler {number}")
        assert question.startswith("Annuler le rendez-vous n°1 : Rassemblement contre la LGV")
        assert "Répondez **oui** pour annuler" in question
        assert await ask(app, transport, "non") == "D'accord, le rendez-vous est maintenu."
        await ask(app, transport, f"!agenda annuler {number}")
        assert "C'est annulé, et l'avis est parti." in await ask(app, transport, "oui")
        notice = next(i for i in transport.sent if i.key.startswith("agenda-notice-1-"))
        assert notice.text == (
            "**Annulé** : Rassemblement contre la LGV, qui était prévu samedi 23 mai 2026, 15:00."
        )
        assert "Rien de prévu" in await ask(app, transport, "!agenda")
        assert "État : **annulé**" in await ask(app, transport, "!agenda voir 1")
        assert "déjà annulé" in await ask(app, transport, "!agenda annuler 1")
        assert "Je ne trouve pas de rendez-vous numéro 99" in await ask(
            app, transport, "!agenda voir 99"
        )


async def test_a_private_conversation_asks_which_group(tmp_path: Path) -> None:
    groups = [
        {"name": "le-mans", "rooms": ["console:salon:general"]},
        {"name": "allonnes", "rooms": ["console:salon:allonnes"]},
    ]
    async with running(make_config(tmp_path, groups=groups), Clock(NOW)) as (app, transport):
        question = await ask(app, transport, ADD, room=None)
        assert question == "Pour quel groupe ? Répondez par un numéro :\n1. le-mans\n2. allonnes"
        assert "Répondez par le numéro" in await ask(app, transport, "7", room=None)
        confirm = await ask(app, transport, "2", room=None)
        assert "Groupe : allonnes" in confirm
        assert "Annoncé dans : #allonnes" in confirm
        await ask(app, transport, "oui", room=None)
        event = await service_of(app).get(1)
        assert event is not None and event.group == "allonnes"
        # In the other group's room, nothing; in a DM, every group's events.
        assert "Rien de prévu" in await ask(app, transport, "!agenda")
        assert "(n°1, allonnes)" in await ask(app, transport, "!agenda", room=None)


async def test_feed_address_and_help(tmp_path: Path) -> None:
    config = make_config(tmp_path, agenda={"public_url": "https://agenda.exemple.org"})
    async with running(config, Clock(NOW)) as (app, transport):
        answer = await ask(app, transport, "!agenda ics", organiser=False)
        assert "https://agenda.exemple.org/le-mans/agenda.ics" in answer
        assert "https://agenda.exemple.org/le-mans/agenda" in answer
        help_text = await ask(app, transport, "!aide agenda", organiser=True)
        assert "!agenda modifier N CHAMP VALEUR" in help_text
        assert "quand, titre, lieu, description, lien" in help_text
        assert "·" not in help_text
        assert "Je ne connais pas « demain »" in await ask(app, transport, "!agenda demain")
    async with running(make_config(tmp_path / "b"), Clock(NOW)) as (app, transport):
        assert "pas publié" in await ask(app, transport, "!agenda ics")


async def test_without_groups_events_announce_where_they_were_created(app: App) -> None:
    """The shared fixture: embedded-like config, no group at all, real clock."""
    transport = RecordingTransport("test-agenda")
    app.add_transport(transport)

    async def say(text: str) -> str:
        msg = message(
            text, role=Role.ORGANISER, channel="dm:alice", direct=True, transport="test-agenda"
        )
        before = len(transport.sent)
        await app.router.handle(msg)
        assert await app.services.outbox.drain(5)
        return "\n".join(i.text for i in transport.sent[before:])

    question = await say("!agenda ajouter demain 18h | Réunion publique | Salle des fêtes")
    assert "Groupe : local" in question
    assert "Annoncé dans : message privé" in question
    assert "rendez-vous **n°1**" in await say("oui")
    assert "Réunion publique" in await say("!agenda")


async def test_mastodon_is_a_target_until_an_organiser_says_no(tmp_path: Path) -> None:
    mastodon = {"mastodon": {"api_base_url": "https://m.example", "access_token": "x"}}
    config = make_config(tmp_path, extra=mastodon)
    async with running(config, Clock(NOW)) as (app, transport):
        await ask(app, transport, ADD)
        assert "rendez-vous **n°1**" in await ask(app, transport, "oui")
        assert "Annoncé dans : #general, Mastodon" in await ask(app, transport, "!agenda voir 1")
        await ask(app, transport, "!agenda modifier 1 mastodon non")
        assert "Annoncé dans : #general\n" in await ask(app, transport, "!agenda voir 1")
        await ask(app, transport, "!agenda modifier 1 mastodon oui")
        assert "Annoncé dans : #general, Mastodon" in await ask(app, transport, "!agenda voir 1")
        assert "Répondez oui ou non" in await ask(app, transport, "!agenda modifier 1 mastodon bof")
