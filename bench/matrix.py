"""Command round trip over a local Synapse: Relais against a raw matrix-nio floor.

Both bots run as their own processes on the same Synapse, in the same run; one
measuring client sends `!ping` / `!aide` and times until the reply arrives, in plain
and encrypted rooms, alternating between the two bots block by block so machine noise
hits both alike. Also: the Relais process' memory (RSS) once it has joined 200 rooms.

    python -m bench matrix [--rounds N]      (N commands per bot, room kind and command)
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from nio import (
    AsyncClient,
    AsyncClientConfig,
    LoginResponse,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

from bench.results_io import percentile, table, write
from devserver.synapse import LocalSynapse

ROOT = Path(__file__).resolve().parent.parent
ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
TARGET_RATIO = 1.15
BLOCK = 25
MEMORY_ROOMS = 200


class Measurer:
    """The person typing commands: a real E2EE client that times each answer."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client

    async def sync(self, timeout_ms: int) -> SyncResponse:
        response = await self.client.sync(timeout=timeout_ms)
        assert isinstance(response, SyncResponse), response
        c = self.client
        if c.should_upload_keys:
            await c.keys_upload()
        if c.should_query_keys:
            await c.keys_query()
        if c.should_claim_keys:
            await c.keys_claim(c.get_users_for_key_claiming())
        return response

    async def room_with(self, bot: str, encrypted: bool) -> str:
        created = await self.client.room_create(
            invite=[bot],
            preset=RoomPreset.private_chat,
            initial_state=[ENCRYPTION] if encrypted else [],
        )
        assert isinstance(created, RoomCreateResponse), created
        room_id = created.room_id
        for _ in range(200):
            await self.sync(500)
            room = self.client.rooms.get(room_id)
            if room and bot in room.users and bot not in room.invited_users:
                return str(room_id)
        raise RuntimeError("the bot did not join")

    async def round_trip(self, room_id: str, command: str) -> float:
        started = time.perf_counter()
        sent = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": command},
            ignore_unverified_devices=True,
        )
        assert isinstance(sent, RoomSendResponse), sent
        while True:
            if time.perf_counter() - started > 60:
                raise TimeoutError(f"no answer to {command} in {room_id} within 60 s")
            response = await self.sync(30_000)
            joined = response.rooms.join.get(room_id)
            for event in joined.timeline.events if joined else []:
                if isinstance(event, RoomMessageNotice) and _replies_to(event) == sent.event_id:
                    return (time.perf_counter() - started) * 1000


def _replies_to(event: RoomMessageNotice) -> str | None:
    relates = event.source.get("content", {}).get("m.relates_to") or {}
    return (relates.get("m.in_reply_to") or {}).get("event_id")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _wait_line(process: subprocess.Popen[str], marker: str, timeout: float) -> None:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = await asyncio.to_thread(process.stdout.readline)
        if marker in line:
            return
        if process.poll() is not None:
            raise RuntimeError(f"process ended: {line}")
    raise TimeoutError(marker)


