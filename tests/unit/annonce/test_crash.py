"""Kill the bot (SIGKILL) while an announcement to every group (forty rooms) is going out,
start it again: each room gets the announcement once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.unit.annonce.crash_child import ROOMS

ROOT = Path(__file__).resolve().parents[3]
CHILD = "tests.unit.annonce.crash_child"


def child(data_dir: Path, logs: Path, mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [sys.executable, "-m", CHILD, str(data_dir), str(logs), mode],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def wait_for(condition: Callable[[], bool], limit: float = 60.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def database(data_dir: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    with sqlite3.connect(data_dir / "relais.sqlite3") as db:
        outbox = dict(
            db.execute(
                "SELECT status, COUNT(*) FROM outbox WHERE key LIKE 'annonce-%' GROUP BY status"
            ).fetchall()
        )
        sends = db.execute("SELECT occurrence, status FROM annonce_sends").fetchall()
    return outbox, sends


def test_sigkill_during_the_fan_out_then_restart_sends_each_room_once(tmp_path: Path) -> None:
    data_dir, logs = tmp_path / "data", tmp_path / "logs"
    logs.mkdir()
    first = child(data_dir, logs, "first")
    try:
        assert wait_for(lambda: len(lines(logs / "accepted.log")) >= 10), "nothing was sent"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    before_restart = len(lines(logs / "accepted.log"))

    second = child(data_dir, logs, "again")
    try:
        assert wait_for(lambda: len(lines(logs / "accepted.log")) >= ROOMS)
        assert wait_for(lambda: database(data_dir)[0] == {"delivered": ROOMS}, 30)
    finally:
        second.terminate()
        second.wait(timeout=30)

    accepted = lines(logs / "accepted.log")
    attempts = lines(logs / "attempts.log")
    assert len(accepted) == len(set(accepted)) == ROOMS
    rooms = {key.rsplit("-console:", 1)[1] for key in accepted}
    assert len(rooms) == ROOMS and all(r.startswith("salon:g") for r in rooms)
    assert all(key.startswith("annonce-1-20260521T070000Z-console:") for key in accepted)
    # Rooms are delivered concurrently: the kill may cut each one between "sent" and
    # "marked delivered"; the restart sends those again with the same key (the server
    # takes a key once, as Matrix does with a txn_id), never a third time.
    assert set(attempts) == set(accepted)
    assert max(attempts.count(key) for key in accepted) <= 2
    assert before_restart < ROOMS  # the kill did cut the fan-out short
    assert database(data_dir)[1] == [("20260521T070000Z", "sent")]  # decided once
