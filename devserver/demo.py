"""`relais demo`: a local Synapse, a bot account, a demo account, a room, and the bot.

Everything is kept in `.relais-demo/` so a second run finds the same accounts and rooms.
Ctrl-C stops the bot and Synapse. Nothing leaves the machine: Synapse listens on
127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
import socket
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import parse_config
from bot.feature import Feature
from bot.transports.matrix.transport import create as create_matrix
from commands.agenda import AgendaFeature
from commands.agenda.model import Event
from devserver import demo_content, texts
from devserver.synapse import LocalSynapse

logger = logging.getLogger(__name__)

PREFERRED_PORT = 8008
PREFERRED_AGENDA_PORT = 8089
BOT_LOCALPART = "relais"
DEMO_LOCALPART = "demo"


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _any_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _load_state(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def _save_state(path: Path, state: dict[str, Any]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=2)


async def _create_demo_room(
    synapse: LocalSynapse, token: str, bot_id: str, name: str = demo_content.MAIN_ROOM_NAME
) -> str:
    body = {
        "name": name,
        "topic": "Salon de démonstration : tapez !aide",
        "preset": "private_chat",
        "invite": [bot_id],
        "initial_state": [
            {
                "type": "m.room.encryption",
                "state_key": "",
                "content": {"algorithm": "m.megolm.v1.aes-sha2"},
            }
        ],
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{synapse.url}/_matrix/client/v3/createRoom",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        data = await response.json()
        if response.status != 200:
            raise RuntimeError(f"room creation failed: {data.get('errcode')}")
        return str(data["room_id"])


async def run_demo(base: Path, features: Sequence[Feature]) -> int:
    base = base.resolve()
    base.mkdir(parents=True, exist_ok=True)
    state_path = base / "demo.json"
    state = _load_state(state_path)
    port = state.get("port")
    if port is None or not _port_free(int(port)):
        port = PREFERRED_PORT if _port_free(PREFERRED_PORT) else None
    print(texts.STARTING, flush=True)
    synapse = LocalSynapse(base / "synapse", port=port)
    await synapse.start()
    try:
        state.setdefault("bot_password", secrets.token_urlsafe(18))
        state.setdefault("demo_password", secrets.token_urlsafe(9))
        bot_id = await synapse.register(BOT_LOCALPART, state["bot_password"])
        demo_id = await synapse.register(DEMO_LOCALPART, state["demo_password"])
        await synapse.exempt_from_ratelimit(bot_id)
        state["port"] = synapse.port
        if "room_id" not in state or "neighbours_room_id" not in state:
            token, _ = await synapse.login(demo_id, state["demo_password"])
            state.setdefault("room_id", await _create_demo_room(synapse, token, bot_id))
            state["neighbours_room_id"] = await _create_demo_room(
                synapse, token, bot_id, demo_content.NEIGHBOUR_ROOM_NAME
            )
        _save_state(state_path, state)
        agenda_port = PREFERRED_AGENDA_PORT if _port_free(PREFERRED_AGENDA_PORT) else _any_port()
        rooms = {
            demo_content.MAIN_GROUP: state["room_id"],
            demo_content.NEIGHBOUR_GROUP: state["neighbours_room_id"],
        }
        data = demo_content.config(
            base,
            synapse.url,
            bot_id=bot_id,
            password=state["bot_password"],
            demo_id=demo_id,
            rooms=rooms,
        )
        # The public agenda page and ICS feed, for people without Matrix.
        data["agenda"] = {"http": {"enabled": True, "port": agenda_port}}
        config = parse_config(data, sections=feature_sections(features), environ={})
        async with App(config, features) as app:
            await _add_demo_events(app)
            transport = create_matrix(config, app.services)
            runner = asyncio.create_task(app.run_transports([transport]))
            await transport.wait_ready(120)
            print(
                texts.READY.format(
                    url=synapse.url,
                    user=demo_id,
                    password=state["demo_password"],
                    bot=bot_id,
                    base=base,
                    agenda=f"http://127.0.0.1:{agenda_port}/agenda",
                    room=demo_content.MAIN_ROOM_NAME,
                    neighbours=demo_content.NEIGHBOUR_ROOM_NAME,
                    key=base / demo_content.KEY_FILE,
                    data=base / "data",
                ),
                flush=True,
            )
            await _until_stopped(runner)
    finally:
        print(texts.STOPPING, flush=True)
        await synapse.stop()
    return 0


async def _add_demo_events(app: App) -> None:
    """A few coming events in the demo group, unless some are already coming."""
    agenda = app.feature(AgendaFeature).service
    now = app.services.now()
    if await agenda.upcoming([demo_content.MAIN_GROUP], now, now + demo_content.LOOKAHEAD):
        return
    for item in demo_content.EVENTS:
        start, end = demo_content.event_times(item, now)
        await agenda.create(
            Event(
                id=0,
                group=demo_content.MAIN_GROUP,
                kind=item.kind,
                title=item.title,
                start=start.astimezone(UTC),
                end=end.astimezone(UTC),
                tz=demo_content.ZONE,
                place=item.place,
            )
        )


async def _until_stopped(runner: asyncio.Task[None]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
    for task in (runner, waiter):
        task.cancel()
    await asyncio.gather(runner, waiter, return_exceptions=True)
