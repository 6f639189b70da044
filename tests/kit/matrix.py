"""Real pieces for Matrix tests: a Relais bot on a real Synapse, and people using real
matrix-nio clients with end-to-end encryption (the way Element does it)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    KeysUploadResponse,
    LoginResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomMessageText,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.configcheck import ConfigError, ConfigReader
from bot.feature import Feature
from bot.transports.matrix.transport import MatrixTransport
from bot.transports.matrix.transport import create as create_matrix
from commands import all_features
from devserver.synapse import LocalSynapse, UserCredentials

ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


PERSON_FILTER = {"room": {"timeline": {"limit": 200}}}


class ShiftedClock:
    """The bot's idea of now, movable to pretend time passed."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


class RelaisUnderTest:
    """A Relais App with the Matrix transport, started and stopped like the real service."""

    def __init__(
        self,
        synapse: LocalSynapse,
        bot: UserCredentials,
        data_dir: Path,
        *,
        organisers: Sequence[str] = (),
        groups: Sequence[dict[str, Any]] = (),
        matrix_extra: dict[str, Any] | None = None,
        extra_features: Sequence[Feature] = (),
        clock: ShiftedClock | None = None,
    ) -> None:
        self.features = [*all_features(), *extra_features]
        self.clock = clock or ShiftedClock()
        data = {
            "relais": {"data_dir": str(data_dir)},
            "organisers": {"matrix": list(organisers)},
            "groups": list(groups),
            "outbox": {"base_delay_seconds": 0.2, "max_delay_seconds": 5},
            "matrix": {
                "homeserver": synapse.url,
                "user_id": bot.user_id,
                "password": bot.password,
                **(matrix_extra or {}),
            },
        }
        self.config: Config = parse_config(
            data, sections=feature_sections(self.features), environ={}
        )
        self.app: App | None = None
        self.transport: MatrixTransport | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.app = App(self.config, self.features, now=self.clock)
        await self.app.start()
        self.transport = create_matrix(self.config, self.app.services)
        self.transport.sync_timeout_ms = 2000  # idle syncs come round quickly (wait_synced)
        self._task = asyncio.create_task(self.app.run_transports([self.transport]))
        await self.transport.wait_ready(60)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.app is not None:
            await self.app.stop()
            self.app = None

    async def wait_synced(self, rounds: int = 2, timeout: float = 30) -> None:
        """Wait until the bot has completed `rounds` more syncs (it saw what came before)."""
        assert self.transport is not None
        target = self.transport.sync_count + rounds
        deadline = time.monotonic() + timeout
        while self.transport.sync_count < target:
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not sync")
            await asyncio.sleep(0.05)


