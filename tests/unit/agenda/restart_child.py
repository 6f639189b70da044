"""Child process for the kill-and-restart test (not a test module).

    python -m tests.unit.agenda.restart_child seed DATA_DIR
    python -m tests.unit.agenda.restart_child run DATA_DIR LOG_DIR

"seed" stores EVENTS events whose "2h" reminders all fall due at DUE, in a group with
three rooms. "run" starts the App with the clock at DUE + 10 minutes (the bot was down
when they fell due) and a transport that behaves like a server honouring idempotency
keys: every delivery attempt is appended to attempts.log, and each key is accepted once
into accepted.log: one line per message, the key then each reminder it lists (room and
title), written at once so that a kill cannot leave half a record. It runs until killed.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.message import Outgoing
from commands.agenda.model import Event
from tests.unit.agenda.conftest import PARIS, Clock, features, make_config, service_of

EVENTS = 120  # 3 grouped messages per room
ROOMS = ["console:salon:a", "console:salon:b", "console:salon:c"]
DUE = datetime(2026, 6, 6, 13, 0, tzinfo=PARIS)
SEEDED_AT = DUE - timedelta(days=3)


def config(data_dir: Path):  # type: ignore[no-untyped-def]
    return make_config(data_dir, groups=[{"name": "le-mans", "rooms": ROOMS}])


class ServerLike:
    name = "console"

    def __init__(self, log_dir: Path) -> None:
        self.attempts = (log_dir / "attempts.log").open("a", encoding="utf-8")
        accepted = log_dir / "accepted.log"
        known = accepted.read_text().splitlines() if accepted.exists() else []
        self.seen = {line.split()[0] for line in known if line.strip()}
        self.accepted = accepted.open("a", encoding="utf-8")

    def _write(self, handle, key: str) -> None:  # type: ignore[no-untyped-def]
        handle.write(key + "\n")
        handle.flush()
        os.fsync(handle.fileno())

    async def deliver(self, item: Outgoing) -> str | None:
        await asyncio.sleep(0.1)  # a slow network round trip
        self._write(self.attempts, item.key)
        if item.key not in self.seen:
            self.seen.add(item.key)
            titles = re.findall(r"\*\*(Réunion \d+)\*\*", item.text)
            listed = [f"{item.channel.key}|{title.replace(' ', '_')}" for title in titles]
            self._write(self.accepted, " ".join([item.key, *listed]))
        return item.key


async def seed(data_dir: Path) -> None:
    async with App(config(data_dir), features(), now=Clock(SEEDED_AT)) as app:
        service = service_of(app)
        for index in range(EVENTS):
            start = DUE + timedelta(hours=2)
            await service.create(
                Event(
                    id=0,
                    group="le-mans",
                    kind="reunion",
                    title=f"Réunion {index}",
                    start=start.astimezone(UTC),
                    end=None,
                    tz="Europe/Paris",
                    offsets=("2h",),
                )
            )


async def run(data_dir: Path, log_dir: Path) -> None:
    clock = Clock(DUE + timedelta(minutes=10))
    async with App(config(data_dir), features(), now=clock) as app:
        app.add_transport(ServerLike(log_dir))
        print("started", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        asyncio.run(seed(Path(sys.argv[2])))
    else:
        asyncio.run(run(Path(sys.argv[2]), Path(sys.argv[3])))
