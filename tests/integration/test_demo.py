"""`relais demo` (what `make demo` runs): local Synapse + bot, usable from any Matrix client."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from devserver.synapse import UserCredentials
from tests.kit.matrix import Person

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> str:
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        if time.monotonic() > deadline or process.poll() is not None:
            raise AssertionError(f"demo output so far:\n{seen}")
        seen += process.stdout.readline()
    return seen


async def test_demo_answers_in_element_format_and_stops_cleanly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "demo", "--dossier", str(tmp_path / "demo")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        output = await asyncio.to_thread(read_until, process, "Ctrl-C", 120)
        url = re.search(r"homeserver\) : (\S+)", output).group(1)  # type: ignore[union-attr]
        user = re.search(r"identifiant : (\S+)", output).group(1)  # type: ignore[union-attr]
        password = re.search(r"mot de passe : (\S+)", output).group(1)  # type: ignore[union-attr]
        assert "!aide" in output
        agenda = re.search(r"ICS\) : (\S+)", output).group(1)  # type: ignore[union-attr]
        async with aiohttp.ClientSession() as session, session.get(agenda) as page:
            assert page.status == 200
            assert '<html lang="fr">' in await page.text()

        person = await Person.login_at(url, UserCredentials(user, password), tmp_path / "me")
        try:
            (room_id,) = person.client.rooms
            event_id = await person.say(room_id, "!aide")
            answer = await person.reply_to(room_id, event_id, timeout=60)
            assert answer.decrypted
            html = answer.source["content"]["formatted_body"]
            assert "<li>!ping : vérifier que je réponds</li>" in html
        finally:
            await person.close()
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = await asyncio.to_thread(process.communicate, timeout=60)
    assert process.returncode == 0, rest
    assert "Arrêt du robot" in rest
    pid_file = tmp_path / "demo" / "synapse" / "harness.pid"
    assert not pid_file.exists() or not _alive(int(pid_file.read_text() or 0))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
