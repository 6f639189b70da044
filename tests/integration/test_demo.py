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
from tests.integration.test_features_matrix import MARKER, tell_a_story
from tests.kit.cli import run_relais
from tests.kit.matrix import Person, accept_invite, answer

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
            rooms = {room.name: room_id for room_id, room in person.client.rooms.items()}
            room_id, neighbours = rooms["Relais — démo"], rooms["Collectif voisin — démo"]
            event_id = await person.say(room_id, "!aide")
            answer = await person.reply_to(room_id, event_id, timeout=60)
            assert answer.decrypted
            html = answer.source["content"]["formatted_body"]
            assert "<li>!ping : vérifier que je réponds</li>" in html
            await the_tour(person, room_id, neighbours, output, tmp_path)
        finally:
            await person.close()
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = await asyncio.to_thread(process.communicate, timeout=60)
    assert process.returncode == 0, rest
    assert "Arrêt du robot" in rest
    pid_file = tmp_path / "demo" / "synapse" / "harness.pid"
    assert not pid_file.exists() or not _alive(int(pid_file.read_text() or 0))


async def the_tour(
    person: Person, room_id: str, neighbours: str, output: str, tmp_path: Path
) -> None:
    """What the printed tour suggests works: events, a testimony read back with the demo
    key by the printed command, a call that reaches the neighbouring group's room."""
    assert "Réunion du collectif" in await answer(person, room_id, "!agenda")

    bot_id = re.search(r"Le robot (@\S+) y répond", output).group(1)  # type: ignore[union-attr]
    assert await answer(person, room_id, "!temoigner") == "Je vous écris en privé."
    dm = await accept_invite(person, bot_id)
    await person.notices(dm, where=lambda e: "Témoigner, en confiance" in e.body)
    await tell_a_story(person, dm)
    export = re.search(r"\.venv/bin/relais (temoignages .+)", output).group(1)  # type: ignore[union-attr]
    read = await asyncio.to_thread(run_relais, *export.split(), cwd=tmp_path)
    assert read.returncode == 0, read.stderr
    assert MARKER in read.stdout

    call = "Rassemblement samedi 11h devant la CPAM"
    preview = await answer(person, room_id, f"!appel --tags santé {call}")
    assert "voisins" in preview, preview
    assert "appel n° 1" in await answer(person, room_id, "oui")
    (copy,) = await person.notices(neighbours, where=lambda e: e.body.startswith(call))
    assert copy.decrypted


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
