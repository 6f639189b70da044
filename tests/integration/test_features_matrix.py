"""The features end to end: a real Synapse, a Relais bot, and people on real E2EE clients.

`!droit`/`!orga`/`!modele` in an encrypted group room; the agenda from `!agenda ajouter`
to a reminder that arrives once (also across a restart) and a cancellation notice; a
testimony told in a private conversation the bot opens itself, read back offline with
the collective's private key, and withdrawn with its receipt code.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from nacl.public import PrivateKey

from bot.transports.matrix.markup import ALLOWED_TAGS
from commands.temoignage import texts as tem_texts
from devserver.synapse import LocalSynapse, UserCredentials
from tests.kit.cli import run_relais
from tests.kit.matrix import (
    Person,
    RelaisUnderTest,
    accept_invite,
    answer,
    ask,
    bodies,
    replied_event,
    set_feature_config,
)

from .conftest import NewUser

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
async def people() -> AsyncIterator[list[Person]]:
    """People logged in by a test; closed at the end."""
    logged: list[Person] = []
    yield logged
    for person in logged:
        await person.close()


async def login(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person], name: str
) -> Person:
    person = await Person.login(synapse, await new_user(name), tmp_path / name)
    people.append(person)
    return person


def html_tags(html: str) -> set[str]:
    return {tag.lower() for tag in re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", html)}


async def group_room(
    creator: Person, bot_user: UserCredentials, *others: str, name: str | None = None
) -> str:
    return await creator.create_room([bot_user.user_id, *others], encrypted=True, name=name)


async def start_group_bot(
    synapse: LocalSynapse,
    bot_user: UserCredentials,
    tmp_path: Path,
    organiser: Person,
    room_id: str,
) -> RelaisUnderTest:
    """A started bot whose one group "g" is `room_id`, with `organiser` as organiser."""
    bot = RelaisUnderTest(
        synapse,
        bot_user,
        tmp_path / "bot",
        organisers=[organiser.user_id],
        groups=[{"name": "g", "rooms": [room_id]}],
    )
    await bot.start()
    return bot


# -- !droit, !orga, !modele ------------------------------------------------------------------


async def test_rights_answers_in_an_encrypted_group_room(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice = await login(synapse, new_user, tmp_path, people, "alice")
    room_id = await group_room(alice, bot_user)
    bot = await start_group_bot(synapse, bot_user, tmp_path, alice, room_id)
    try:
        await alice.wait_joined(room_id, bot_user.user_id)

        (topic,) = await ask(alice, room_id, "!droit la caf m'a coupé mes allocs")
        assert topic.decrypted
        assert topic.body.startswith("CAF : contrôle, aide coupée, trop-perçu (indu)")
        assert "Que faire" in topic.body and "**" not in topic.body
        content = topic.source["content"]
        assert content["format"] == "org.matrix.custom.html"
        html = content["formatted_body"]
        assert "<ol>" in html and "<li>" in html  # the numbered steps are a real list
        assert "<strong>CAF : contrôle" in html
        assert html_tags(html) <= ALLOWED_TAGS  # nothing outside the renderer's list

        sources = await answer(alice, room_id, "!droit caf sources")
        assert sources.startswith("Sources : CAF : contrôle")
        assert "legifrance.gouv.fr" in sources

        cnil = await answer(alice, room_id, "!orga cnil")
        assert cnil.startswith("CNIL (Commission nationale de l'informatique et des libertés)")
        assert "https://www.cnil.fr/fr/plaintes" in cnil

        # An introduction, then the letter alone in its own message (easy to copy).
        intro, letter = await ask(alice, room_id, "!modele acces-rgpd", count=2)
        assert intro.body.startswith("Demander une copie de vos données (RGPD, article 15)")
        assert "Base légale" in intro.body
        assert letter.body.startswith("[Vos nom et prénom]")
        assert "Objet : demande d'accès à mes données personnelles" in letter.body
        assert "[Votre signature]" in letter.body

        nonsense = await answer(alice, room_id, "!droit zorglub frobnicate quantique")
        assert nonsense.startswith("Je n'ai pas de fiche sur ce sujet.")

        # Vague: not a topic, the closest ones to choose from; "1" in the room picks one.
        unsure = await answer(alice, room_id, "!droit j'ai un probleme avec un papier")
        assert unsure.startswith("Je ne suis pas sûr d'avoir bien compris.")
        first = re.search(r"^1\. (.+) : !droit ([a-z0-9-]+)$", unsure, re.MULTILINE)
        assert first is not None, unsure
        chosen = await answer(alice, room_id, "1")
        assert chosen.startswith(first.group(1))
        assert f"!droit {first.group(2)} sources" in chosen
    finally:
        await bot.stop()


# -- the agenda ---------------------------------------------------------------------------------

REMINDER_LEAD = timedelta(seconds=12)  # from "!agenda ajouter" to the reminder


async def test_agenda_reminder_arrives_once_and_cancellation_is_announced(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice = await login(synapse, new_user, tmp_path, people, "alice")
    room_id = await group_room(alice, bot_user, name="Collectif des Sablons")
    bot = await start_group_bot(synapse, bot_user, tmp_path, alice, room_id)
    try:
        await alice.wait_joined(room_id, bot_user.user_id)
        # Offsets and times are whole minutes. Move the bot's clock forward (never back)
        # so that its next minute boundary is REMINDER_LEAD away: the reminder of an event
        # 30 min after that boundary, with a "30min" reminder, is due then.
        now = bot.clock()
        due = (now + REMINDER_LEAD + timedelta(minutes=1)).replace(second=0, microsecond=0)
        if due - REMINDER_LEAD - now >= timedelta(minutes=1):
            due -= timedelta(minutes=1)
        bot.clock.offset += due - REMINDER_LEAD - now
        start = (due + timedelta(minutes=30)).astimezone(PARIS)

        question = await answer(
            alice,
            room_id,
            f"!agenda ajouter {start:%d/%m/%Y %Hh%M} | Réunion test | Salle Guy Môquet",
        )
        assert question.startswith("Voici ce que j'ai compris :")
        assert "Réunion test" in question and "Salle Guy Môquet" in question
        # The room is named as its members know it, never by its address.
        assert "« Collectif des Sablons »" in question and room_id not in question
        added = await answer(alice, room_id, "oui")
        found = re.search(r"rendez-vous n°(\d+)", added)
        assert added.startswith("C'est enregistré") and found is not None, added
        number = found.group(1)
        changed = await answer(alice, room_id, f"!agenda modifier {number} rappels 30min")
        assert changed.startswith("C'est changé."), changed

        listing = await answer(alice, room_id, "!agenda")
        assert f"Réunion test, Salle Guy Môquet (n°{number})" in listing
        assert f"{start:%H:%M}" in listing

        def is_reminder(body: str) -> bool:
            return body.startswith("Rappel") and "Réunion test" in body

        (reminder,) = await alice.notices(
            room_id, timeout=REMINDER_LEAD.total_seconds() + 30, where=lambda e: is_reminder(e.body)
        )
        assert reminder.body.startswith("Rappel : Réunion test")  # on time, not "en retard"
        assert "dans 30 min" in reminder.body and "Où : Salle Guy Môquet" in reminder.body
        assert replied_event(reminder) is None  # an announcement, not an answer

        await bot.stop()
        await bot.start()
        assert f"(n°{number})" in await answer(alice, room_id, "!agenda")

        cancel = await answer(alice, room_id, f"!agenda annuler {number}")
        assert cancel.startswith(f"Annuler le rendez-vous n°{number} : Réunion test")
        assert await answer(alice, room_id, "oui") == "C'est annulé, et l'avis est parti."
        (notice,) = await alice.notices(
            room_id, where=lambda e: e.body.startswith("Annulé : Réunion test")
        )
        assert "qui était prévu" in notice.body
        assert bot.app is not None
        assert await bot.app.services.outbox.drain(10)
        await alice.sync(500)
        assert len(bodies(alice, room_id, is_reminder)) == 1  # not again after the restart
    finally:
        await bot.stop()


# -- testimonies ----------------------------------------------------------------------------------

MARKER = "Le guichet automatique a avalé ma lettre de recours trois fois de suite."


def database_files(bot: RelaisUnderTest) -> list[Path]:
    path = bot.config.database_path
    return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]


def assert_nothing_readable(files: list[Path], *secrets: str) -> None:
    assert files
    for path in files:
        data = path.read_bytes()
        assert not data or data.startswith((b"SQLite format 3", b"\x37\x7f\x06"))  # db, WAL
        for secret in secrets:
            assert secret.encode() not in data, f"{secret!r} found in {path.name}"


def relais_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_relais(*args)


def read_offline(bot: RelaisUnderTest, key_file: Path, copy: Path, user_id: str) -> Any:
    """What an organiser does: copy the base while the bot runs (`relais backup`), then
    open the testimonies with the private key (`relais temoignages export`)."""
    backup = relais_cli("backup", str(copy), "--data-dir", str(bot.config.data_dir))
    assert backup.returncode == 0, backup.stderr
    assert_nothing_readable([copy], MARKER, user_id)
    exported = relais_cli("temoignages", "export", "--cle", str(key_file), "--base", str(copy))
    assert exported.returncode == 0, exported.stderr
    (item,) = json.loads(exported.stdout)
    return item


async def tell_a_story(alice: Person, dm: str) -> str:
    """Every step of the testimony conversation; returns the receipt code."""
    assert (await answer(alice, dm, "1")).startswith("Thème : CAF. Merci.")
    assert (await answer(alice, dm, "On m'a coupé le RSA en mars sans prévenir.")).startswith(
        "C'est noté."
    )
    assert await answer(alice, dm, MARKER) == "Noté."
    assert (await answer(alice, dm, "!fin")).startswith("Merci pour votre récit.")
    assert (await answer(alice, dm, "passer")).startswith("Quelle administration")
    assert (await answer(alice, dm, "passer")).startswith("Vers quel mois")
    assert (await answer(alice, dm, "passer")).startswith("Dernière question")
    preview, confirm = await ask(alice, dm, "2", count=2)
    assert preview.body.startswith("Voici la version anonymisée")
    assert MARKER in preview.body
    assert confirm.body.startswith("Est-ce que cette version peut être publiée ?")
    (receipt,) = await ask(alice, dm, "oui")
    assert receipt.decrypted
    found = re.search(r"Votre code : ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", receipt.body)
    assert found is not None, receipt.body
    return found.group(1)


async def test_testimony_over_an_encrypted_dm_opened_by_the_bot(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    orga = await login(synapse, new_user, tmp_path, people, "orga")
    alice = await login(synapse, new_user, tmp_path, people, "alice")
    room_id = await group_room(orga, bot_user, alice.user_id)
    orga_room = await group_room(orga, bot_user)
    private_key = PrivateKey.generate()
    key_file = tmp_path / "cle-temoignages.txt"
    key_file.write_text(
        "# clé privée de test\n" + base64.b64encode(bytes(private_key)).decode() + "\n"
    )
    bot = RelaisUnderTest(
        synapse,
        bot_user,
        tmp_path / "bot",
        organisers=[orga.user_id],
        groups=[{"name": "g", "rooms": [room_id], "organisers_room": orga_room}],
    )
    public = base64.b64encode(bytes(private_key.public_key)).decode()
    set_feature_config(bot, {"testimonies": {"public_keys": [public]}})
    await bot.start()
    try:
        await alice.join(room_id)
        await orga.wait_joined(room_id, bot_user.user_id)
        await orga.wait_joined(orga_room, bot_user.user_id)
        await alice.wait_joined(room_id, bot_user.user_id)

        assert await answer(alice, room_id, "!temoigner") == "Je vous écris en privé."
        dm = await accept_invite(alice, bot_user.user_id)
        assert dm != room_id
        (intro,) = await alice.notices(dm, where=lambda e: "Témoigner, en confiance" in e.body)
        assert intro.decrypted
        assert "1. CAF (allocations, RSA, APL)" in intro.body

        code = await tell_a_story(alice, dm)

        (notice,) = await orga.notices(orga_room, where=lambda e: "nouveau témoignage" in e.body)
        assert notice.body == tem_texts.NOTICE.format(theme="CAF")
        assert MARKER not in notice.body and alice.user_id not in notice.body

        assert bot.app is not None
        assert await bot.app.services.outbox.drain(10)
        assert_nothing_readable(database_files(bot), MARKER, alice.user_id)

        item = read_offline(bot, key_file, tmp_path / "copie.sqlite3", alice.user_id)
        assert MARKER in item["texte"]
        assert "On m'a coupé le RSA en mars sans prévenir." in item["texte"]
        assert MARKER in item["texte_anonymise"]
        assert item["theme"] == "CAF"
        assert item["accord"] == tem_texts.CONSENT_LABELS["publication"]

        withdrawn = await answer(alice, dm, f"!temoignage retirer {code}")
        assert withdrawn == tem_texts.WITHDRAWN
        row = await bot.app.services.store.fetchone("SELECT COUNT(*) AS n FROM temoignages")
        assert row is not None and row["n"] == 0
        assert await answer(alice, dm, f"!temoignage statut {code}") == tem_texts.CODE_NOT_FOUND
    finally:
        await bot.stop()
    assert_nothing_readable(database_files(bot), MARKER, alice.user_id)
