"""`relais init` registering Relais on a real Mastodon-API server (mastodon-mock): the
app, the authorisation link, the code pasted back, a token that works."""

from __future__ import annotations

import asyncio
import re
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import yaml

from devserver.synapse import LocalSynapse
from tests.integration.conftest import NewUser
from tests.integration.mastodon.conftest import MockMastodon
from tests.kit.assistant import AssistantSession
from tests.kit.cli import run_relais
from tests.kit.matrix import Person

pytestmark = pytest.mark.integration


def authorise(server: MockMastodon, link: str, username: str) -> str:
    """What the person does in the browser: accept as the bot's account, copy the code."""
    query = parse_qs(urlparse(link).query)
    page = requests.post(
        f"{server.base_url}/oauth/authorize",
        data={
            "username": username,
            "client_id": query["client_id"][0],
            "redirect_uri": query["redirect_uri"][0],
            "scope": query["scope"][0],
        },
        timeout=10,
    )
    page.raise_for_status()
    found = re.search(r"Authorization code: (\S+?)<", page.text)
    assert found is not None, page.text
    return found.group(1)


async def test_init_registers_relais_on_mastodon_and_keeps_the_token_secret(
    synapse: LocalSynapse, new_user: NewUser, mastodon_server: MockMastodon, tmp_path: Path
) -> None:
    bot_user = await new_user("relais")
    alice_user = await new_user("alice")
    alice = await Person.login(synapse, alice_user, tmp_path / "alice")
    try:
        await alice.create_room([bot_user.user_id], encrypted=True, name="Sablons")
    finally:
        await alice.close()
    bot_account = await asyncio.to_thread(mastodon_server.new_account, "relais")

    folder = tmp_path / "relais"
    session = await AssistantSession.start(
        "--dossier", str(folder), cwd=tmp_path, env={"RELAIS_MATRIX_PASSWORD": bot_user.password}
    )
    await session.answer("serveur Matrix", synapse.url)
    await session.answer("identifiant du compte du robot", bot_user.user_id)
    await session.expect("Mot de passe lu dans RELAIS_MATRIX_PASSWORD")
    await session.answer("nom de votre groupe", "Sablons")
    await session.answer("Dans quels salons", "1")
    await session.answer("organisatrices et organisateurs (avertissements", "aucun")
    await session.answer("Qui organise", alice_user.user_id)
    await session.answer("fuseau horaire", "Europe/Paris")
    await session.answer("compte Mastodon", "oui")
    await session.answer("instance Mastodon", mastodon_server.base_url)
    await session.expect("copiez le code affiché :\n")
    link = (await session.expect("\n")).strip()
    assert link.startswith(f"{mastodon_server.base_url}/oauth/authorize?"), link
    await session.answer("code affiché par Mastodon", "pas-le-code")
    await session.expect("Mastodon refuse ce code")
    code = await asyncio.to_thread(authorise, mastodon_server, link, bot_account.username)
    await session.answer("code affiché par Mastodon", code)
    await session.expect(f"le robot publiera en tant que @{bot_account.username}")
    await session.answer("Comptes Mastodon des organisatrices", "camille, @sam@ailleurs.example")
    assert await session.finish() == 0, session.screen
    assert "transports : matrix, mastodon" in session.screen

    config = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8"))
    assert config["mastodon"]["api_base_url"] == mastodon_server.base_url
    assert "access_token" not in config["mastodon"]
    assert config["organisers"]["mastodon"] == ["camille", "@sam@ailleurs.example"]
    secrets = (folder / "secrets.env").read_text(encoding="utf-8")
    assert stat.S_IMODE((folder / "secrets.env").stat().st_mode) == 0o600
    token = re.search(r"RELAIS_MASTODON_ACCESS_TOKEN=(\S+)", secrets)
    assert token is not None
    account = await asyncio.to_thread(
        mastodon_server.client(
            bot_account.__class__(bot_account.id, "", token.group(1))
        ).account_verify_credentials
    )
    assert account["username"] == bot_account.username  # the token acts as the bot
    checked = run_relais("check-config", str(folder / "config.yaml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
