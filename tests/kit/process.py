"""Relais as a real process (`relais run --config`), for tests that kill it with SIGKILL.

The configuration is written as YAML, the Matrix password passed in the environment as
an operator would; the log goes to a file the test can read. `kill9()` is a crash:
nothing of Relais runs after it (no `finally`, no flush), which is what the exactly-once
and no-trace promises must survive.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from devserver.synapse import LocalSynapse, UserCredentials

PROJECT = Path(__file__).resolve().parents[2]
READY = "Matrix sync running"


class BotProcess:
    def __init__(
        self,
        synapse: LocalSynapse,
        bot: UserCredentials,
        folder: Path,
        settings: dict[str, Any],
    ) -> None:
        self.folder = folder
        self.data_dir = folder / "data"
        self.config_path = folder / "config.yaml"
        self.log_path = folder / "relais.log"
        self.password: str | None = bot.password
        config = {
            "relais": {"data_dir": str(self.data_dir), "log_level": "INFO"},
            "outbox": {"base_delay_seconds": 0.2, "max_delay_seconds": 2},
            "matrix": {
                "homeserver": synapse.url,
                "user_id": bot.user_id,
                "invite_allowlist": ["*"],
            },
            **settings,
        }
        folder.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        self._process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @classmethod
    def from_config(cls, folder: Path) -> BotProcess:
        """The bot run from a configuration written by someone else (`relais init`):
        `folder/config.yaml`, its data in `folder/data`, secrets from its own file."""
        bot = cls.__new__(cls)
        bot.folder = folder
        bot.data_dir = folder / "data"
        bot.config_path = folder / "config.yaml"
        bot.log_path = folder / "relais.log"
        bot.password = None
        bot._process = None
        bot.starts = 0
        return bot

    @property
    def database_files(self) -> list[Path]:
        base = self.data_dir / "relais.sqlite3"
        return [p for p in (base, *(base.with_name(base.name + s) for s in ("-wal", "-shm")))]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Another `relais` command on the same configuration (e.g. agenda import)."""
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args, "--config", str(self.config_path)],
            cwd=PROJECT,
            env=self._environ(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def _environ(self) -> dict[str, str]:
        environ = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        environ.pop("RELAIS_MATRIX_PASSWORD", None)
        if self.password is not None:
            environ["RELAIS_MATRIX_PASSWORD"] = self.password
        return environ

    async def start(self, timeout: float = 60) -> None:
        self.starts += 1
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(self.config_path)],
            cwd=PROJECT,
            env=self._environ(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while READY not in self.log(since=offset):
            if self._process.poll() is not None:
                raise RuntimeError(f"relais exited:\n{self.log(since=offset)[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"relais not ready:\n{self.log(since=offset)[-3000:]}")
            await asyncio.sleep(0.1)

    def log(self, since: int = 0) -> str:
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as handle:
            handle.seek(since)
            return handle.read().decode("utf-8", errors="replace")

    def kill9(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)

    async def stop(self) -> int:
        """A clean stop (SIGTERM, as systemd does); the exit status."""
        process, self._process = self._process, None
        if process is None:
            return 0
        process.send_signal(signal.SIGTERM)
        for _ in range(300):
            if process.poll() is not None:
                return int(process.returncode)
            await asyncio.sleep(0.1)
        process.kill()
        return int(process.wait(timeout=10))

    def raw_bytes(self) -> dict[str, bytes]:
        """The database, its -wal and -shm, as they lie on disk."""
        return {p.name: p.read_bytes() for p in self.database_files if p.exists()}
