"""The testimony conversation through a real App: every step, words and numbers, restart."""

from __future__ import annotations

from typing import Any

import nacl.public

from bot.message import Channel, Role
from tests.unit.temoignage.conftest import DM, ORGA_ROOM, ROOM, SENDER, Harness, find_code

STORY = ("!temoigner", "1", "La CAF a coupé mon RSA.", "Personne ne répond au 3230.", "!fin")


async def test_whole_flow_read_only(harness: Harness, private_key: nacl.public.PrivateKey) -> None:
    intro = await harness.say("!temoigner")
    assert len(intro) == 1
    assert "lu uniquement par Camille et Sam" in intro[0]
    assert "gardé 180 jours" in intro[0]
    assert "!annuler" in intro[0] and "24 heures" in intro[0]
    assert "1. CAF" in intro[0] and "8. Autre chose" in intro[0]
    assert "Mastodon" not in intro[0]
    assert (await harness.say("un"))[0].startswith("Thème : CAF. Merci.")
    first = await harness.say("La CAF a coupé mon RSA.")
    assert "!fin" in first[0]
    assert await harness.say("Personne ne répond au 3230.") == ["Noté."]
    assert "Dans quel département" in (await harness.say("!fin"))[0]
    assert "administration" in (await harness.say("72"))[0]
    assert "mois" in (await harness.say("La CAF de la Sarthe"))[0]
    consent = await harness.say("mars 2025")
    assert "1. Seulement être lu par Camille et Sam." in consent[0]
    done = await harness.say("1")
    code = find_code(done)
    assert "lecture seulement" in done[0]
    assert "16 novembre 2026" in done[0]  # 20 May 2026 + 180 days
    notices = harness.transports["matrix"].sent
    assert [n.channel.id for n in notices] == [ORGA_ROOM]
    assert notices[0].text.startswith("Un nouveau témoignage (thème : CAF) est arrivé.")
    assert "RSA" not in notices[0].text
    items = await harness.opened(private_key)
    assert items == [
        {
            "recu_le": "2026-05-20",
            "theme": "CAF",
            "accord": "lecture seulement, pas de publication",
            "departement": "72",
            "administration": "La CAF de la Sarthe",
            "mois": "mars 2025",
            "texte": "La CAF a coupé mon RSA.\n\nPersonne ne répond au 3230.",
            "texte_anonymise": "",
        }
    ]
    assert code not in str(items)
    # The conversation is over: a plain DM gets the menu again.
    assert (await harness.say("bonjour"))[0].startswith("Bonjour !")


async def test_publication_shows_the_anonymised_version_first(
    harness: Harness, private_key: nacl.public.PrivateKey
) -> None:
    await harness.say_all("!temoigner", "deux", "Appelez-moi au 06 12 34 56 78 svp.", "fin")
    await harness.say_all("passer", "passer", "je ne sais pas")
    preview = await harness.say("publier")
    assert "[téléphone]" in preview[0] and "06 12" not in preview[0]
    assert "Il ne voit pas tout" in preview[0]  # the scrubber's limits
    assert "Répondez oui ou non" in preview[1]
    assert (await harness.say("peut-être"))[0].startswith("Répondez oui")
    code = find_code(await harness.say("oui"))
    assert code
    (item,) = await harness.opened(private_key)
    assert item["accord"] == "publication possible après anonymisation"
    assert item["texte"] == "Appelez-moi au 06 12 34 56 78 svp."
    assert item["texte_anonymise"] == "Appelez-moi au [téléphone] svp."
    assert (item["departement"], item["administration"], item["mois"]) == ("", "", "")


async def test_the_person_can_correct_the_version_to_publish(
    harness: Harness, private_key: nacl.public.PrivateKey
) -> None:
    """A detail the scrubber cannot see (a first name alone): the person says « corriger »,
    sends the version to publish, sees it anonymised again and accepts it; the readers
    still get the whole story."""
    story = "Aurélien, l'agent de la CAF de Sablé, a coupé mon RSA."
    await harness.say_all("!temoigner", "1", story, "fin", "passer", "passer", "passer")
    preview = await harness.say("2")
    assert "Aurélien" in preview[0] and "corriger" in preview[1]
    asked = await harness.say("corriger")
    assert asked[0].startswith("Envoyez-moi, en un seul message, la version à publier")
    again = await harness.say("Un agent de la CAF a coupé mon RSA. Rappel : 06 12 34 56 78.")
    assert "Aurélien" not in again[0] and "[téléphone]" in again[0]
    assert find_code(await harness.say("oui"))
    (item,) = await harness.opened(private_key)
    assert item["texte"] == story
    assert item["texte_anonymise"] == "Un agent de la CAF a coupé mon RSA. Rappel : [téléphone]."


