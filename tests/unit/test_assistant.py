"""The set-up assistant's pieces: answers read, secrets file, config that reads it."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
from pathlib import Path

import pytest

from bot.assistant import answers
from bot.assistant.config_text import Answers, ChosenRoom, render
from bot.assistant.matrix_account import MatrixAccount, MatrixProblem, Room, homeserver_url
from bot.assistant.prompter import Problem, Prompter, Stop
from bot.config import load_config
from bot.configcheck import ConfigError
from bot.secretsfile import SecretsFileError, read_secrets, write_secrets


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("Collectif du Mans", "collectif-du-mans"), ("  Santé & Écoles 72 ", "sante-ecoles-72")],
)
def test_group_names_become_short_names(typed: str, slug: str) -> None:
    assert answers.group_name(typed) == slug


def test_a_group_name_without_letters_is_asked_again() -> None:
    assert isinstance(answers.group_name("!!!"), Problem)


def test_rooms_by_number_or_address() -> None:
    listing = [Room("!a:x", "A"), Room("!b", "B", invited=True)]
    assert answers.room_choices("2, #orga:exemple.org", listing) == [
        listing[1],
        "#orga:exemple.org",
    ]
    assert answers.room_choices("!opaqueid", listing) == ["!opaqueid"]  # room version 12
    assert isinstance(answers.room_choices("3", listing), Problem)
    assert isinstance(answers.room_choices("", listing), Problem)
    assert answers.optional_room("aucun", listing) is None


def test_homeserver_addresses_get_https_unless_written() -> None:
    assert homeserver_url("matrix.exemple.org/") == "https://matrix.exemple.org"
    assert homeserver_url("http://127.0.0.1:8008") == "http://127.0.0.1:8008"


def test_prompter_asks_again_and_stops_on_end_of_input() -> None:
    typed = iter(["pas un fuseau", "Europe/Paris"])
    said: list[str] = []
    prompter = Prompter({}, interactive=True, read=lambda _: next(typed), write=said.append)
    assert prompter.ask("timezone", "Fuseau ?", answers.timezone) == "Europe/Paris"
    assert any("Je ne connais pas le fuseau" in line for line in said)

    def ended(_: str) -> str:
        raise EOFError

    with pytest.raises(Stop, match="rien n'a été écrit"):
        Prompter({}, interactive=True, read=ended, write=said.append).ask("x", "?", answers.filled)


def test_without_questions_a_missing_answer_names_its_flag() -> None:
    with pytest.raises(Stop, match="--organisateurs"):
        Prompter({}, interactive=False).ask("organisers", "Qui ?", answers.matrix_ids)


def test_secrets_file_is_private_never_replaced_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    values = {"RELAIS_MATRIX_PASSWORD": "a b'c\\d#é", "RELAIS_MASTODON_ACCESS_TOKEN": "tok_123"}
    write_secrets(path, values)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_secrets(path) == values
    with pytest.raises(FileExistsError):
        write_secrets(path, values)
    path.write_text("PAS UNE LIGNE\n", encoding="utf-8")
    with pytest.raises(SecretsFileError, match="ligne 1"):
        read_secrets(path)


def written_config(tmp_path: Path, password: str = "motdepasse") -> Path:
    chosen = Answers(
        homeserver="https://matrix.exemple.org",
        user_id="@relais:exemple.org",
        password=password,
        group="sablons",
        rooms=[ChosenRoom("!abc:exemple.org", "Les « Sablons » #1")],
        organisers=["@camille:exemple.org"],
    )
    (tmp_path / "config.yaml").write_text(render(chosen, "30/11/2026"), encoding="utf-8")
    write_secrets(tmp_path / "secrets.env", chosen.secrets())
    return tmp_path / "config.yaml"


def test_the_written_config_reads_its_password_from_the_secrets_file(tmp_path: Path) -> None:
    config = load_config(written_config(tmp_path), environ={})
    assert config.matrix is not None and config.matrix.password == "motdepasse"
    assert config.groups[0].rooms == ("!abc:exemple.org",)
    assert config.data_dir == tmp_path / "data"
    # The environment wins over the file (systemd's EnvironmentFile, for instance).
    config = load_config(tmp_path / "config.yaml", environ={"RELAIS_MATRIX_PASSWORD": "env"})
    assert config.matrix is not None and config.matrix.password == "env"


def test_a_missing_or_shared_secrets_file_is_named(tmp_path: Path) -> None:
    path = written_config(tmp_path)
    os.chmod(tmp_path / "secrets.env", 0o644)
    assert any("chmod 600" in notice for notice in load_config(path, environ={}).notices)
    (tmp_path / "secrets.env").unlink()
    with pytest.raises(ConfigError, match=r"relais\.secrets_file"):
        load_config(path, environ={})


async def test_an_unreachable_homeserver_is_explained_at_once() -> None:
    """nio would retry for ever with growing pauses; the person waiting gets a reason."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nobody listens
    account = MatrixAccount(f"http://127.0.0.1:{port}", "relais")
    try:
        async with asyncio.timeout(30):
            with pytest.raises(MatrixProblem, match="ne répond pas"):
                await account.log_in("mot de passe")
    finally:
        await account.close()
