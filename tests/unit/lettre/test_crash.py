"""Kill the bot (SIGKILL) while the letter is going out to forty rooms and a list address,
start it again: each room gets the letter once, and the list's members get it once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.kit.smtp import SmtpServer
from tests.unit.lettre.crash_child import LIST, ROOMS

ROOT = Path(__file__).resolve().parents[3]
CHILD = "tests.unit.lettre.crash_child"


def child(data_dir: Path, logs: Path, smtp: SmtpServer) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [sys.executable, "-m", CHILD, str(data_dir), str(logs), json.dumps(smtp.config())],
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


def outbox(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "relais.sqlite3") as db:
        return dict(
            db.execute(
                "SELECT status, COUNT(*) FROM outbox WHERE key LIKE 'lettre-%' GROUP BY status"
            ).fetchall()
        )


def test_sigkill_during_the_fan_out_then_restart_sends_each_channel_once(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    data_dir, logs = tmp_path / "data", tmp_path / "logs"
    logs.mkdir()
    first = child(data_dir, logs, smtp_server)
    try:
        assert wait_for(lambda: len(lines(logs / "accepted.log")) >= 10), "nothing was sent"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    before_restart = len(lines(logs / "accepted.log"))

    second = child(data_dir, logs, smtp_server)
    try:
        assert wait_for(lambda: len(lines(logs / "accepted.log")) >= ROOMS)
        assert wait_for(lambda: outbox(data_dir) == {"delivered": ROOMS + 1}, 30)
    finally:
        second.terminate()
        second.wait(timeout=30)

    accepted = lines(logs / "accepted.log")
    attempts = lines(logs / "attempts.log")
    assert len(accepted) == len(set(accepted)) == ROOMS
    assert all(key.startswith("lettre-le-mans-2026-W22-console:salon:r") for key in accepted)
    # Rooms are delivered concurrently: the kill may cut each one between "sent" and
    # "marked delivered"; the restart sends those again with the same key (the server
    # takes a key once, as Matrix does with a txn_id), never a third time.
    assert set(attempts) == set(accepted)
    assert max(attempts.count(key) for key in accepted) <= 2
    assert before_restart < ROOMS  # the kill did cut the fan-out short
    # The e-mail: received at most twice by the server (SMTP's one open window), and
    # distributed once to the list (same Message-ID), to the list address.
    assert 1 <= len(smtp_server.received) <= 2
    (mail,) = smtp_server.distributed
    assert mail.envelope_to == [LIST]
    assert "La lettre de la semaine" in str(mail.message["Subject"])