async def test_refusing_the_preview_goes_back_to_the_choice(
    harness: Harness, private_key: nacl.public.PrivateKey
) -> None:
    await harness.say_all(*STORY, "passer", "passer", "passer", "2")
    back = await harness.say("non")
    assert "ne sera pas publiée" in back[0] and "3. Finalement, ne rien garder." in back[0]
    find_code(await harness.say("1"))
    (item,) = await harness.opened(private_key)
    assert item["accord"] == "lecture seulement, pas de publication"
    assert item["texte_anonymise"] == ""


async def test_keep_nothing_stores_nothing(harness: Harness) -> None:
    await harness.say_all(*STORY, "passer", "passer", "passer")
    answer = await harness.say("3")
    assert answer[0].startswith("C'est fait : rien n'a été gardé.")
    assert await harness.count() == 0
    assert harness.sent("matrix") == []


async def test_nonsense_and_help_are_answered_kindly_at_every_step(harness: Harness) -> None:
    await harness.say("!temoigner")
    assert (await harness.say("banane"))[0].startswith("Je n'ai pas compris.")
    assert (await harness.say("12"))[0].startswith("Je n'ai pas compris.")
    assert "thème" in (await harness.say("aide"))[0]
    assert (await harness.say("pôle emploi"))[0].startswith("Thème : France Travail.")
    assert "Rien n'est envoyé avant la fin" in (await harness.say("?"))[0]
    assert (await harness.say("!fin"))[0].startswith("Vous n'avez encore rien raconté.")
    assert (await harness.say("!passer"))[0].startswith("Racontez ce qui s'est passé")
    await harness.say("Mon conseiller a radié mon dossier.")
    await harness.say("!fin")
    assert (await harness.say("banane 99"))[0].startswith("Je n'ai pas reconnu")
    assert "facultative" in (await harness.say("aide"))[0]
    await harness.say("2A")
    await harness.say("!passer")
    assert (await harness.say("blablabla"))[0].startswith("Je n'ai pas compris le mois")
    assert (await harness.say("décembre 2099"))[0].startswith("Ce mois n'est pas encore")
    assert "Dernière question" in (await harness.say("le mois dernier"))[0]
    assert (await harness.say("peut-être"))[0].startswith("Répondez par un numéro, 1, 2 ou 3")
    assert "version anonymisée" in (await harness.say("aide"))[0]
    assert find_code(await harness.say("je ne veux pas qu'il soit publié"))


async def test_started_from_a_room_continues_in_private(harness: Harness) -> None:
    replies = await harness.say("!temoigner", direct=False, channel=ROOM)
    sent = harness.transports["test"].sent
    assert [item.channel.is_direct for item in sent] == [True, False]
    assert sent[0].channel == Channel.direct_to("test", SENDER)  # the transport opens it
    assert sent[0].text.startswith("**Témoigner, en confiance**")
    assert replies[1] == "Je vous écris en privé."
    # The next private message, from the DM room the transport found, continues it.
    assert (await harness.say("CAF"))[0].startswith("Thème : CAF.")
    # Typing !temoigner again does not throw the draft away.
    again = await harness.say("!temoigner", direct=False, channel=ROOM)
    assert again[0].startswith("Vous avez déjà un témoignage en cours.")
    assert (await harness.say("Texte."))[0].startswith("C'est noté.")


async def test_mastodon_warning_comes_before_the_story(harness: Harness) -> None:
    intro = await harness.say("!temoigner", transport="mastodon", channel="dm:bea")
    assert "**Attention, sur Mastodon**" in intro[0]
    assert "Matrix" in intro[0] and "papier" in intro[0]
    assert intro[0].index("Attention") < intro[0].index("1. CAF")


async def test_cancel_deletes_the_draft(harness: Harness) -> None:
    await harness.say_all("!temoigner", "1", "Un début d'histoire.")
    assert await harness.say("!annuler") == [
        "C'est annulé : votre brouillon est effacé, rien n'a été gardé."
    ]
    store = harness.running.services.store
    assert await store.fetchall("SELECT * FROM conversations") == []
    assert await harness.count() == 0
    assert (await harness.say("bonjour"))[0].startswith("Bonjour !")


