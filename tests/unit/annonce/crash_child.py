"""Child process for the announcements' kill-and-restart test (not a test module).

    python -m tests.unit.annonce.crash_child DATA_DIR LOG_DIR first|again

`first`: an organiser writes `!annonce --tous demain 9h | …` and answers « oui » (the
clock is Wednesday 10:00), then the clock moves to Thursday 9:00:30 and the sender runs:
one announcement to GROUPS groups of ROOMS_PER_GROUP rooms each. `again`: the clock is
already past the date; nothing is written. Delivery goes to a transport that behaves like
a server honouring idempotency keys (every attempt in attempts.log, each key accepted once
into accepted.log). It runs until killed.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Channel, Message, Outgoing, Role, Sender
from commands.annonce import AnnonceFeature
from tests.kit.clock import Clock
from tests.unit.annonce.conftest import PARIS, features

GROUPS = 8
ROOMS_PER_GROUP = 5
ROOMS = GROUPS * ROOMS_PER_GROUP
TEXT = "Assemblée générale ce soir à 19 h au local"
WEDNESDAY = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
DUE = datetime(2026, 5, 21, 9, 0, tzinfo=PARIS)
RUN_AT = datetime(2026, 5, 21, 9, 0, 30, tzinfo=PARIS)


def config(data_dir: Path) -> Config:
    groups = [
        {
            "name": f"groupe-{g}",
            "rooms": [f"console:salon:g{g}-r{r}" for r in range(ROOMS_PER_GROUP)],
        }
        for g in range(GROUPS)
    ]
    groups[0]["organisers_room"] = "console:salon:orga"
    data = {
        "relais": {"data_dir": str(data_dir)},
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
        "groups": groups,
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
        if not item.key.startswith("annonce-"):
            return item.key  # the organiser's preview and confirmation
        async with self.one_at_a_time:
            await asyncio.sleep(0.02)  # a network round trip
            self._write(self.attempts, item.key)
            if item.key not in self.seen:
                self.seen.add(item.key)
                self._write(self.accepted, item.key)
        return item.key


async def run(data_dir: Path, log_dir: Path, mode: str) -> None:
    clock = Clock(WEDNESDAY if mode == "first" else RUN_AT)
    async with App(config(data_dir), features(), now=clock) as app:
        app.add_transport(ServerLike(log_dir))
        if mode == "first":
            orga = Channel("console", "salon:orga")
            for n, text in enumerate((f"!annonce --tous demain 9h | {TEXT}", "oui")):
                await app.router.handle(
                    Message(Sender("camille", Role.ORGANISER), orga, text, clock(), f"$m{n}")
                )
            clock.set(RUN_AT)
            await app.feature(AnnonceFeature).service.sender.arm()
        print("started", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(run(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]))
