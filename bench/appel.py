"""One call to 100 rooms over a local Synapse: Relais against a raw matrix-nio floor.

Synapse keeps its default rate limits; the Relais bot and the floor account are both
exempted (the benchmark measures Relais, not the server's pacing). Both are members of
the same 100 unencrypted rooms, in this one process:

- Relais: `service.launch(call)` (what "oui" does) until the outbox has delivered the
  100 copies (Synapse acknowledged each one) — recording, keys, per-room ordering,
  remote ids and listeners included.
- floor: the same 100 `room_send` calls made directly with `asyncio.gather`, until
  Synapse acknowledged each one.
- also: from the organiser's "oui" typed in a client until the 100 copies are delivered
  (adds the sync round trip to the bot; for information).

Rounds alternate between Relais and the floor so that machine noise hits both alike.

    python -m bench appel [--rounds=N]
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    LoginResponse,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomPreset,
    RoomSendResponse,
)

from bench.results_io import percentile, table, write
from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import parse_config
from bot.message import Outgoing
from bot.transports.matrix.transport import create as create_matrix
from commands import all_features
from commands.appel import AppelFeature
from commands.appel.model import Call, new_uid
from commands.appel.service import DELIVERY_TOPIC, AppelService
from devserver.synapse import LocalSynapse

ROOMS = 100
TARGET_RATIO = 1.5


class Delivered:
    """Counts the delivered copies of one call (outbox listener)."""

    def __init__(self) -> None:
        self.prefix = ""
        self.count = 0
        self.done = asyncio.Event()

    def expect(self, uid: str) -> None:
        self.prefix, self.count = f"appel-{uid}-" if uid else "appel-", 0
        self.done.clear()

    async def __call__(self, item: Outgoing, remote_id: str | None) -> None:
        if self.prefix and item.key.startswith(self.prefix) and remote_id:
            self.count += 1
            if self.count >= ROOMS:
                self.done.set()


async def _client(synapse: LocalSynapse, user_id: str, password: str) -> AsyncClient:
    client = AsyncClient(synapse.url, user_id)
    response = await client.login(password, device_name="bench")
    assert isinstance(response, LoginResponse), response
    return client


async def _rooms(me: AsyncClient, bots: list[str]) -> list[str]:
    rooms = []
    for _ in range(ROOMS + 1):
        created = await me.room_create(invite=bots, preset=RoomPreset.private_chat)
        assert isinstance(created, RoomCreateResponse), created
        rooms.append(str(created.room_id))
    return rooms


async def _wait_joined(me: AsyncClient, rooms: list[str], bot: str) -> None:
    for _ in range(600):
        await me.sync(timeout=1000)
        # nio's `users` counts invited people too: the bot must have joined.
        joined = [
            r
            for r in rooms
            if (room := me.rooms.get(r)) and bot in room.users and bot not in room.invited_users
        ]
        if len(joined) == len(rooms):
            return
    raise TimeoutError("the bot did not join every room")


def _call(service: AppelService, text: str) -> Call:
    now = service.now()
    return Call(
        uid=new_uid(),
        origin_instance="Relais Bench",
        origin_group="origine",
        text=text,
        tags=("bench",),
        created=now,
        expiry=now.replace(year=now.year + 1),
        hops=("Relais Bench",),
    )


async def run(rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="relais-bench-appel-") as tmp:
        base = Path(tmp)
        async with LocalSynapse(base / "synapse", ratelimits="default") as synapse:
            return await _run(synapse, base, rounds)


async def _run(synapse: LocalSynapse, base: Path, rounds: int) -> dict[str, Any]:
    people = {name: await synapse.create_user(name) for name in ("relais", "floor", "me")}
    for user in people.values():
        await synapse.exempt_from_ratelimit(user.user_id)
    me = await _client(synapse, *people["me"])
    floor = await _client(synapse, *people["floor"])
    rooms = await _rooms(me, [people["relais"].user_id, people["floor"].user_id])
    origin, targets = rooms[0], rooms[1:]
    for room in targets:
        await floor.join(room)
    features = all_features()
    config = parse_config(
        {
            "relais": {"data_dir": str(base / "relais-data"), "log_level": "WARNING"},
            "organisers": {"matrix": [people["me"].user_id]},
            "flood": {"capacity": 1000, "refill_per_minute": 6000},
            "groups": [
                {"name": "origine", "rooms": [origin], "tags": ["bench"]},
                {"name": "cible", "rooms": targets, "tags": ["bench"]},
            ],
            "calls": {"instance": "Relais Bench"},
            "matrix": {
                "homeserver": synapse.url,
                "user_id": people["relais"].user_id,
                "password": people["relais"].password,
            },
        },
        sections=feature_sections(features),
        environ={},
    )
    async with App(config, features) as app:
        transport = create_matrix(config, app.services)
        runner = asyncio.create_task(app.run_transports([transport]))
        try:
            await transport.wait_ready(120)
            await _wait_joined(me, rooms, people["relais"].user_id)
            print("salons prêts", flush=True)
            service = app.feature(AppelFeature).service
            assert isinstance(service, AppelService)
            delivered = Delivered()
            app.services.outbox.on_delivered(DELIVERY_TOPIC, delivered)
            samples = await _measure(service, delivered, floor, targets, rounds)
            samples["chat"] = [await _via_chat(me, origin, delivered, n) for n in range(3)]
            bot = people["relais"].user_id
            checked = await _check_copies(me, bot, targets, rounds + 1 + 3)
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
            await me.close()
            await floor.close()
    return {**_summarise(samples, rounds), "rooms_checked_by_a_reader": checked}


async def _measure(
    service: AppelService,
    delivered: Delivered,
    floor: AsyncClient,
    targets: list[str],
    rounds: int,
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {"relais": [], "floor": []}
    for n in range(rounds + 1):  # the first round warms both up and is not counted
        call = _call(service, f"Appel de mesure numéro {n} : rassemblement samedi")
        delivered.expect(call.uid)
        started = time.perf_counter()
        await service.launch(call, local=True)
        await asyncio.wait_for(delivered.done.wait(), 120)
        relais_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        sent = await asyncio.gather(
            *(
                floor.room_send(room, "m.room.message", {"msgtype": "m.notice", "body": call.text})
                for room in targets
            )
        )
        floor_ms = (time.perf_counter() - started) * 1000
        assert all(isinstance(s, RoomSendResponse) for s in sent), sent[:3]
        if n:
            samples["relais"].append(relais_ms)
            samples["floor"].append(floor_ms)
        print(f"tour {n} : Relais {relais_ms:.0f} ms, plancher {floor_ms:.0f} ms", flush=True)
    return samples


async def _via_chat(me: AsyncClient, origin: str, delivered: Delivered, n: int) -> float:
    """The organiser types the call, reads the preview, answers "oui"; until 100 delivered."""
    text = f"Appel tapé numéro {n} : réunion publique mercredi 18h"
    command = f"!appel --local --tags bench {text}"
    await me.room_send(origin, "m.room.message", {"msgtype": "m.text", "body": command})
    preview = False
    while not preview:
        response = await me.sync(timeout=30_000)
        joined = response.rooms.join.get(origin)
        events = joined.timeline.events if joined else []
        preview = any(isinstance(e, RoomMessageNotice) and text in e.body for e in events)
    delivered.expect("")  # the only call under way: count every copy
    started = time.perf_counter()
    await me.room_send(origin, "m.room.message", {"msgtype": "m.text", "body": "oui"})
    await asyncio.wait_for(delivered.done.wait(), 120)
    return (time.perf_counter() - started) * 1000


async def _check_copies(me: AsyncClient, bot: str, targets: list[str], expected: int) -> int:
    """A reader's check on 10 rooms: each call's copy is there, and only once."""
    await me.sync(timeout=1000)
    for room in targets[:: len(targets) // 10]:
        response = await me.room_messages(room, start=me.next_batch, limit=200)
        bodies = [
            e.body
            for e in getattr(response, "chunk", [])
            if isinstance(e, RoomMessageNotice) and e.sender == bot
        ]
        calls = [b.split("\n", 1)[0] for b in bodies if b.startswith("Appel ")]
        if len(calls) != expected or len(set(calls)) != expected:
            raise AssertionError(f"room {room}: {len(calls)} copies, expected {expected}")
    return 10


def _summarise(samples: dict[str, list[float]], rounds: int) -> dict[str, Any]:
    stats: dict[str, dict[str, Any]] = {
        who: {"p50": percentile(values, 50), "p95": percentile(values, 95), "samples": values}
        for who, values in samples.items()
    }
    ratio = round(stats["relais"]["p50"] / stats["floor"]["p50"], 3)
    rows: list[tuple[str, ...]] = [("mesure", "p50", "p95")]
    labels = {
        "relais": "Relais (launch → 100 livrés)",
        "floor": "plancher nio (100 envois)",
        "chat": "« oui » tapé → 100 livrés",
    }
    for who, label in labels.items():
        rows.append((label, f"{stats[who]['p50']:.0f} ms", f"{stats[who]['p95']:.0f} ms"))
    print(table(rows))
    print(f"ratio p50 Relais / plancher : {ratio:.2f} (objectif ≤ {TARGET_RATIO})")
    return {
        "rooms": ROOMS,
        "rounds": rounds,
        "relais_ms": stats["relais"],
        "floor_ms": stats["floor"],
        "chat_ms": stats["chat"],
        "ratio_p50": ratio,
        "target_ratio_p50": TARGET_RATIO,
        "meets_target": ratio <= TARGET_RATIO,
    }


def main(argv: list[str]) -> int:
    rounds = 10
    for option in argv:
        if option.startswith("--rounds="):
            rounds = int(option.split("=", 1)[1])
    result = asyncio.run(run(rounds))
    print(f"résultats : {write('appel', result)}")
    return 0