async def test_restart_in_the_middle_resumes(
    harness: Harness, private_key: nacl.public.PrivateKey
) -> None:
    await harness.say_all("!temoigner", "5", "Avant le redémarrage.")
    await harness.restart()
    assert await harness.say("Après le redémarrage.") == ["Noté."]
    await harness.say("!fin")
    await harness.restart()
    await harness.say_all("passer", "école du quartier", "passer")
    find_code(await harness.say("un"))
    (item,) = await harness.opened(private_key)
    assert item["texte"] == "Avant le redémarrage.\n\nAprès le redémarrage."
    assert item["theme"] == "école"


async def test_story_length_is_capped_kindly(
    harness: Harness, settings: dict[str, Any], private_key: nacl.public.PrivateKey
) -> None:
    settings["max_length"] = 500
    await harness.restart()
    await harness.say_all("!temoigner", "1")
    assert (await harness.say("a" * 400))[0].startswith("C'est noté.")
    refused = await harness.say("b" * 200)
    assert refused[0].startswith("Ce message est trop long") and "100 caractères" in refused[0]
    await harness.say("c" * 90)
    full = await harness.say("d" * 30)
    assert full[0].startswith("Votre témoignage a atteint la longueur maximale (500")
    await harness.say_all("!fin", "passer", "passer", "passer")
    find_code(await harness.say("1"))
    (item,) = await harness.opened(private_key)
    assert item["texte"] == "a" * 400 + "\n\n" + "c" * 90


async def test_abandoned_draft_expires(harness: Harness, settings: dict[str, Any]) -> None:
    settings["draft_hours"] = 2
    await harness.restart()
    intro = await harness.say_all("!temoigner", "1")
    assert "Sans réponse pendant 2 heures" in intro[0]
    harness.clock.now = harness.clock.now.replace(hour=11, minute=30)
    assert (await harness.say("Toujours là."))[0].startswith("C'est noté.")
    harness.clock.now = harness.clock.now.replace(hour=13, minute=31)  # 2 h 01 later
    assert (await harness.say("Encore là ?"))[0].startswith("Bonjour !")
    store = harness.running.services.store
    assert await store.fetchall("SELECT * FROM conversations") == []


async def test_closed_without_keys(harness: Harness, settings: dict[str, Any]) -> None:
    settings["public_keys"] = []
    await harness.restart()
    answer = await harness.say("!temoigner")
    assert answer[0].startswith("Les témoignages ne sont pas encore ouverts")
    assert await harness.running.services.store.fetchall("SELECT * FROM conversations") == []


async def test_temoignage_alone_starts_and_with_words_shows_the_menu(harness: Harness) -> None:
    assert "Répondez par un numéro" in (await harness.say("!temoignage"))[0]
    await harness.say("!annuler")
    menu = await harness.say("!temoignage n'importe quoi")
    assert "!temoignage statut CODE" in menu[0] and "!temoigner" in menu[0]


async def test_stats_for_organisers_only(harness: Harness) -> None:
    await harness.say_all(*STORY, "passer", "passer", "passer", "1")
    await harness.say_all("!temoigner", "7", "Contrôle au faciès.", "!fin", "75", "passer")
    await harness.say_all("passer", "1")
    refused = await harness.say("!temoignages stats", direct=False, channel=ORGA_ROOM)
    assert refused[0].startswith("Cette commande est réservée")
    stats = await harness.say(
        "!temoignages stats", direct=False, channel=ORGA_ROOM, role=Role.ORGANISER
    )
    assert stats[0].splitlines() == [
        "Témoignages gardés : 2",
        "",
        "Par thème :",
        "- CAF : 1",
        "- police et surveillance : 1",
        "",
        "Par mois d'arrivée :",
        "- mai 2026 : 2",
    ]
    assert "faciès" not in stats[0]


async def test_each_conversation_belongs_to_its_person(harness: Harness) -> None:
    await harness.say_all("!temoigner", "1")
    other = await harness.say("1", sender="@zoe:example.org", channel="!dm-zoe:example.org")
    assert other[0].startswith("Bonjour !")  # Zoé has no draft: menu
    # Béa's draft is untouched.
    assert (await harness.say("Mon histoire.", channel=DM))[0].startswith("C'est noté.")
