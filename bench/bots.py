"""The bots the Matrix benchmarks run side by side on one Synapse, each as its own process:

- Relais (`python -m bot.cli run --config …`);
- the floor (bench/matrix_floor.py): a raw matrix-nio client that echoes commands;
- matrix-reminder-bot 0.4.0, from PyPI with E2EE, in its own virtualenv created here
  (bench/.venv-reminder-bot, not in git). Nothing of it is copied into this repository.

Each is started, asked for its pid (memory, CPU) and stopped with SIGTERM.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import yaml

from devserver.synapse import LocalSynapse, UserCredentials

ROOT = Path(__file__).resolve().parent.parent
REMINDER_BOT = "matrix-reminder-bot==0.4.0"
REMINDER_VENV = Path(__file__).resolve().parent / ".venv-reminder-bot"
REMINDER_TZ = "Etc/UTC"


def reminder_bot_python() -> Path:
    """The reminder bot's interpreter; its virtualenv is made on first use (~15 s)."""
    python = REMINDER_VENV / "bin" / "python"
    stamp = REMINDER_VENV / ".installed"
    if stamp.exists() and stamp.read_text() == REMINDER_BOT:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(REMINDER_VENV)], check=True)
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", REMINDER_BOT],
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        raise RuntimeError(f"installing {REMINDER_BOT} failed:\n{installed.stderr[-3000:]}")
    stamp.write_text(REMINDER_BOT)
    return python


def reminder_bot_version() -> dict[str, str]:
    python = reminder_bot_python()
    out = subprocess.run(
        [
            str(python),
            "-c",
            "from importlib.metadata import version as v;"
            "print(v('matrix-reminder-bot'), v('matrix-nio'), v('vodozemac'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    bot, nio, vodozemac = out.stdout.split()
    return {"matrix-reminder-bot": bot, "matrix-nio": nio, "vodozemac": vodozemac}


class BotRun:
    """One bot process; `log` collects its output."""

    name = "bot"

    def __init__(self, folder: Path, user: UserCredentials) -> None:
        self.folder = folder
        self.user = user
        self.log_path = folder / f"{self.name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        folder.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        raise NotImplementedError

    def environ(self) -> dict[str, str]:
        return {**os.environ, "PYTHONUNBUFFERED": "1"}

    def start(self, *, extra_args: tuple[str, ...] = ()) -> None:
        log: IO[bytes] = self.log_path.open("ab")
        self.started_at = time.perf_counter()
        command = self.command()
        self.process = subprocess.Popen(
            [command[0], *extra_args, *command[1:]],
            cwd=ROOT,
            env=self.environ(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class RelaisRun(BotRun):
    name = "relais"

    def __init__(
        self,
        folder: Path,
        user: UserCredentials,
        synapse: LocalSynapse,
        settings: dict[str, Any],
    ) -> None:
        super().__init__(folder, user)
        self.config_path = folder / "relais.yaml"
        self.data_dir = folder / "data"
        config = {
            "relais": {"data_dir": str(self.data_dir), "log_level": "WARNING"},
            # One person firing hundreds of commands: the flood limit would (rightly) stop it.
            "flood": {"capacity": 1000, "refill_per_minute": 6000},
            "matrix": {
                "homeserver": synapse.url,
                "user_id": user.user_id,
                "password": user.password,
                "invite_allowlist": ["*"],
            },
            **settings,
        }
        self.config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bot.cli", "run", "--config", str(self.config_path)]

    def start(self, *, extra_args: tuple[str, ...] = ()) -> None:
        # Run as installed: pip byte-compiles Relais (and matrix-reminder-bot) at install;
        # under PYTHONDONTWRITEBYTECODE a source tree would compile every module each start.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "bot", "commands"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        super().start(extra_args=extra_args)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args, "--config", str(self.config_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )


class FloorRun(BotRun):
    name = "floor"

    def __init__(self, folder: Path, user: UserCredentials, synapse: LocalSynapse) -> None:
        super().__init__(folder, user)
        self.url = synapse.url

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "bench.matrix_floor",
            self.url,
            self.user.user_id,
            self.user.password,
            str(self.folder / "store"),
        ]


class ReminderBotRun(BotRun):
    """matrix-reminder-bot 0.4.0 as its README runs it: `matrix-reminder-bot config.yaml`."""

    name = "reminder-bot"

    def __init__(self, folder: Path, user: UserCredentials, synapse: LocalSynapse) -> None:
        super().__init__(folder, user)
        self.python = reminder_bot_python()
        self.database = folder / "bot.db"
        self.config_path = folder / "config.yaml"
        config = {
            "command_prefix": "!",
            "matrix": {
                "user_id": user.user_id,
                "user_password": user.password,
                "homeserver_url": synapse.url,
                "device_id": "REMINDERBOT",
                "device_name": "matrix-reminder-bot",
            },
            "storage": {
                "database": f"sqlite://{self.database}",
                "store_path": str(folder / "store"),
            },
            "reminders": {"timezone": REMINDER_TZ},
            "allowlist": {"enabled": False, "regexes": []},
            "blocklist": {"enabled": False, "regexes": []},
            "logging": {
                "level": "WARNING",
                "file_logging": {"enabled": False, "filepath": str(folder / "file.log")},
                "console_logging": {"enabled": True},
            },
        }
        self.config_path.write_text(yaml.safe_dump(config), encoding="utf-8")

    def command(self) -> list[str]:
        return [
            str(self.python),
            str(self.python.parent / "matrix-reminder-bot"),
            str(self.config_path),
        ]

    def seed(self, room_id: str, texts: list[str], when: datetime) -> None:
        """Room reminders due at `when` (UTC), written in its own table while it is stopped
        (it loads them at start, as after a restart)."""
        naive = when.replace(tzinfo=None).isoformat()
        with sqlite3.connect(self.database) as db:
            db.executemany(
                "INSERT INTO reminder (text, start_time, timezone, recurse_timedelta_s,"
                " cron_tab, room_id, target_user, alarm) VALUES (?, ?, ?, NULL, NULL, ?, NULL, 0)",
                [(text, naive, REMINDER_TZ, room_id) for text in texts],
            )