class Person:
    """Someone on Element: a real nio client with encryption and its own device store."""

    def __init__(self, client: AsyncClient, user: UserCredentials) -> None:
        self.client = client
        self.user = user
        self.user_id = user.user_id
        self.seen: list[tuple[str, Any]] = []  # (room id, event)

    @classmethod
    async def login(cls, synapse: LocalSynapse, user: UserCredentials, store: Path) -> Person:
        return await cls.login_at(synapse.url, user, store)

    @classmethod
    async def login_at(cls, url: str, user: UserCredentials, store: Path) -> Person:
        """Password login the way a client app does it, then upload keys and sync."""
        await asyncio.to_thread(store.mkdir, parents=True, exist_ok=True)
        client = AsyncClient(
            url,
            user.user_id,
            store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=True, max_limit_exceeded=0),
        )
        response = await client.login(user.password, device_name="test")
        assert isinstance(response, LoginResponse), response
        person = cls(client, user)
        if client.should_upload_keys:
            assert isinstance(await client.keys_upload(), KeysUploadResponse)
        await person.sync()
        return person

    async def close(self) -> None:
        await self.client.close()

    async def sync(self, timeout_ms: int = 0) -> SyncResponse:
        # A long timeline: a burst of messages between two syncs must not be cut to the
        # server's default 10 (the test would miss messages the bot did send).
        response = await self.client.sync(timeout=timeout_ms, sync_filter=PERSON_FILTER)
        assert isinstance(response, SyncResponse), response
        client = self.client
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        for room_id, joined in response.rooms.join.items():
            self.seen.extend((room_id, event) for event in joined.timeline.events)
        return response

    async def create_room(
        self,
        invite: Sequence[str],
        *,
        encrypted: bool,
        direct: bool = False,
        power_levels: dict[str, int] | None = None,
        name: str | None = None,
    ) -> str:
        response = await self.client.room_create(
            name=name,
            is_direct=direct,
            invite=list(invite),
            preset=RoomPreset.trusted_private_chat if direct else RoomPreset.private_chat,
            initial_state=[ENCRYPTION] if encrypted else [],
            # Room version 12: the creator's power is implicit and must not be listed.
            power_level_override={"users": dict(power_levels)} if power_levels else None,
        )
        assert isinstance(response, RoomCreateResponse), response
        return str(response.room_id)

    async def wait_joined(self, room_id: str, member: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await self.sync(500)
            room = self.client.rooms.get(room_id)
            if room is not None and member in room.users and member not in room.invited_users:
                return
        raise TimeoutError(f"{member} did not join")

    async def join(self, room_id: str) -> None:
        assert isinstance(await self.client.join(room_id), JoinResponse)
        await self.sync()

    async def say(self, room_id: str, text: str) -> str:
        response = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        assert isinstance(response, RoomSendResponse), response
        return str(response.event_id)

    async def notices(
        self,
        room_id: str,
        *,
        count: int = 1,
        timeout: float = 30,
        where: Callable[[RoomMessageNotice], bool] = lambda e: True,
    ) -> list[RoomMessageNotice]:
        """Sync until `count` notices matching `where` arrived in the room."""
        deadline = time.monotonic() + timeout
        found: list[RoomMessageNotice] = []
        while time.monotonic() < deadline:
            found = [
                e
                for r, e in self.seen
                if r == room_id and isinstance(e, RoomMessageNotice) and where(e)
            ]
            if len(found) >= count:
                return found
            await self.sync(500)
        undecrypted = sum(isinstance(e, MegolmEvent) for _, e in self.seen)
        kinds = [getattr(e, "body", type(e).__name__)[:60] for r, e in self.seen if r == room_id]
        raise TimeoutError(
            f"{len(found)} notice(s) of {count}; {undecrypted} undecryptable; {kinds}"
        )

    async def reply_to(self, room_id: str, event_id: str, timeout: float = 30) -> RoomMessageNotice:
        (notice,) = await self.notices(
            room_id, timeout=timeout, where=lambda e: replied_event(e) == event_id
        )
        return notice

    def texts_in(self, room_id: str) -> list[str]:
        return [
            e.body
            for r, e in self.seen
            if r == room_id and isinstance(e, RoomMessageNotice | RoomMessageText)
        ]


def replied_event(event: Any) -> str | None:
    relates = event.source.get("content", {}).get("m.relates_to") or {}
    return (relates.get("m.in_reply_to") or {}).get("event_id")


def set_feature_config(bot: RelaisUnderTest, sections: dict[str, Any]) -> None:
    """Give features their own configuration sections (`agenda:`, `temoignages:`…),
    validated the way a configuration file is. Call before `start()`."""
    known = {section.name: section for section in feature_sections(bot.features)}
    reader = ConfigReader(dict(sections), environ={})
    parsed = {name: known[name].parse(reader.section(name)) for name in sections}
    if reader.problems:
        raise ConfigError(reader.problems)
    bot.config = replace(bot.config, features={**bot.config.features, **parsed})


async def accept_invite(person: Person, inviter: str, timeout: float = 30) -> str:
    """Sync until `inviter` has invited the person to a room, join it, return its id
    (what a client does when someone opens a private conversation with you)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for room_id, room in list(person.client.invited_rooms.items()):
            if inviter in room.users:
                await person.join(room_id)
                return str(room_id)
        await person.sync(500)
    raise TimeoutError(f"no invitation from {inviter}")


async def ask(person: Person, room_id: str, text: str, count: int = 1) -> list[RoomMessageNotice]:
    """Say something and wait for the `count` answers that reply to it."""
    event_id = await person.say(room_id, text)
    return await person.notices(room_id, count=count, where=lambda e: replied_event(e) == event_id)


async def answer(person: Person, room_id: str, text: str) -> str:
    (notice,) = await ask(person, room_id, text)
    return str(notice.body)


def bodies(person: Person, room_id: str, where: Callable[[str], bool]) -> list[str]:
    return [
        e.body
        for r, e in person.seen
        if r == room_id and isinstance(e, RoomMessageNotice) and where(e.body)
    ]
