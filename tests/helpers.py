"""Test helpers. `RecordingTransport` is the maubot-style fake: it records what it would send."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import parse_config
from bot.message import Channel, Message, Outgoing, Role, Sender
from bot.router import Command
from commands import all_features


class RecordingTransport:
    """Records deliveries; `fail` may raise to simulate network trouble."""

    def __init__(self, name: str = "test", fail: Callable[[Outgoing], None] | None = None) -> None:
        self.name = name
        self.sent: list[Outgoing] = []
        self.calls = 0
        self.fail = fail

    async def deliver(self, item: Outgoing) -> str | None:
        self.calls += 1
        if self.fail is not None:
            self.fail(item)
        self.sent.append(item)
        return f"remote-{item.id}"

    def texts(self) -> list[str]:
        return [item.text for item in self.sent]


_event_numbers = itertools.count(1)


def message(
    text: str,
    *,
    sender: str = "@alice:example.org",
    role: Role = Role.MEMBER,
    channel: str = "!room:example.org",
    direct: bool = False,
    transport: str = "test",
    event_id: str | None = None,
) -> Message:
    return Message(
        sender=Sender(sender, role),
        channel=Channel(transport, channel, is_direct=direct),
        text=text,
        received_at=datetime.now(UTC),
        event_id=event_id or f"$event{next(_event_numbers)}",
    )


async def wait_until(
    check: Callable[[], Awaitable[Any]], *, within: float = 20.0, every: float = 0.1
) -> Any:
    """Poll `check` until it returns something truthy; TimeoutError after `within` s."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {within:.0f} s (last: {result!r})")
        await asyncio.sleep(every)


@asynccontextmanager
async def running_app(data_dir: Path, settings: dict[str, Any]) -> AsyncIterator[App]:
    """A started App with every feature, on real SQLite in `data_dir`, configured by
    `settings` (besides `relais.data_dir`), with a `RecordingTransport("test")`."""
    features = all_features()
    config = parse_config(
        {**settings, "relais": {**settings.get("relais", {}), "data_dir": str(data_dir)}},
        sections=feature_sections(features),
        environ={},
    )
    async with App(config, features) as running:
        running.add_transport(RecordingTransport("test"))
        yield running


def command_lines(app: App) -> list[str]:
    """Every command and sub-command name, as a person would start typing it."""
    lines: list[str] = []

    def walk(command: Command, head: str) -> None:
        lines.append(f"!{head}")
        for sub in command.subcommands:
            walk(sub, f"{head} {sub.name}")

    for command in app.router.commands():
        walk(command, command.name)
    return lines
