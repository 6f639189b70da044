"""Kill the bot (SIGKILL) while reminders that fell due during a downtime are going out,
start it again, and check that each (event, occurrence, offset, target) was decided once
and accepted once: nothing lost, nothing duplicated. The reminders due together in a room
go out as grouped messages (GROUP_LIMIT each): each message is accepted once, and each
reminder is in exactly one accepted message."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from commands.agenda.engine import GROUP_LIMIT
from tests.unit.agenda.restart_child import EVENTS, ROOMS

ROOT = Path(__file__).resolve().parents[3]
CHILD = "tests.unit.agenda.restart_child"
EXPECTED = EVENTS * len(ROOMS)  # reminders
MESSAGES = -(-EVENTS // GROUP_LIMIT) * len(ROOMS)


def child(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [sys.executable, "-m", CHILD, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def records(path: Path) -> list[list[str]]:
    """accepted.log: per accepted message, its key then the reminders it lists."""
    text = path.read_text() if path.exists() else ""
    return [line.split() for line in text.splitlines() if line.strip()]


def wait_for(condition: object, limit: float = 60.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.02)
    return False


def db_state(data_dir: Path) -> tuple[dict[str, int], dict[str, int]]:
    with sqlite3.connect(data_dir / "relais.sqlite3") as db:
        markers = dict(
            db.execute("SELECT status, COUNT(*) FROM agenda_reminders GROUP BY status").fetchall()
        )
        outbox = dict(
            db.execute(
                "SELECT status, COUNT(*) FROM outbox WHERE key LIKE 'agenda-%' GROUP BY status"
            ).fetchall()
        )
    return markers, outbox


def test_sigkill_during_late_reminders_then_restart_sends_each_once(tmp_path: Path) -> None:
    data_dir, logs = tmp_path / "data", tmp_path / "logs"
    logs.mkdir()
    seeded = child("seed", str(data_dir))
    assert seeded.wait(timeout=120) == 0, seeded.stderr.read() if seeded.stderr else ""

    first = child("run", str(data_dir), str(logs))
    try:
        assert wait_for(lambda: len(records(logs / "accepted.log")) >= 2), "nothing was sent"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    before_restart = len(records(logs / "accepted.log"))

    second = child("run", str(data_dir), str(logs))
    try:
        assert wait_for(lambda: len(records(logs / "accepted.log")) >= MESSAGES)
        assert wait_for(lambda: db_state(data_dir)[1] == {"delivered": MESSAGES}, 30)
    finally:
        second.terminate()
        second.wait(timeout=30)

    accepted = [record[0] for record in records(logs / "accepted.log")]
    attempts = lines(logs / "attempts.log")
    assert len(accepted) == len(set(accepted)) == MESSAGES
    assert all(key.startswith("agenda-group-") and "-console:salon:" in key for key in accepted)
    reminders = [item for record in records(logs / "accepted.log") for item in record[1:]]
    assert len(reminders) == len(set(reminders)) == EXPECTED
    assert set(reminders) == {f"{room}|Réunion_{n}" for room in ROOMS for n in range(EVENTS)}
    # The kill may cut a delivery between "sent" and "marked delivered": the restart
    # sends it again with the same key (at most one per room), and the server-like
    # transport accepts it once. Everything else went out exactly once.
    repeated = len(attempts) - len(set(attempts))
    assert repeated <= len(ROOMS)
    assert set(attempts) == set(accepted)
    assert db_state(data_dir) == ({"queued": EXPECTED}, {"delivered": MESSAGES})
    assert before_restart < MESSAGES  # the kill did cut the sending short
