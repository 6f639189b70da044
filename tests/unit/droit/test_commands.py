"""`!droit`, `!orga`, `!modele` through a real App (router, conversations, outbox)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import yaml

from bot.app import App
from bot.message import Role
from commands.droit import DroitFeature
from commands.droit.answers import SHORT_POST_BUDGET
from tests.helpers import RecordingTransport, message

TRANSPORT = "droit"
ROOM = "!salon:example.org"


class Chat:
    """One person talking to the bot; `say` returns what the bot answered."""

    def __init__(self, app: App, *, direct: bool = True, role: Role = Role.MEMBER) -> None:
        self.app = app
        self.direct = direct
        self.role = role
        self.transport = RecordingTransport(TRANSPORT)
        app.add_transport(self.transport)

    async def say(self, text: str) -> list[str]:
        before = len(self.transport.sent)
        msg = message(
            text,
            transport=TRANSPORT,
            direct=self.direct,
            channel="dm:alice" if self.direct else ROOM,
            role=self.role,
        )
        await self.app.router.handle(msg)
        await self.app.services.outbox.drain(5)
        return [item.text for item in self.transport.sent[before:]]


@pytest.fixture
def chat(app: App) -> Chat:
    return Chat(app)


async def test_a_question_gets_the_topic_with_steps_and_the_sources_pointer(chat: Chat) -> None:
    (reply,) = await chat.say("!droit la caf m'a coupé mes allocs")
    assert reply.startswith("**CAF : contrôle, aide coupée")
    assert "**Que faire**\n1. " in reply
    assert "**Qui contacter**" in reply
    assert reply.endswith("Pour aller plus loin : !droit caf sources")
    assert "·" not in reply


async def test_aliases_and_direct_ids(chat: Chat) -> None:
    (by_id,) = await chat.say("!droit mon-espace-sante")
    assert by_id.startswith("**Mon Espace Santé")
    (alias,) = await chat.say("!droits papier")
    assert alias.startswith("**Recevoir ses courriers")
    (spaced,) = await chat.say("!DROIT Titre de Séjour")
    assert spaced.startswith("**Titre de séjour")


async def test_sources_and_legal_basis_on_demand(chat: Chat) -> None:
    (reply,) = await chat.say("!droit dossier-medical sources")
    assert reply.startswith("**Sources : Obtenir son dossier médical")
    assert "Code de la santé publique, art. L. 1111-7" in reply
    assert "https://www.legifrance.gouv.fr/" in reply
    assert "Vérifié le " in reply
    assert "document 00" not in reply and ".txt" not in reply
    (unknown,) = await chat.say("!droit nulle-part sources")
    assert "Je ne trouve pas la fiche « nulle-part »" in unknown
    (which,) = await chat.say("!droit sources")
    assert "De quelle fiche" in which


async def test_menu_then_numbers_in_a_conversation(chat: Chat) -> None:
    (menu,) = await chat.say("!droit")
    assert menu.startswith("**Vos droits : choisissez un thème**")
    assert "1. Santé – 4 fiches" in menu
    (health,) = await chat.say("1")
    assert health.startswith("**Santé**")
    lines = [line for line in health.splitlines() if line[:1].isdigit()]
    assert len(lines) == 4
    (topic,) = await chat.say("2")
    chosen_title = lines[1].split(". ", 1)[1]
    assert topic.startswith(f"**{chosen_title}**")
    # The conversation is over: a plain message gets the bot's greeting again.
    (greeting,) = await chat.say("2")
    assert greeting.startswith("Bonjour !")


async def test_a_theme_with_one_topic_opens_it_and_a_theme_name_lists_topics(chat: Chat) -> None:
    (menu,) = await chat.say("!droit")
    number = next(
        line.split(".")[0] for line in menu.splitlines() if line.endswith("Agriculture – 1 fiche")
    )
    (topic,) = await chat.say(number)
    assert topic.startswith("**Agriculture :")
    (police,) = await chat.say("!droit police")
    assert police.startswith("**Police, amendes**")


async def test_a_wrong_number_asks_again_and_annuler_stops(chat: Chat) -> None:
    await chat.say("!droit")
    (again,) = await chat.say("99")
    assert "Je n'ai pas compris votre choix" in again
    (cancelled,) = await chat.say("!annuler")
    assert "on arrête là" in cancelled


async def test_unsure_offers_three_topics_to_pick_by_number(chat: Chat) -> None:
    (unsure,) = await chat.say("!droit sécu")
    assert unsure.startswith("Je ne suis pas sûr d'avoir bien compris.")
    assert unsure.count(": !droit ") == 3
    (topic,) = await chat.say("1")
    assert topic.startswith("**")
    assert topic.endswith("sources")


async def test_out_of_scope_says_so_and_points_to_the_menu_and_orga(chat: Chat) -> None:
    (reply,) = await chat.say("!droit recette de la pâte à crêpes")
    assert reply.startswith("Je n'ai pas de fiche sur ce sujet.")
    assert "!droit : la liste des thèmes" in reply
    assert "!orga" in reply


async def test_in_a_room_unrelated_chat_after_the_menu_is_left_alone(app: App) -> None:
    room = Chat(app, direct=False)
    await room.say("!droit")
    assert await room.say("on se retrouve à 18 h devant la mairie") == []
    assert await room.say("3") == []  # the conversation ended with the unrelated message


async def test_reload_is_for_organisers_and_reports_problems(app: App, tmp_path: Path) -> None:
    member = Chat(app)
    (refused,) = await member.say("!droit recharger")
    assert "réservée aux organisatrices et organisateurs" in refused

    organiser = Chat(app, role=Role.ORGANISER)
    (served,) = await organiser.say("!droit caf")  # the version in service
    assert served.startswith("**CAF : contrôle")
    content = tmp_path / "content"
    shutil.copytree(app.feature(DroitFeature).base.content_dir, content)
    base = app.feature(DroitFeature).base
    base.content_dir = content
    caf = content / "droits" / "caf.yaml"
    data = yaml.safe_load(caf.read_text("utf-8"))
    data["que_faire"][1] = "x" * 301
    caf.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")

    (report,) = await organiser.say("!droit recharger")
    assert "1 problème(s) à corriger" in report
    assert "- caf.yaml: que_faire[2]: plus de 300 caractères (301)" in report
    assert "L'ancienne version reste en service pour : caf.yaml." in report
    (still,) = await organiser.say("!droit caf")
    assert still.startswith("**CAF : contrôle")


async def test_content_is_read_after_start_or_at_the_first_question(app: App) -> None:
    """Nothing is read while the bot starts (its first answer comes sooner); a job reads
    the files two seconds later, and a question asked before waits for them."""
    base = app.feature(DroitFeature).base
    assert base.content.topics == ()
    assert "droit:load" in app.services.scheduler.job_ids("droit:")
    first = Chat(app)
    (reply,) = await first.say("!orga cnil")  # before the job: read now, then answered
    assert reply.startswith("**CNIL")
    assert len(base.content.topics) > 20
    loaded = base.content
    await base.loaded()  # the job, later: nothing read again
    assert base.content is loaded


async def test_the_content_is_read_two_seconds_after_start_unasked(app: App) -> None:
    base = app.feature(DroitFeature).base
    for _ in range(100):  # the real scheduler, the real clock
        if base.content.topics:
            break
        await asyncio.sleep(0.1)
    assert len(base.content.topics) > 20


async def test_orga_by_theme_department_and_name(chat: Chat) -> None:
    (menu,) = await chat.say("!orga")
    assert "- Personnes étrangères : !orga etrangers" in menu
    (foreigners,) = await chat.say("!orgas étrangers")
    assert foreigners.startswith("**Organisations : Personnes étrangères**")
    assert "**La Cimade**" in foreigners
    (sarthe,) = await chat.say("!orga 72")
    assert "L'Allumette (Le Mans)" in sarthe
    (elsewhere,) = await chat.say("!orga 13")
    assert "département 13" in elsewhere
    (cnil,) = await chat.say("!orga cnil")
    assert cnil.startswith("**CNIL")
    assert "Tél. 01 53 73 22 22" in cnil
    (unknown,) = await chat.say("!orga zzz")
    assert "Je ne trouve pas « zzz »" in unknown


async def test_modele_lists_and_gives_a_letter_ready_to_copy(chat: Chat) -> None:
    (listing,) = await chat.say("!modele")
    assert "1. Demander une copie de vos données (RGPD, article 15) : !modele acces-rgpd" in listing
    intro, letter = await chat.say("!modèle acces-rgpd")
    assert intro.startswith("**Demander une copie de vos données")
    assert "Base légale : " in intro
    assert letter.startswith("[Vos nom et prénom]")
    assert "Objet : demande d'accès à mes données personnelles" in letter
    assert "---" not in letter
    (several,) = await chat.say("!modele rgpd")
    assert "Plusieurs modèles correspondent à « rgpd »" in several
    (missing,) = await chat.say("!modele zzz")
    assert missing.startswith("Je ne trouve pas le modèle « zzz ».")


async def test_help_lists_the_commands(chat: Chat) -> None:
    (help_text,) = await chat.say("!aide droit")
    assert "!droit <sujet> sources" in help_text
    assert "Autres noms : !droits" in help_text


async def test_a_number_without_a_list_opens_that_theme_of_the_menu(chat: Chat) -> None:
    (health,) = await chat.say("!droit 1")
    assert health.startswith("**Santé**")
    (topic,) = await chat.say("!droit 1")  # now a number from the list just shown
    assert topic.startswith("**")
    assert "sources" in topic.splitlines()[-1]


async def test_on_mastodon_a_topic_fits_in_one_post(app: App) -> None:
    transport = RecordingTransport("mastodon")
    app.add_transport(transport)
    await app.router.handle(
        message("!droit la caf m'a coupé mes allocs", transport="mastodon", direct=True)
    )
    assert await app.services.outbox.drain(5)
    (answer,) = transport.texts()
    assert len(answer) <= SHORT_POST_BUDGET
    assert answer.startswith("CAF") and "**" not in answer
    assert "!droit caf" in answer  # points to the whole topic