async def run(rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        base = Path(tmp)
        async with LocalSynapse(base / "synapse") as synapse:
            return await _run(synapse, base, rounds)


async def _run(synapse: LocalSynapse, base: Path, rounds: int) -> dict[str, Any]:
    people = {name: await synapse.create_user(name) for name in ("relais", "floor", "me")}
    for user in people.values():
        await synapse.exempt_from_ratelimit(user.user_id)
    config = {
        "relais": {"data_dir": str(base / "relais-data"), "log_level": "WARNING"},
        "organisers": {"matrix": [people["me"].user_id]},
        # One person firing hundreds of commands: the flood limit would (rightly) stop it.
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
        "matrix": {
            "homeserver": synapse.url,
            "user_id": people["relais"].user_id,
            "password": people["relais"].password,
        },
    }
    config_path = base / "relais.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    relais = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    floor = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.matrix_floor",
            synapse.url,
            people["floor"].user_id,
            people["floor"].password,
            str(base / "floor-store"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    client = AsyncClient(
        synapse.url,
        people["me"].user_id,
        store_path=str(base / "me"),
        config=AsyncClientConfig(encryption_enabled=True, max_limit_exceeded=0),
    )
    (base / "me").mkdir()
    try:
        await _wait_line(floor, "ready", 60)
        login = await client.login(people["me"].password, device_name="bench")
        assert isinstance(login, LoginResponse), login
        measurer = Measurer(client)
        await measurer.sync(0)
        bots = {"relais": people["relais"].user_id, "floor": people["floor"].user_id}
        rooms = {
            (who, kind): await measurer.room_with(bot, kind == "encrypted")
            for who, bot in bots.items()
            for kind in ("plain", "encrypted")
        }
        print("salons prêts", flush=True)
        samples: dict[tuple[str, str, str], list[float]] = {}
        for kind in ("plain", "encrypted"):
            for command in ("!ping", "!aide"):
                for who in bots:  # warm-up: sessions shared, caches filled
                    for _ in range(5):
                        await measurer.round_trip(rooms[(who, kind)], command)
                print(f"mesure : {kind} {command}", flush=True)
                done = 0
                while done < rounds:
                    for who in bots:
                        bucket = samples.setdefault((who, kind, command), [])
                        for _ in range(min(BLOCK, rounds - done)):
                            bucket.append(await measurer.round_trip(rooms[(who, kind)], command))
                    done += BLOCK
        memory = await _memory_with_rooms(measurer, bots["relais"], relais.pid)
    finally:
        await client.close()
        for process in (relais, floor):
            process.terminate()
            process.wait(30)
    return _summarise(samples, memory, rounds)


async def _memory_with_rooms(measurer: Measurer, bot: str, pid: int) -> dict[str, Any]:
    before = _rss_mb(pid)
    for _ in range(MEMORY_ROOMS - 2):
        created = await measurer.client.room_create(invite=[bot], preset=RoomPreset.private_chat)
        assert isinstance(created, RoomCreateResponse), created
    for _ in range(600):
        await measurer.sync(1000)
        joined = [
            r
            for r in measurer.client.rooms.values()
            if bot in r.users and bot not in r.invited_users
        ]
        if len(joined) >= MEMORY_ROOMS:
            break
    await asyncio.sleep(5)  # let the bot settle its syncs
    return {
        "rooms_joined": len(joined),
        "rss_mb_before": round(before, 1),
        "rss_mb_200_rooms": round(_rss_mb(pid), 1),
    }


def _summarise(
    samples: dict[tuple[str, str, str], list[float]], memory: dict[str, Any], rounds: int
) -> dict[str, Any]:
    rows: list[tuple[str, ...]] = [
        ("salon", "commande", "Relais p50", "Relais p95", "plancher p50", "plancher p95", "ratio")
    ]
    cases: list[dict[str, Any]] = []
    for (who, kind, command), values in sorted(samples.items()):
        if who != "relais":
            continue
        floor_values = samples[("floor", kind, command)]
        relais_ms = {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        floor_ms = {"p50": percentile(floor_values, 50), "p95": percentile(floor_values, 95)}
        ratio = round(relais_ms["p50"] / floor_ms["p50"], 3)
        cases.append(
            {"room": kind, "command": command, "relais_ms": relais_ms, "floor_ms": floor_ms,
             "ratio_p50": ratio}
        )  # fmt: skip
        rows.append(
            (kind, command, f"{relais_ms['p50']:.1f} ms", f"{relais_ms['p95']:.1f} ms",
             f"{floor_ms['p50']:.1f} ms", f"{floor_ms['p95']:.1f} ms", f"{ratio:.3f}")
        )  # fmt: skip
    worst = max(case["ratio_p50"] for case in cases)
    print(table(rows))
    print(f"pire ratio p50 : {worst:.3f} (objectif ≤ {TARGET_RATIO})")
    print(
        f"mémoire du robot : {memory['rss_mb_before']} Mo, puis {memory['rss_mb_200_rooms']} Mo"
        f" avec {memory['rooms_joined']} salons rejoints"
    )
    return {
        "rounds": rounds,
        "target_ratio_p50": TARGET_RATIO,
        "cases": cases,
        "worst_ratio_p50": worst,
        "meets_target": worst <= TARGET_RATIO,
        "memory": memory,
    }


def main(argv: list[str]) -> int:
    rounds = 200
    for option in argv:
        if option.startswith("--rounds="):
            rounds = int(option.split("=", 1)[1])
    result = asyncio.run(run(rounds))
    print(f"résultats : {write('matrix', result)}")
    return 0
