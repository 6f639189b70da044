"""Child process for the letter's kill-and-restart test (not a test module).

    python -m tests.unit.lettre.crash_child DATA_DIR LOG_DIR SETTINGS_JSON

Starts the App with the clock just after Monday's letter time, so the letter goes out at
start to ROOMS rooms (a transport that behaves like a server honouring idempotency keys:
every attempt in attempts.log, each key accepted once into accepted.log) and by e-mail
to the SMTP server named in SETTINGS_JSON. It runs until killed.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Outgoing
from bot.transports.email.transport import EmailTransport
from tests.kit.clock import Clock
from tests.unit.lettre.conftest import PARIS, features

ROOMS = 40
LIST = "lettre-le-mans@listes.exemple.org"
STARTED_AT = datetime(2026, 5, 25, 9, 1, tzinfo=PARIS)


def config(data_dir: Path, email: dict[str, Any]) -> Config:
    rooms = [f"console:salon:r{i:02d}" for i in range(ROOMS)]
    data = {
        "relais": {"data_dir": str(data_dir)},
        "groups": [{"name": "le-mans", "rooms": rooms}],
        "letter": {"enabled": True, "email_to": {"le-mans": LIST}},
        "email": email,
    }
    return parse_config(data, sections=feature_sections(features()), environ={})


class ServerLike:
    name = "console"

    def __init__(self, log_dir: Path) -> None:
        self.attempts = (log_dir / "attempts.log").open("a", encoding="utf-8")
        accepted = log_dir / "accepted.log"
        self.seen = set(accepted.read_text().split()) if accepted.exists() else set()
        self.accepted = accepted.open("a", encoding="utf-8")
        self.one_at_a_time = asyncio.Lock()  # one connection to the server

    @staticmethod
    def _write(handle: TextIO, key: str) -> None:
        handle.write(key + "\n")
        handle.flush()
        os.fsync(handle.fileno())

    async def deliver(self, item: Outgoing) -> str | None:
        async with self.one_at_a_time:
            await asyncio.sleep(0.02)  # a network round trip
            self._write(self.attempts, item.key)
            if item.key not in self.seen:
                self.seen.add(item.key)
                self._write(self.accepted, item.key)
        return item.key


async def run(data_dir: Path, log_dir: Path, email: dict[str, Any]) -> None:
    settings = config(data_dir, email)
    async with App(settings, features(), now=Clock(STARTED_AT)) as app:
        app.add_transport(ServerLike(log_dir))
        assert settings.email is not None
        app.add_transport(EmailTransport(settings.email, app.services.store))
        print("started", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(run(Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])))
