"""Joining and leaving rooms with the same patience as sending messages.

Synapse limits joins (`rc_joins`) like messages: a bot configured with 30 rooms, or
invited to many at once, gets `M_LIMIT_EXCEEDED` for some of them. Every join and leave
goes through one worker that waits as long as the server says, retries network and
server errors with a capped backoff, and gives up only when the server refuses for good
(not invited, banned, unknown room), logging the true reason. The sync loop never waits
for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp
from nio import AsyncClient, JoinResponse, RoomResolveAliasResponse

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60.0
# Refusals that no retry can change; anything else (rate limit, 5xx, network) is retried.
FINAL_REFUSALS = frozenset(
    {"M_FORBIDDEN", "M_BAD_STATE", "M_NOT_FOUND", "M_BAD_JSON", "M_INVALID_PARAM"}
)
REASONS = {
    "M_FORBIDDEN": "not invited: invite the bot to the room",
    "M_BAD_STATE": "the bot is banned from the room",
    "M_NOT_FOUND": "no such room or alias",
}

Joined = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class _Task:
    kind: str  # "join" or "leave"
    address: str  # room id or alias
    reason: str = ""  # the leave reason shown to the room
    on_joined: Joined | None = None


class RetryLater(Exception):
    def __init__(self, what: str, after: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.after = after


class Refused(Exception):
    pass


class Memberships:
    def __init__(self, client: AsyncClient, rng: random.Random | None = None) -> None:
        self._client = client
        self._rng = rng or random.Random()
        self._queue: asyncio.Queue[_Task] = asyncio.Queue()
        self._pending: set[str] = set()
        self.aliases: dict[str, str] = {}

    def join(self, address: str, on_joined: Joined | None = None) -> None:
        if address not in self._pending:
            self._pending.add(address)
            self._queue.put_nowait(_Task("join", address, on_joined=on_joined))

    def leave(self, room_id: str, reason: str) -> None:
        if room_id not in self._pending:
            self._pending.add(room_id)
            self._queue.put_nowait(_Task("leave", room_id, reason))

    def is_pending(self, room_id: str) -> bool:
        """A join (or leave) of this room is waiting or under way."""
        if room_id in self._pending:
            return True
        return any(self.aliases.get(a) == room_id for a in self._pending if a.startswith("#"))

    async def idle(self) -> None:
        """Wait until every queued join and leave is done (tests, the demo)."""
        await self._queue.join()

    async def run(self) -> None:
        while True:
            task = await self._queue.get()
            try:
                await self._patiently(task)
            finally:
                self._pending.discard(task.address)
                self._queue.task_done()

    async def _patiently(self, task: _Task) -> None:
        backoff = 1.0
        while True:
            try:
                if task.kind == "join":
                    room_id = await self._join(task.address)
                    logger.info("joined a room")
                    if task.on_joined is not None:
                        await task.on_joined(room_id)
                else:
                    await self._leave(task.address, task.reason)
                    logger.info("left a room")
                return
            except Refused as exc:
                logger.warning("could not %s a room: %s", task.kind, exc)
                return
            except RetryLater as exc:
                delay = exc.after if exc.after is not None else backoff * self._rng.uniform(0.5, 1)
                if exc.after is None:
                    backoff = min(MAX_BACKOFF_SECONDS, backoff * 2)
                logger.info("%s of a room: %s; retry in %.1f s", task.kind, exc.what, delay)
                await asyncio.sleep(delay)

    async def resolve(self, alias: str) -> str:
        """A room alias as a room id (cached); raises RetryLater or Refused."""
        if alias in self.aliases:
            return self.aliases[alias]
        try:
            response = await self._client.room_resolve_alias(alias)
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            raise RetryLater(f"network ({exc.__class__.__name__})") from None
        if isinstance(response, RoomResolveAliasResponse):
            self.aliases[alias] = str(response.room_id)
            return str(response.room_id)
        raise _classify(response)

    async def _join(self, address: str) -> str:
        if address.startswith("#"):
            await self.resolve(address)
        try:
            response = await self._client.join(address)
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            raise RetryLater(f"network ({exc.__class__.__name__})") from None
        if isinstance(response, JoinResponse):
            return str(response.room_id)
        raise _classify(response)

    async def _leave(self, room_id: str, reason: str) -> None:
        path = f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/leave"
        headers = {
            "Authorization": f"Bearer {self._client.access_token}",
            "Content-Type": "application/json",
        }
        try:
            payload = json.dumps({"reason": reason})
            response = await self._client.send("POST", path, payload, headers)
            status = response.status
            body = await response.json(content_type=None) if status != 200 else {}
            response.release()
        except (OSError, TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise RetryLater(f"network ({exc.__class__.__name__})") from None
        if status == 200:
            return
        code = body.get("errcode") if isinstance(body, dict) else None
        if code == "M_LIMIT_EXCEEDED":
            raise RetryLater("rate limited", (body.get("retry_after_ms") or 1000) / 1000)
        if code in FINAL_REFUSALS:
            raise Refused(f"{code}: {REASONS.get(code, 'refused')}")
        raise RetryLater(f"server error {status}")


def _classify(response: object) -> Exception:
    code = getattr(response, "status_code", None)
    if code == "M_LIMIT_EXCEEDED":
        retry_ms = getattr(response, "retry_after_ms", None) or 1000
        return RetryLater("rate limited (M_LIMIT_EXCEEDED)", retry_ms / 1000)
    if code in FINAL_REFUSALS:
        return Refused(f"{code}: {REASONS.get(code, 'refused by the server')}")
    return RetryLater(f"server error ({code or 'unknown'})")
