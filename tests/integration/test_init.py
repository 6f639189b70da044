"""`relais init` against a real Synapse: the questions, the explained errors, the files,
and a bot started from what it wrote that answers in the chosen room."""

from __future__ import annotations

import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from devserver.synapse import LocalSynapse, UserCredentials
from tests.kit.assistant import AssistantSession
from tests.kit.cli import run_relais
from tests.kit.matrix import Person, accept_invite, answer
from tests.kit.process import BotProcess

from .conftest import NewUser

pytestmark = pytest.mark.integration


@pytest.fixture
async def people() -> AsyncIterator[list[Person]]:
    logged: list[Person] = []
    yield logged
    for person in logged:
        await person.close()


async def test_init_asks_checks_writes_and_the_bot_runs_from_it(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice_user = await new_user("alice")
    alice = await Person.login(synapse, alice_user, tmp_path / "alice")
    bot_client = await Person.login(synapse, bot_user, tmp_path / "bot-client")
    people += [alice, bot_client]
    # The bot's account is already in the group's room; the organisers' room is only an
    # invitation (what happens when an organiser invites it from Element).
    group_room = await alice.create_room([bot_user.user_id], encrypted=True, name="Sablons")
    await accept_invite(bot_client, alice_user.user_id)
    await bot_client.close()
    people.remove(bot_client)
    orga_room = await alice.create_room([bot_user.user_id], encrypted=True, name="Orga Sablons")

    folder = tmp_path / "mon-relais"
    session = await AssistantSession.start("--dossier", str(folder), cwd=tmp_path)
    await go_through_the_questions(session, synapse, bot_user, alice_user, group_room)
    assert await session.finish() == 0, session.screen
    assert "Vérification : 1 groupe(s), transports : matrix" in session.screen
    assert bot_user.password not in session.screen
    await check_the_files_and_run_them(folder, bot_user, alice_user, alice, group_room, orga_room)


async def go_through_the_questions(
    session: AssistantSession,
    synapse: LocalSynapse,
    bot_user: UserCredentials,
    alice_user: UserCredentials,
    group_room: str,
) -> None:
    await session.answer("serveur Matrix", synapse.url)
    localpart = bot_user.user_id.split(":")[0].lstrip("@")
    await session.answer("identifiant du compte du robot", localpart)
    await session.answer("mot de passe", "pas-le-bon")
    await session.expect("refuse cet identifiant ou ce mot de passe")
    await session.answer("serveur Matrix", synapse.url)
    await session.answer("identifiant du compte du robot", bot_user.user_id)
    await session.answer("mot de passe", bot_user.password)
    await session.expect(f"le robot est {bot_user.user_id}")
    await session.answer("nom de votre groupe", "Collectif des Sablons")
    await session.expect("Nom court du groupe : collectif-des-sablons")
    listing = await session.expect("Dans quels salons")
    assert "1. Sablons" in listing and "2. Orga Sablons (invitation en attente" in listing
    assert group_room not in listing  # names, not addresses
    await session.answer("", "1")
    await session.answer("organisatrices et organisateurs (avertissements", "2")
    await session.expect("Le robot est entré dans « Orga Sablons »")
    await session.answer("Qui organise", "alice")
    await session.expect("n'est pas un identifiant Matrix complet")
    await session.answer("", alice_user.user_id)
    await session.answer("fuseau horaire", "")  # the default, Europe/Paris
    await session.answer("compte Mastodon", "non")
    await session.expect("Prochaine étape")


async def check_the_files_and_run_them(
    folder: Path,
    bot_user: UserCredentials,
    alice_user: UserCredentials,
    alice: Person,
    group_room: str,
    orga_room: str,
) -> None:
    config_path, secrets_path = folder / "config.yaml", folder / "secrets.env"
    config_text = config_path.read_text(encoding="utf-8")
    assert bot_user.password not in config_text
    config = yaml.safe_load(config_text)
    assert config["groups"] == [
        {"name": "collectif-des-sablons", "rooms": [group_room], "organisers_room": orga_room}
    ]
    assert config["organisers"] == {"matrix": [alice_user.user_id]}
    assert config["relais"]["timezone"] == "Europe/Paris"
    assert "# Sablons" in config_text  # rooms carry their names as comments
    assert stat.S_IMODE(secrets_path.stat().st_mode) == 0o600
    assert bot_user.password in secrets_path.read_text(encoding="utf-8")
    checked = run_relais("check-config", str(config_path), env={"RELAIS_MATRIX_PASSWORD": ""})
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # A bot started from exactly these files answers in the chosen room.
    bot = BotProcess.from_config(folder)
    await bot.start()
    try:
        await alice.wait_joined(group_room, bot_user.user_id)
        assert "Pong" in await answer(alice, group_room, "!ping")
    finally:
        await bot.stop()

    # Never over an existing file: a second run stops at once and changes nothing.
    again = await AssistantSession.start("--dossier", str(folder), cwd=folder)
    assert await again.finish() == 1
    assert "config.yaml existe déjà : je n'écrase jamais un fichier" in again.screen
    assert config_path.read_text(encoding="utf-8") == config_text


async def test_init_without_questions_takes_flags_and_names_what_is_missing(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path, people: list[Person]
) -> None:
    bot_user = await new_user("relais")
    alice_user = await new_user("alice")
    alice = await Person.login(synapse, alice_user, tmp_path / "alice")
    people.append(alice)
    room = await alice.create_room([bot_user.user_id], encrypted=False, name="Place publique")
    folder = tmp_path / "scripte"
    flags = [
        "--sans-questions",
        "--dossier",
        str(folder),
        "--serveur",
        synapse.url,
        "--compte",
        bot_user.user_id,
        "--groupe",
        "Place",
        "--salons",
        room,
        "--mastodon",
        "non",
    ]
    secret = {"RELAIS_MATRIX_PASSWORD": bot_user.password}
    missing = run_relais("init", *flags, env=secret)
    assert missing.returncode == 1
    assert "--organisateurs" in missing.stderr and "Rien n'a été écrit" in missing.stderr
    assert not folder.exists() or not any(folder.iterdir())
    no_password = run_relais("init", *flags, "--organisateurs", alice_user.user_id, env={})
    assert no_password.returncode == 1 and "RELAIS_MATRIX_PASSWORD" in no_password.stderr

    done = run_relais("init", *flags, "--organisateurs", alice_user.user_id, env=secret)
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8"))
    assert config["groups"][0]["rooms"] == [room]  # the invitation was accepted: a room id
    assert "mastodon" not in config
