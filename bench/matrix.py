"""Command round trip over a local Synapse: Relais, a raw matrix-nio floor and
matrix-reminder-bot 0.4, side by side.

The three bots run as their own processes on the same Synapse, in the same run; one
measuring client (real E2EE) sends commands and times until the bot's answer arrives, in
plain and encrypted rooms, alternating between the bots every 5 commands so machine noise
hits all alike. The floor echoes any command. matrix-reminder-bot ignores commands it does
not know: it is asked `!help` (a one-line answer, like `!ping`) and `!help reminders` (its
long help, like `!aide`); it has nothing like `!droit`. It reads the room's state for
every message, as it always does. Also measured per bot: CPU per answer (whole process, from
/proc), resident memory once warm, and with 200 rooms joined.

    python -m bench matrix [--rounds=N]      (N commands per bot, room kind and command)
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from bench import first_reply, procstat
from bench.bots import BotRun, FloorRun, RelaisRun, ReminderBotRun, reminder_bot_version
from bench.measurer import Measurer
from bench.results_io import percentile, table, write
from devserver.synapse import LocalSynapse

TARGET_RATIO = 1.05
BLOCK = 5
WARM_UP = 5
MEMORY_ROOMS = 200
START_REPEATS = 5
BOTS = ("relais", "floor", "reminder-bot")
# What each bot is asked, per kind of command (None: it has nothing alike).
COMMANDS: dict[str, dict[str, str | None]] = {
    "!ping": {"relais": "!ping", "floor": "!ping", "reminder-bot": "!help"},
    "!aide": {"relais": "!aide", "floor": "!aide", "reminder-bot": "!help reminders"},
    "!droit caf": {"relais": "!droit caf", "floor": "!droit caf", "reminder-bot": None},
}


async def run(rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        base = Path(tmp)
        async with LocalSynapse(base / "synapse") as synapse:
            return await _run(synapse, base, rounds)


async def _run(synapse: LocalSynapse, base: Path, rounds: int) -> dict[str, Any]:
    users = {name: await synapse.create_user(name) for name in (*BOTS, "me")}
    for user in users.values():
        await synapse.exempt_from_ratelimit(user.user_id)
    me = users["me"]
    bots: dict[str, BotRun] = {
        "relais": RelaisRun(
            base / "relais", users["relais"], synapse, {"organisers": {"matrix": [me.user_id]}}
        ),
        "floor": FloorRun(base / "floor", users["floor"], synapse),
        "reminder-bot": ReminderBotRun(base / "reminder-bot", users["reminder-bot"], synapse),
    }
    for bot in bots.values():
        bot.start()
    measurer = await Measurer.login(synapse, me, base / "me")
    try:
        rooms = {
            (who, kind): await measurer.room_with(bots[who].user.user_id, kind == "encrypted")
            for who in BOTS
            for kind in ("plain", "encrypted")
        }
        print("salons prêts", flush=True)
        samples: dict[tuple[str, str, str], list[float]] = {}
        cpu: dict[tuple[str, str, str], float] = {}
        for kind in ("plain", "encrypted"):
            for command, asked in COMMANDS.items():
                taking = {w: b for w, b in bots.items() if asked[w] is not None}
                for who, bot in taking.items():  # warm-up: sessions shared, caches filled
                    for _ in range(WARM_UP):
                        await measurer.round_trip(
                            rooms[(who, kind)], str(asked[who]), bot.user.user_id
                        )
                print(f"mesure : {kind} {command}", flush=True)
                done = 0
                while done < rounds:
                    for who, bot in taking.items():
                        case = (who, kind, command)
                        bucket = samples.setdefault(case, [])
                        before = procstat.cpu(bot.pid)
                        for _ in range(min(BLOCK, rounds - done)):
                            room = rooms[(who, kind)]
                            bucket.append(
                                await measurer.round_trip(room, str(asked[who]), bot.user.user_id)
                            )
                        cpu[case] = cpu.get(case, 0.0) + procstat.cpu(bot.pid) - before
                    done += BLOCK
        warm = {who: round(procstat.rss_mb(bot.pid), 1) for who, bot in bots.items()}
        print("mesure : du lancement à la première réponse", flush=True)
        start = await first_reply.measure(
            measurer,
            bots,
            {who: rooms[(who, "plain")] for who in BOTS},
            {who: str(COMMANDS["!ping"][who]) for who in BOTS},
            START_REPEATS,
        )
        memory = await _memory_with_rooms(measurer, bots)
    except Exception:
        for who, bot in bots.items():
            print(f"--- journal de {who} (fin)\n{bot.log()[-2000:]}")
        raise
    finally:
        await measurer.close()
        for bot in bots.values():
            bot.stop()
    return _summarise(samples, cpu, warm, start=start, memory=memory, rounds=rounds)


async def _memory_with_rooms(measurer: Measurer, bots: dict[str, BotRun]) -> dict[str, Any]:
    """Relais and matrix-reminder-bot invited to the same 200 rooms (plain)."""
    joiners = [bots["relais"].user.user_id, bots["reminder-bot"].user.user_id]
    for _ in range(MEMORY_ROOMS - 2):
        await measurer.create_room(joiners, encrypted=False)
    joined: dict[str, int] = {}
    for _ in range(600):
        await measurer.sync(1000)
        joined = {
            bot: sum(
                1
                for r in measurer.client.rooms.values()
                if bot in r.users and bot not in r.invited_users
            )
            for bot in joiners
        }
        if min(joined.values()) >= MEMORY_ROOMS:
            break
    await asyncio.sleep(5)  # let the bots settle their syncs
    return {
        who: {
            "rooms_joined": joined[bots[who].user.user_id],
            "rss_mb": round(procstat.rss_mb(bots[who].pid), 1),
        }
        for who in ("relais", "reminder-bot")
    }


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1)}


def _summarise(
    samples: dict[tuple[str, str, str], list[float]],
    cpu: dict[tuple[str, str, str], float],
    warm: dict[str, float],
    *,
    start: dict[str, Any],
    memory: dict[str, Any],
    rounds: int,
) -> dict[str, Any]:
    rows: list[tuple[str, ...]] = [
        (
            "salon",
            "commande",
            "Relais p50/p95",
            "plancher p50/p95",
            "reminder-bot p50/p95",
            "Relais/plancher",
            "Relais/reminder-bot",
            "CPU/réponse R / P / RB",
        )
    ]
    cases: list[dict[str, Any]] = []
    for kind in ("plain", "encrypted"):
        for command in COMMANDS:
            present = [who for who in BOTS if (who, kind, command) in samples]
            stats = {who: _ms(samples[(who, kind, command)]) for who in present}
            cpu_ms = {
                who: round(cpu[(who, kind, command)] * 1000 / len(samples[(who, kind, command)]), 2)
                for who in present
            }
            ratio = round(stats["relais"]["p50"] / stats["floor"]["p50"], 3)
            versus = (
                round(stats["relais"]["p50"] / stats["reminder-bot"]["p50"], 3)
                if "reminder-bot" in stats
                else None
            )
            cases.append(
                {"room": kind, "command": command, "ms": stats, "cpu_ms_per_answer": cpu_ms,
                 "ratio_p50_floor": ratio, "ratio_p50_reminder_bot": versus}
            )  # fmt: skip
            rows.append(
                (
                    kind,
                    command,
                    *(
                        f"{stats[w]['p50']:.1f} / {stats[w]['p95']:.1f}" if w in stats else "-"
                        for w in BOTS
                    ),
                    f"{ratio:.3f}",
                    "-" if versus is None else f"{versus:.3f}",
                    " / ".join(f"{cpu_ms[w]:.1f}" if w in cpu_ms else "-" for w in BOTS),
                )
            )
    worst = max(case["ratio_p50_floor"] for case in cases)
    print(table(rows))
    print(f"pire ratio p50 Relais/plancher : {worst:.3f} (objectif ≤ {TARGET_RATIO})")
    print(
        "mémoire une fois chaud (Mo) : "
        + ", ".join(f"{who} {warm[who]}" for who in BOTS)
        + " ; avec 200 salons : "
        + ", ".join(
            f"{who} {m['rss_mb']} ({m['rooms_joined']} salons)" for who, m in memory.items()
        )
    )
    print(
        "du lancement à la première réponse (médiane de "
        f"{START_REPEATS}, s ; CPU s) : "
        + ", ".join(
            f"{who} {start[who]['wall_s_median']:.2f} ; {start[who]['cpu_s_median']:.2f}"
            for who in BOTS
        )
    )
    return {
        "rounds": rounds,
        "start_to_first_reply": start,
        "reminder_bot": reminder_bot_version(),
        "target_ratio_p50": TARGET_RATIO,
        "cases": cases,
        "worst_ratio_p50": worst,
        "meets_target": worst <= TARGET_RATIO,
        "rss_mb_warm": warm,
        "memory_200_rooms": memory,
    }


def main(argv: list[str]) -> int:
    rounds = 200
    for option in argv:
        if option.startswith("--rounds="):
            rounds = int(option.split("=", 1)[1])
    result = asyncio.run(run(rounds))
    print(f"résultats : {write('matrix', result)}")
    return 0
