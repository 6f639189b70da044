"""Reminders due at the same instant in one room, Relais beside matrix-reminder-bot 0.4 on
one Synapse, in one run.

    python -m bench burst [--reminders=N] [--rounds=R]

Each bot gets an encrypted room with the measuring client. Both are stopped, given N
reminders due at the same second (Relais: N events imported from an ICS file whose "2h"
reminders fall due then; matrix-reminder-bot: N rows in its own table, as it keeps them),
and started again. Lateness of each reminder = Synapse's timestamp of the message that
carries it minus the instant it was due (a Relais message lists them all), and the same
at the client's sync. Rounds alternate the bots' order of start. The floor: Synapse's
own send time, the measuring client's messages in the same encrypted room (sent → Synapse's
timestamp). Writes bench/results/burst.json and prints a table.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bots import RelaisRun, ReminderBotRun, reminder_bot_version
from bench.measurer import Measurer
from bench.results_io import percentile, table, write
from devserver.synapse import LocalSynapse, UserCredentials

REMINDERS = 30
ROUNDS = 2
LEAD_SECONDS = 25  # from seeding to the instant: both bots restarted and synced by then
SETTLE_SECONDS = 20
FLOOR_WARM_UP = 5
FLOOR_SENDS = 30
# Lateness of reminders may exceed Synapse's own send time by this much at p99 (issue 16).
ABOVE_FLOOR_MS = 100
TITLE = "Chantier {n:03d} round {r}"


def _ics(due: datetime, titles: list[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//relais bench//FR"]
    start = due + timedelta(hours=2)
    for uid, title in enumerate(titles):
        lines += [
            "BEGIN:VEVENT",
            f"UID:burst-{title.replace(' ', '-')}-{uid}@bench",
            f"DTSTAMP:{datetime.now(UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{title}",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def _relais(base: Path, user: UserCredentials, synapse: LocalSynapse, room: str | None) -> Any:
    settings: dict[str, Any] = {"agenda": {"reminders": {"default": ["2h"]}}}
    if room is not None:
        settings["groups"] = [{"name": "bench", "rooms": [room]}]
    return RelaisRun(base / "relais", user, synapse, settings)


async def run(reminders: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="relais-bench-burst-") as tmp:
        base = Path(tmp)
        async with LocalSynapse(base / "synapse") as synapse:
            users = {n: await synapse.create_user(n) for n in ("relais", "reminder-bot", "me")}
            for user in users.values():
                await synapse.exempt_from_ratelimit(user.user_id)
            relais = _relais(base, users["relais"], synapse, None)
            other = ReminderBotRun(base / "reminder-bot", users["reminder-bot"], synapse)
            bots = {"relais": relais, "reminder-bot": other}
            me = await Measurer.login(synapse, users["me"], base / "me")
            try:
                for bot in bots.values():
                    bot.start()
                rooms = {
                    who: await me.room_with(bot.user.user_id, encrypted=True)
                    for who, bot in bots.items()
                }
                # Relais learns its room from its configuration; the CLI imports into it.
                relais.stop()
                relais = bots["relais"] = _relais(base, users["relais"], synapse, rooms["relais"])
                late: dict[str, dict[str, list[float]]] = {
                    who: {"server": [], "client": []} for who in bots
                }
                floor = await _send_floor(me, rooms["relais"])
                for round_ in range(rounds):
                    await _round(
                        me,
                        bots,
                        rooms=rooms,
                        reminders=reminders,
                        round_=round_,
                        base=base,
                        late=late,
                    )
            except Exception:
                for who, bot in bots.items():
                    print(f"--- journal de {who} (fin)\n{bot.log()[-2000:]}")
                raise
            finally:
                await me.close()
                for bot in bots.values():
                    bot.stop()
    return _summarise(late, floor, reminders, rounds)


async def _send_floor(me: Measurer, room_id: str) -> list[float]:
    """Synapse's own send time: a client's message in the same encrypted room, from the
    moment it is sent to the timestamp Synapse gives it (seconds). The bots cannot beat it."""
    for n in range(FLOOR_WARM_UP):  # the client's room key shared, connections open
        await me.say(room_id, f"plancher (échauffement) {n}")
    sent: dict[str, float] = {}
    for n in range(FLOOR_SENDS):
        started = time.time()
        event_id, _ = await me.say(room_id, f"plancher {n}")
        sent[event_id] = started
    for _ in range(30):
        arrived = {s.event_id: s.server_ts for s in me.seen if s.event_id in sent}
        if len(arrived) == len(sent):
            break
        await me.sync(1000)
    return [arrived[event_id] - started for event_id, started in sent.items()]


async def _round(
    me: Measurer,
    bots: dict[str, Any],
    *,
    rooms: dict[str, str],
    reminders: int,
    round_: int,
    base: Path,
    late: dict[str, dict[str, list[float]]],
) -> None:
    for bot in bots.values():
        bot.stop()
    titles = [TITLE.format(n=n, r=round_) for n in range(reminders)]
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD_SECONDS)
    calendar = base / f"burst-{round_}.ics"
    calendar.write_text(_ics(due, titles), encoding="utf-8")
    bots["relais"].cli("agenda", "import", str(calendar), "--groupe", "bench")
    bots["reminder-bot"].seed(rooms["reminder-bot"], titles, due)
    order = list(bots) if round_ % 2 == 0 else list(reversed(bots))
    for who in order:
        bots[who].start()
    before = len(me.seen)
    await me.watch(due.timestamp() + SETTLE_SECONDS)
    instant = due.timestamp()
    pattern = re.compile(r"Chantier \d{3} round " + str(round_) + r"\b")
    messages: dict[str, list[float]] = {who: [] for who in bots}
    for who, bot in bots.items():
        carried = 0
        for seen in me.seen[before:]:
            if seen.room_id != rooms[who] or seen.sender != bot.user.user_id:
                continue
            count = len(pattern.findall(seen.body))
            if count:
                messages[who].append(round((seen.server_ts - instant) * 1000, 1))
            carried += count
            late[who]["server"] += [seen.server_ts - instant] * count
            late[who]["client"] += [seen.received - instant] * count
        print(
            f"manche {round_} : {who} {carried}/{reminders} rappels reçus en"
            f" {len(messages[who])} message(s), retards Synapse (ms) {messages[who][:12]}",
            flush=True,
        )


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p99_ms": round(percentile(values, 99) * 1000, 1),
        "max_ms": round(max(values, default=float("nan")) * 1000, 1),
        "received": len(values),
    }


def _summarise(
    late: dict[str, dict[str, list[float]]], floor: list[float], reminders: int, rounds: int
) -> dict[str, Any]:
    result = {who: {k: _stats(v) for k, v in by.items()} for who, by in late.items()}
    rows: list[tuple[str, ...]] = [
        ("robot", "reçus", "retard Synapse p50 / p99 / max (ms)", "retard client p50 / p99 (ms)")
    ]
    for who, by in result.items():
        s, c = by["server"], by["client"]
        rows.append(
            (
                who,
                f"{s['received']}/{reminders * rounds}",
                f"{s['p50_ms']} / {s['p99_ms']} / {s['max_ms']}",
                f"{c['p50_ms']} / {c['p99_ms']}",
            )
        )
    print(table(rows))
    ratio = round(
        result["relais"]["server"]["p99_ms"] / result["reminder-bot"]["server"]["p99_ms"], 3
    )
    print(f"ratio p99 Relais / matrix-reminder-bot : {ratio} (objectif ≤ 1)")
    floor_stats = _stats(floor)
    above = round(result["relais"]["server"]["p99_ms"] - floor_stats["p50_ms"], 1)
    print(
        f"plancher (envoi d'un client, même salon) p50 / p99 : {floor_stats['p50_ms']} /"
        f" {floor_stats['p99_ms']} ms ; Relais p99 au-dessus du plancher p50 : {above} ms"
        f" (objectif < {ABOVE_FLOOR_MS})"
    )
    return {
        "send_floor": floor_stats,
        "relais_p99_above_floor_ms": above,
        "meets_floor_target": above < ABOVE_FLOOR_MS,
        "reminders_per_round": reminders,
        "rounds": rounds,
        "reminder_bot": reminder_bot_version(),
        "lateness": result,
        "ratio_p99_relais_reminder_bot": ratio,
    }


def main(argv: list[str]) -> int:
    options = dict(a.removeprefix("--").split("=", 1) for a in argv if "=" in a)
    started = time.perf_counter()
    result = asyncio.run(
        run(int(options.get("reminders", REMINDERS)), int(options.get("rounds", ROUNDS)))
    )
    path = write("burst", {**result, "seconds": round(time.perf_counter() - started, 1)})
    print(f"-> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
