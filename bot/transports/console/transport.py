"""Terminal chat: the embedded default, no server needed.

Lines starting with "/" are console controls (switch room, speaker, role, quit);
everything else goes through the same router, store, outbox and scheduler as Matrix.
Works interactively and with piped input (`printf '!aide\\n' | relais console`).
"""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TextIO

from bot.french import unescape_markdown
from bot.message import Channel, Message, Outgoing, ReplyKind, Role, Sender
from bot.transports.console import texts

DELIVERED_MEMORY = 1000

NAME = "console"
_MARKDOWN_BOLD = re.compile(r"\*\*(.+?)\*\*")


class ConsoleTransport:
    name = NAME

    def __init__(
        self,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        drain: Callable[[], Awaitable[bool]] | None = None,
        group_for_room: Callable[[str], str | None] = lambda room: None,
        interactive: bool | None = None,
    ) -> None:
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self._drain = drain
        self._group_for_room = group_for_room
        self.interactive = self._stdin.isatty() if interactive is None else interactive
        self.user = "vous"
        self.role = Role.MEMBER
        self.room: str | None = None  # None: direct conversation with the bot
        # Keys delivered by this process (idempotency); bounded, the outbox dedups too.
        self._delivered: OrderedDict[str, None] = OrderedDict()

    # -- outgoing ----------------------------------------------------------------------
    async def deliver(self, item: Outgoing) -> str | None:
        if item.key in self._delivered:  # idempotency within this process
            return item.key
        self._delivered[item.key] = None
        if len(self._delivered) > DELIVERED_MEMORY:
            self._delivered.popitem(last=False)
        if item.kind is ReplyKind.RETRACTION:
            self._stdout.write(texts.RETRACTED.format(reason=item.text) + "\n\n")
            self._stdout.flush()
            return item.key
        where = ""
        if item.channel.id != self.channel().id:
            where = texts.ELSEWHERE.format(where=_describe(item.channel))
        elif item.kind is ReplyKind.ANNOUNCEMENT:
            where = texts.ANNOUNCEMENT
        body = unescape_markdown(_MARKDOWN_BOLD.sub(r"\1", item.text))
        head = "relais> " if self.interactive else ""
        self._stdout.write(f"{where}{head}{body}\n\n")
        self._stdout.flush()
        return item.key

    # -- incoming ----------------------------------------------------------------------
    def channel(self) -> Channel:
        if self.room is None:
            return Channel(NAME, f"dm:{self.user}", is_direct=True)
        room_id = f"salon:{self.room}"
        return Channel(NAME, room_id, is_direct=False, group=self._group_for_room(room_id))

    def message(self, text: str) -> Message:
        return Message(
            sender=Sender(self.user, self.role, flood_limited=False),
            channel=self.channel(),
            text=text,
            received_at=datetime.now(UTC),
            event_id=f"console-{uuid.uuid4().hex}",
        )

    async def run(self, handle: Callable[[Message], Awaitable[int]]) -> None:
        if self.interactive:
            self._write(texts.WELCOME)
        while True:
            if self.interactive:
                self._stdout.write(f"{self._prompt()} ")
                self._stdout.flush()
            line = await asyncio.to_thread(self._stdin.readline)
            if not line:
                break
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            if text.startswith("/"):
                if not self.control(text):
                    break
                continue
            await handle(self.message(text))
            if self._drain is not None:
                await self._drain()

    def control(self, line: str) -> bool:
        """Apply a console control; False means quit."""
        word, _, rest = line[1:].strip().partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in ("quitter", "quit", "exit", "q"):
            return False
        if word == "dm":
            self.room = None
            self._write(texts.NOW_DM)
        elif word == "salon":
            if not re.fullmatch(r"[\w\-]{1,40}", rest):
                self._write(texts.ROOM_NAME_NEEDED)
            else:
                self.room = rest.lower()
                self._write(texts.NOW_ROOM.format(room=self.room))
        elif word == "qui":
            name, _, role = rest.partition(" ")
            if not re.fullmatch(r"[\w\-.]{1,40}", name):
                self._write(texts.NAME_NEEDED)
            else:
                self.user = name
                organiser = role.strip().lower().startswith("orga")
                self.role = Role.ORGANISER if organiser else Role.MEMBER
                self._write(texts.NOW_USER.format(user=name, role=self.role.label_fr))
        else:
            self._write(texts.CONTROLS)
        return True

    def _prompt(self) -> str:
        where = "privé" if self.room is None else f"#{self.room}"
        return f"[{self.user} @ {where}]>"

    def _write(self, text: str) -> None:
        self._stdout.write(text + "\n")
        self._stdout.flush()


def _describe(channel: Channel) -> str:
    if channel.id.startswith("salon:"):
        return "#" + channel.id.removeprefix("salon:")
    if channel.id.startswith("dm:"):
        return "privé de " + channel.id.removeprefix("dm:")
    return channel.id
