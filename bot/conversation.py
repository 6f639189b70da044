"""Multi-turn exchanges (confirmations, numbered choices, free text until !fin).

State lives in SQLite so a restart resumes a conversation. It is keyed by a keyed hash
of (transport, sender, channel): the table holds no sender id. The state itself is
encrypted with a key derived from the same identity and the instance secret, so the
file alone does not reveal drafts without knowing whose they are.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import nacl.secret

from bot.message import Message, Reply
from bot.sealing import InstanceSecret, Unreadable, open_json, seal_json
from bot.store import Store

if TYPE_CHECKING:
    from bot.context import Services

logger = logging.getLogger(__name__)


@dataclass
class ConversationState:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Turn:
    """What a flow answers to one input: replies, then the next step (None ends it)."""

    replies: Sequence[Reply | str]
    step: str | None = None
    data: dict[str, Any] | None = None
    expiry_minutes: int | None = None


class ConversationFlow(Protocol):
    """A feature's multi-turn exchange. Steps are plain strings the flow interprets."""

    name: str
    # What people call it, for "… est laissé de côté" ("l'ajout d'un rendez-vous").
    label: str
    # Words after the command prefix that the flow takes as input ("fin" for "!fin").
    controls: frozenset[str]

    async def on_input(
        self, services: Services, message: Message, state: ConversationState, text: str
    ) -> Turn: ...

    def help_for(self, state: ConversationState) -> str: ...

    async def on_cancel(self, services: Services, state: ConversationState) -> str: ...


class Conversations:
    def __init__(
        self,
        store: Store,
        *,
        expiry_minutes: int,
        clock: Callable[[], float] = time.time,
        secret: InstanceSecret | None = None,
    ) -> None:
        self._store = store
        self._expiry_seconds = expiry_minutes * 60
        self._clock = clock
        self._flows: dict[str, ConversationFlow] = {}
        # Conversations replaced while handling the current message (read by the router).
        self._replaced: dict[str, ConversationState] = {}
        self._secret = secret or InstanceSecret(store)

    def register(self, flow: ConversationFlow) -> None:
        self._flows[flow.name] = flow

    def flow(self, name: str) -> ConversationFlow | None:
        return self._flows.get(name)

    async def _owner_and_box(self, message: Message) -> tuple[str, nacl.secret.SecretBox]:
        # A person has one private conversation with the bot per transport, whatever
        # the room id: a flow started from a room command continues in the DM.
        where = "direct" if message.channel.is_direct else message.channel.id
        return await self._owner_and_box_of(message.channel.transport, message.sender.id, where)

    async def _owner_and_box_of(
        self, transport: str, sender_id: str, where: str
    ) -> tuple[str, nacl.secret.SecretBox]:
        identity = f"{transport}\0{sender_id}\0{where}".encode()
        owner = await self._secret.fingerprint(b"relais-owner", identity)
        return owner, await self._secret.box(b"relais-state", identity)

    async def active_in_private(self, transport: str, sender_id: str) -> bool:
        """Whether this person has a private conversation in progress (not expired)."""
        owner, _ = await self._owner_and_box_of(transport, sender_id, "direct")
        row = await self._store.fetchone(
            "SELECT 1 FROM conversations WHERE owner = ? AND expires_at > ?",
            (owner, self._clock()),
        )
        return row is not None

    async def get(self, message: Message) -> ConversationState | None:
        owner, box = await self._owner_and_box(message)
        row = await self._store.fetchone(
            "SELECT flow, step, data, expires_at FROM conversations WHERE owner = ?", (owner,)
        )
        if row is None:
            return None
        if row["expires_at"] <= self._clock() or row["flow"] not in self._flows:
            await self._store.execute("DELETE FROM conversations WHERE owner = ?", (owner,))
            return None
        try:
            data = open_json(box, bytes(row["data"]))
        except Unreadable:
            logger.warning("conversation state unreadable for flow %s; dropped", row["flow"])
            await self._store.execute("DELETE FROM conversations WHERE owner = ?", (owner,))
            return None
        return ConversationState(flow=str(row["flow"]), step=str(row["step"]), data=data)

    async def save(
        self, message: Message, state: ConversationState, expiry_minutes: int | None = None
    ) -> None:
        owner, box = await self._owner_and_box(message)
        now = self._clock()
        expiry = self._expiry_seconds if expiry_minutes is None else expiry_minutes * 60
        sealed = seal_json(box, state.data)
        await self._store.execute(
            "INSERT INTO conversations (owner, flow, step, data, expires_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(owner) DO UPDATE SET flow = excluded.flow,"
            " step = excluded.step, data = excluded.data, expires_at = excluded.expires_at,"
            " updated_at = excluded.updated_at",
            (owner, state.flow, state.step, bytes(sealed), now + expiry, now),
        )

    async def start(
        self,
        message: Message,
        flow: str,
        step: str,
        data: dict[str, Any] | None = None,
        expiry_minutes: int | None = None,
        *,
        continuing: bool = False,
    ) -> None:
        """Start a conversation. One already going on is replaced, and the router tells the
        person so (`take_replaced`), unless the caller says it continues it."""
        if flow not in self._flows:
            raise KeyError(f"unknown conversation flow {flow!r}")
        if not continuing:
            existing = await self.get(message)
            if existing is not None:
                owner, _ = await self._owner_and_box(message)
                self._replaced[owner] = existing
        await self.save(message, ConversationState(flow, step, data or {}), expiry_minutes)

    async def take_replaced(self, message: Message) -> ConversationFlow | None:
        """The flow of a conversation that a command just replaced (once), if any."""
        owner, _ = await self._owner_and_box(message)
        state = self._replaced.pop(owner, None)
        return None if state is None else self._flows.get(state.flow)

    async def end(self, message: Message) -> None:
        owner, _ = await self._owner_and_box(message)
        await self._store.execute("DELETE FROM conversations WHERE owner = ?", (owner,))

    async def purge_expired(self) -> int:
        return await self._store.execute(
            "DELETE FROM conversations WHERE expires_at <= ?", (self._clock(),)
        )
