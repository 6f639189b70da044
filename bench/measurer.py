"""The person at the keyboard, for the Matrix benchmarks: a real E2EE matrix-nio client
that creates rooms with the bots, types commands, and notes when each answer arrives.

An answer is the first message the bot writes in the room after the command (Relais and
the floor also mark it as a reply; matrix-reminder-bot does not). Every message seen is
kept with the moment it arrived, for the reminder benchmarks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from nio import (
    AsyncClient,
    AsyncClientConfig,
    LoginResponse,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomMessageText,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

from devserver.synapse import LocalSynapse, UserCredentials

ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
ANSWER_TIMEOUT = 60.0
TIMELINE = {"room": {"timeline": {"limit": 200}}}


@dataclass(frozen=True)
class Seen:
    room_id: str
    sender: str
    body: str
    server_ts: float  # seconds, Synapse's origin_server_ts
    received: float  # seconds, time.time() when the sync brought it
    event_id: str


class Measurer:
    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.seen: list[Seen] = []

    @classmethod
    async def login(cls, synapse: LocalSynapse, user: UserCredentials, store: Path) -> Measurer:
        store.mkdir(parents=True, exist_ok=True)
        client = AsyncClient(
            synapse.url,
            user.user_id,
            store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=True, max_limit_exceeded=0),
        )
        login = await client.login(user.password, device_name="bench")
        assert isinstance(login, LoginResponse), login
        measurer = cls(client)
        await measurer.sync(0)
        return measurer

    async def close(self) -> None:
        await self.client.close()

    async def sync(self, timeout_ms: int) -> SyncResponse:
        # A burst of messages between two syncs must not be cut to the default timeline.
        response = await self.client.sync(timeout=timeout_ms, sync_filter=TIMELINE)
        received = time.time()
        assert isinstance(response, SyncResponse), response
        for room_id, joined in response.rooms.join.items():
            for event in joined.timeline.events:
                if isinstance(event, RoomMessageText | RoomMessageNotice):
                    self.seen.append(
                        Seen(
                            room_id,
                            event.sender,
                            event.body,
                            event.server_timestamp / 1000,
                            received,
                            event.event_id,
                        )
                    )
        c = self.client
        if c.should_upload_keys:
            await c.keys_upload()
        if c.should_query_keys:
            await c.keys_query()
        if c.should_claim_keys:
            await c.keys_claim(c.get_users_for_key_claiming())
        return response

    async def create_room(self, bots: list[str], encrypted: bool) -> str:
        created = await self.client.room_create(
            invite=bots,
            preset=RoomPreset.private_chat,
            initial_state=[ENCRYPTION] if encrypted else [],
        )
        assert isinstance(created, RoomCreateResponse), created
        return str(created.room_id)

    async def wait_joined(self, room_id: str, bot: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await self.sync(500)
            room = self.client.rooms.get(room_id)
            if room and bot in room.users and bot not in room.invited_users:
                return
        raise TimeoutError(f"{bot} did not join {room_id}")

    async def room_with(self, bot: str, encrypted: bool) -> str:
        room_id = await self.create_room([bot], encrypted)
        await self.wait_joined(room_id, bot)
        return room_id

    async def say(self, room_id: str, text: str) -> tuple[str, float]:
        """Send a message; its event id and Synapse's timestamp of it (seconds)."""
        sent = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        assert isinstance(sent, RoomSendResponse), sent
        return str(sent.event_id), time.time()

    async def round_trip(self, room_id: str, command: str, bot: str) -> float:
        """Milliseconds from sending `command` until the bot's next message in the room."""
        started = time.perf_counter()
        before = len(self.seen)
        await self.say(room_id, command)
        while True:
            if time.perf_counter() - started > ANSWER_TIMEOUT:
                raise TimeoutError(f"{bot} did not answer {command} in {room_id}")
            if any(s.room_id == room_id and s.sender == bot for s in self.seen[before:]):
                return (time.perf_counter() - started) * 1000
            await self.sync(30_000)

    async def watch(self, until: float) -> None:
        """Keep syncing (noting what arrives) until time.time() reaches `until`."""
        while time.time() < until:
            await self.sync(min(1000, max(0, int((until - time.time()) * 1000))))

    def messages(self, room_id: str, sender: str) -> list[Seen]:
        return [s for s in self.seen if s.room_id == room_id and s.sender == sender]
