"""A clean stop (SIGTERM, what systemd sends) while answers are held back by Synapse's
rate limit: the process exits in seconds, nothing is lost, nothing is sent twice."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from devserver.synapse import LocalSynapse
from tests.kit.matrix import Person, bodies
from tests.kit.process import BotProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

ASKED = 16  # Synapse's default limit lets 10 answers out at once, then one every 5 s


async def test_sigterm_keeps_what_cannot_leave_and_sends_it_after_the_restart(
    synapse_default_limits: LocalSynapse, tmp_path: Path
) -> None:
    server = synapse_default_limits
    bot_user = await server.create_user("relais")
    alice = await Person.login(server, await server.create_user("alice"), tmp_path / "alice")
    try:
        await server.exempt_from_ratelimit(alice.user_id)
        room = await alice.create_room([bot_user.user_id], encrypted=False)
        settings = {
            "groups": [{"name": "g", "rooms": [room]}],
            "flood": {"capacity": 100, "refill_per_minute": 600},
        }
        bot = BotProcess(server, bot_user, tmp_path / "bot", settings)
        await bot.start()
        await alice.wait_joined(room, bot_user.user_id, timeout=60)
        for _ in range(ASKED):
            await alice.say(room, "!ping")
        await alice.notices(room, count=5, timeout=60, where=lambda e: e.body.startswith("Pong"))
        began = time.monotonic()
        code = await bot.stop()  # SIGTERM with answers still held back by the rate limit
        stopped_in = time.monotonic() - began
        assert code == 0
        assert stopped_in < 15, f"took {stopped_in:.1f} s to stop"
        assert "stopping: outbox" in bot.log()
        await bot.start()
        await alice.notices(
            room, count=ASKED, timeout=240, where=lambda e: e.body.startswith("Pong")
        )
        await asyncio.sleep(3)
        await alice.sync(1000)
        assert len(bodies(alice, room, lambda b: b.startswith("Pong"))) == ASKED
        print(f"stopped in {stopped_in:.1f} s")
        await bot.stop()
    finally:
        await alice.close()
