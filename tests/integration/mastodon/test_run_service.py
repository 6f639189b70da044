"""`relais run --config` with a Mastodon section: the real service process answers mentions
and posts an agenda reminder to followers, then stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.mastodon.conftest import MockMastodon, wait_until

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


def _statuses(server: MockMastodon, reader: Any, account_id: str) -> list[Any]:
    return list(reader.account_statuses(account_id, limit=40))


async def test_relais_run_answers_mentions_and_posts_reminders(
    mastodon_server: MockMastodon, tmp_path: Path
) -> None:
    bot = await asyncio.to_thread(mastodon_server.new_account, "relais")
    bob = await asyncio.to_thread(mastodon_server.new_account, "bob")
    config = {
        "relais": {"data_dir": str(tmp_path / "data"), "log_level": "INFO"},
        "organisers": {"mastodon": [bob.username]},
        "groups": [{"name": "le-mans", "mastodon": {"hashtags": ["LeMans"]}}],
        "mastodon": {
            "api_base_url": mastodon_server.base_url,
            "announcement_visibility": "public",
            "poll_interval_seconds": 2,
        },
        "agenda": {"http": {"enabled": False}},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    # The token comes from the environment, as the README advises.
    env = {**os.environ, "RELAIS_MASTODON_ACCESS_TOKEN": bot.token, "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "relais.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
            text=True,
        )
    try:
        client = mastodon_server.client(bob)
        reader = mastodon_server.client(bot)

        async def answered(status_id: str) -> list[Any]:
            posts = await asyncio.to_thread(_statuses, mastodon_server, reader, bot.id)
            return [p for p in posts if str(p["in_reply_to_id"]) == status_id]

        async def ready() -> bool:  # started, older mentions marked as history
            return "Mastodon ready" in log.read_text(encoding="utf-8")

        await wait_until(ready, within=30)
        ping = await asyncio.to_thread(client.status_post, f"@{bot.username} !ping")
        (answer,) = await wait_until(lambda: answered(str(ping["id"])), within=30)
        assert "Pong" in answer["content"]

        # An organiser (by acct in the config) adds then cancels an event by direct
        # messages: the cancellation notice goes to the group's followers.
        async def dm(text: str, reply_to: Any = None) -> Any:
            status = await asyncio.to_thread(
                client.status_post, f"@{bot.username} {text}", visibility="direct",
                in_reply_to_id=reply_to,
            )  # fmt: skip
            (reply,) = await wait_until(lambda: answered(str(status["id"])), within=30)
            assert reply["visibility"] == "direct"
            return reply

        question = await dm(
            "!agenda ajouter dans 3 jours à 14h | Réunion publique | Salle Guy Môquet"
        )
        assert "Réunion publique" in question["content"]
        saved = await dm("oui", question["id"])
        number = re.search(r"n°(\d+)", saved["content"]).group(1)  # type: ignore[union-attr]
        await dm("oui", (await dm(f"!agenda annuler {number}"))["id"])

        async def notices() -> list[Any]:
            posts = await asyncio.to_thread(_statuses, mastodon_server, reader, bot.id)
            return [p for p in posts if p["in_reply_to_id"] is None and "Annul" in p["content"]]

        (notice,) = await wait_until(notices, within=30)
        assert notice["visibility"] == "public"
        assert "LeMans" in notice["content"] and "Réunion publique" in notice["content"]
        assert notice["language"] == "fr"
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, timeout=30)
    errors = log.read_text(encoding="utf-8")
    assert process.returncode == 0, errors
    assert "Traceback" not in errors
    assert "!ping" not in errors and "Réunion publique" not in errors  # no contents in logs
