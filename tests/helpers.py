"""Test helpers. `RecordingTransport` is the maubot-style fake: it records what it would send."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bot.message import Channel, Message, Outgoing, Role, Sender


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
