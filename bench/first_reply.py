"""Process start → first reply, for each bot of bench/matrix.py, on its usual restart.

Each bot is stopped and started again (its store, device keys and sync token kept, as after
a deploy or a crash); from the moment the process is spawned, the measuring client writes
the bot's one-line command every 50 ms in the bot's plain room until the bot's first
message arrives there (a bot that ignores what came before its first sync waits for the
next one: up to 50 ms; Relais answers those too). What is timed is the wall time from the
spawn to that message: interpreter start, imports, configuration, the store, the restored
session, the first sync and the answer itself. CPU of the process over that time is read
from /proc when the answer arrives. The bots take turns, `repeats` times.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench import procstat
from bench.bots import BotRun
from bench.measurer import Measurer

PING_EVERY = 0.05
TIMEOUT = 60.0


async def first_reply(
    measurer: Measurer, bot: BotRun, room_id: str, command: str
) -> dict[str, float]:
    bot.stop()
    before = len(measurer.seen)
    spawned = time.time()
    bot.start()
    while True:
        elapsed = time.time() - spawned
        if elapsed > TIMEOUT:
            raise TimeoutError(f"{bot.name} gave no answer {TIMEOUT:.0f} s after its start")
        mine = bot.user.user_id
        answers = [
            s
            for s in measurer.seen[before:]
            # Sent by this process: the previous one's last answers may still be on the way.
            if s.room_id == room_id and s.sender == mine and s.server_ts >= spawned
        ]
        if answers:
            cpu = procstat.cpu(bot.pid)
            return {"wall_s": answers[0].received - spawned, "cpu_s": cpu}
        await measurer.say(room_id, command)
        await measurer.sync(int(PING_EVERY * 1000))


async def measure(
    measurer: Measurer,
    bots: dict[str, BotRun],
    rooms: dict[str, str],
    commands: dict[str, str],
    repeats: int,
) -> dict[str, Any]:
    samples: dict[str, list[dict[str, float]]] = {who: [] for who in bots}
    for _ in range(repeats):
        for who, bot in bots.items():
            samples[who].append(await first_reply(measurer, bot, rooms[who], commands[who]))
    return {
        who: {
            "wall_s_median": round(statistics.median(s["wall_s"] for s in runs), 3),
            "wall_s_all": [round(s["wall_s"], 3) for s in runs],
            "cpu_s_median": round(statistics.median(s["cpu_s"] for s in runs), 3),
        }
        for who, runs in samples.items()
    }
