"""Matrix transport: matrix-nio with end-to-end encryption (vodozemac), one device for life.

Receiving: our own sync loop (not `sync_forever`): the sync token is saved only after a
batch was handled, and reconnection uses our backoff. The first sync of every run asks for
the full state of every joined room (members included, no lazy loading), so after a restart
the bot knows each room, quiet ones too. Commands older than `matrix.command_window_minutes`
are ignored; handled event ids are recorded before routing, so nothing is answered twice
after a restart. Sending: the outbox key is the Matrix txn_id; a rate limit comes back as a
per-room retry (`max_limit_exceeded=0`) without blocking other rooms.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from nio import (
    AsyncClient,
    InviteMemberEvent,
    KeysQueryResponse,
    MegolmEvent,
    MessageDirection,
    RoomMemberEvent,
    RoomMessagesResponse,
    RoomMessageText,
    SyncError,
    SyncResponse,
    UnknownEvent,
)
from nio.exceptions import LocalProtocolError

from bot.config import Config, MatrixConfig
from bot.context import Services
from bot.logs import log_failure
from bot.message import Channel, InboundEvent, Message, Outgoing, Sender
from bot.outbox import OutgoingDraft, TransientDeliveryError
from bot.transports.matrix import texts
from bot.transports.matrix.format import strip_reply_fallback
from bot.transports.matrix.membership import Memberships
from bot.transports.matrix.rooms import RoomDirectory
from bot.transports.matrix.send import NETWORK_ERRORS, EventSender
from bot.transports.matrix.session import SessionFiles, connect
from bot.transports.matrix.undecryptable import Undecryptable

logger = logging.getLogger(__name__)

NAME = "matrix"
TOKEN_KEY = "matrix:next_batch"
SYNC_TIMEOUT_MS = 30_000
BACKFILL_PAGES = 10  # at most 10 × 100 older events per room after an outage
BACKFILL_PAGE = 100
MAX_BACKOFF_SECONDS = 60.0
# No lazy loading of members: whether a room is private is decided from its members.
SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "room": {
        "timeline": {"limit": 50},
        "ephemeral": {"not_types": ["*"]},
    },
}

Handle = Callable[[Message], Awaitable[int]]


def create(config: Config, services: Services) -> MatrixTransport:
    assert config.matrix is not None
    return MatrixTransport(config, config.matrix, services)


class MatrixTransport:
    name = NAME

    def __init__(self, config: Config, matrix: MatrixConfig, services: Services) -> None:
        self._config = config
        self._matrix = matrix
        self._services = services
        self._files = SessionFiles(config.data_dir)
        self._client: AsyncClient | None = None
        self._ready = asyncio.Event()
        self._rooms: RoomDirectory | None = None
        self._memberships: Memberships | None = None
        self._undecryptable: Undecryptable | None = None
        self._rng = random.Random()
        self.sync_count = 0
        # How long one sync waits for news; tests shorten it to observe idle rounds.
        self.sync_timeout_ms = SYNC_TIMEOUT_MS

    @property
    def client(self) -> AsyncClient:
        if self._client is None:
            raise RuntimeError("Matrix transport not connected")
        return self._client

    # -- receiving ---------------------------------------------------------------------
    async def run(self, handle: Handle) -> None:
        backoff = 1.0
        while self._client is None:
            try:
                self._client = await connect(self._matrix, self._files)
            except (OSError, TimeoutError) as exc:
                logger.warning(
                    "Matrix homeserver unreachable (%s); retry in %.0f s",
                    exc.__class__.__name__,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF_SECONDS, backoff * 2)
        self._memberships = Memberships(self.client, self._rng)
        self._rooms = RoomDirectory(
            self._config, self._matrix, self.client, self._services.store, self._memberships
        )
        joins = asyncio.create_task(self._memberships.run(), name="matrix-memberships")
        try:
            await self._upload_keys()
            await self._sync_loop(handle)
        finally:
            self._ready.clear()
            joins.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await joins
            await self.client.close()
            self._client = None

    async def _upload_keys(self) -> None:
        if self.client.should_upload_keys:
            await self.client.keys_upload()

    async def _sync_loop(self, handle: Handle) -> None:
        token = await self._services.store.get_state(TOKEN_KEY)
        backoff = 1.0
        first = True
        failing = False
        while True:
            try:
                # The first sync of a run brings the full state of every joined room,
                # quiet ones included (an incremental sync mentions only busy rooms).
                response = await self.client.sync(
                    timeout=0 if first else self.sync_timeout_ms,
                    sync_filter=SYNC_FILTER,
                    since=token,
                    full_state=first,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network down, homeserver restarting…
                await self._sleep_after_failure(f"sync failed ({exc.__class__.__name__})", backoff)
                backoff = min(MAX_BACKOFF_SECONDS, backoff * 2)
                failing = True
                continue
            if isinstance(response, SyncError):
                await self._sleep_after_failure(f"sync error {response.status_code}", backoff)
                backoff = min(MAX_BACKOFF_SECONDS, backoff * 2)
                failing = True
                continue
            try:
                await self._after_sync()
                await self._handle_sync(response, handle, first)
            except NETWORK_ERRORS as exc:  # e.g. fetching missed events as the server went
                # The token is not saved: the same batch comes again (handled events are
                # not handled twice).
                await self._sleep_after_failure(
                    f"handling a sync failed ({exc.__class__.__name__})", backoff
                )
                backoff = min(MAX_BACKOFF_SECONDS, backoff * 2)
                failing = True
                continue
            backoff = 1.0
            if failing:  # the homeserver is back: what waited may leave now
                failing = False
                await self._services.outbox.transport_back(NAME)
            token = response.next_batch
            await self._services.store.set_state(TOKEN_KEY, token)
            self.sync_count += 1
            if first:
                first = False
                self._rooms_ready()
                logger.info("Matrix sync running (%d joined rooms)", len(self.client.rooms))

    async def _sleep_after_failure(self, what: str, backoff: float) -> None:
        delay = backoff * self._rng.uniform(0.5, 1.0)
        logger.warning("Matrix %s; retry in %.1f s", what, delay)
        await asyncio.sleep(delay)

    async def _after_sync(self) -> None:
        """Key housekeeping that `sync_forever` would do."""
        client = self.client
        try:
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                response = await client.keys_query()
                if not isinstance(response, KeysQueryResponse):
                    logger.warning("keys query failed: %s", getattr(response, "status_code", "?"))
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
            await client.send_to_device_messages()
        except (*NETWORK_ERRORS, LocalProtocolError) as exc:
            logger.warning("Matrix key housekeeping failed (%s)", exc.__class__.__name__)

    def _rooms_ready(self) -> None:
        assert self._rooms is not None
        queued = self._rooms.join_configured_rooms()
        if queued:
            logger.info("%d configured room(s) to join", queued)

    async def _handle_sync(self, response: SyncResponse, handle: Handle, first: bool) -> None:
        assert self._rooms is not None
        for room_id, invite in response.rooms.invite.items():
            self._rooms.on_invite(room_id, _inviter(invite.invite_state, self.client.user_id))
        changed = [
            room_id
            for room_id, joined in response.rooms.join.items()
            if first
            or any(isinstance(e, RoomMemberEvent) for e in (*joined.state, *joined.timeline.events))
        ]
        changed += list(response.rooms.leave)
        if changed:
            await self._privacy_lost(await self._rooms.no_longer_private(changed), response)
        if first:  # rooms and members known: answers may leave while a backlog is read
            self._ready.set()
        for room_id, joined in response.rooms.join.items():
            events = list(joined.timeline.events)
            if joined.timeline.limited and joined.timeline.prev_batch:
                events = await self._missed_before(room_id, joined.timeline.prev_batch, events)
            for event in events:
                if isinstance(event, MegolmEvent):
                    await self._undecryptable_now().seen(room_id, event)
                elif isinstance(event, RoomMessageText):
                    await self._on_text(room_id, event, handle)
                elif isinstance(event, UnknownEvent):
                    await self._on_structured(room_id, event)
        if response.to_device_events:  # maybe the room keys we asked for
            for room_id, readable in self._undecryptable_now().readable_again():
                await self._on_text(room_id, readable, handle)
        mentioned = None if first else response.rooms.join  # a quiet room's name is known
        for room, name in self._rooms.shared_room_names(mentioned).items():  # never private
            self._services.names.learn(f"{NAME}:{room}", name)

    def _age_seconds(self, event: Any) -> float:
        return float(self._services.now().timestamp() - event.server_timestamp / 1000)

    async def _missed_before(self, room_id: str, prev_batch: str, events: list[Any]) -> list[Any]:
        """A gappy timeline (many events while we were away): fetch the older events that are
        still young enough to answer, so no command inside the window is lost."""
        window = self._matrix.command_window_minutes * 60
        if not events or self._age_seconds(events[0]) > window:
            return events
        earlier: list[Any] = []
        token = prev_batch
        for _ in range(BACKFILL_PAGES):
            response = await self.client.room_messages(
                room_id, start=token, direction=MessageDirection.back, limit=BACKFILL_PAGE
            )
            if not isinstance(response, RoomMessagesResponse) or not response.chunk:
                break
            young = [e for e in response.chunk if self._age_seconds(e) <= window]
            earlier.extend(young)
            if len(young) < len(response.chunk) or not response.end or response.end == token:
                break
            token = response.end
        logger.info("fetched %d missed event(s) from a gappy timeline", len(earlier))
        return [*reversed(earlier), *events]

    async def _on_text(self, room_id: str, event: RoomMessageText, handle: Handle) -> None:
        assert self._rooms is not None
        if event.sender == self.client.user_id:
            return
        source = event.source.get("content", {})
        if source.get("msgtype") != "m.text":  # notices come from bots: never answer them
            return
        relates = source.get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace":  # an edit; the original was handled
            return
        age_seconds = self._age_seconds(event)
        if age_seconds > self._matrix.command_window_minutes * 60:
            logger.info("ignored a message %.0f s old (older than the window)", age_seconds)
            return
        room = self.client.rooms.get(room_id)
        group = self._rooms.group_of(room_id)
        if self._rooms.is_private(room_id):
            # Private replies are addressed to the person, found again at delivery.
            await self._rooms.note_private(event.sender, room_id)
            channel = Channel(NAME, event.sender, is_direct=True)
        else:
            channel = Channel(NAME, room_id, is_direct=False, group=group)
        role = self._rooms.role_of(room, event.sender, group is not None)
        message = Message(
            sender=Sender(event.sender, role, room.user_name(event.sender) if room else None),
            channel=channel,
            text=strip_reply_fallback(event.body),
            received_at=datetime.fromtimestamp(event.server_timestamp / 1000, UTC),
            event_id=event.event_id,
            reply_context={"room_id": room_id},
        )
        try:
            await handle(message)
        except Exception as exc:
            log_failure(logger, "routing a Matrix message", exc)

    async def _on_structured(self, room_id: str, event: UnknownEvent) -> None:
        """Custom event types (e.g. calls between Relais instances) go to their feature,
        from the rooms it subscribed to only."""
        subscription = self._services.event_handlers.get(event.type)
        if subscription is None or event.sender == self.client.user_id:
            return
        assert self._rooms is not None
        if subscription.rooms is not None and not await self._rooms.matches(
            room_id, subscription.rooms
        ):
            logger.info("ignored a %s event from a room not subscribed to", event.type)
            return
        inbound = InboundEvent(
            transport=NAME,
            channel=Channel(NAME, room_id, group=self._rooms.group_of(room_id)),
            sender_id=event.sender,
            event_type=event.type,
            content=dict(event.source.get("content") or {}),
            event_id=event.event_id,
            received_at=datetime.fromtimestamp(event.server_timestamp / 1000, UTC),
        )
        store = self._services.store
        try:
            async with store.transaction():  # the claim and the handling commit together
                if await self._first_time(event.event_id):
                    await subscription.handler(inbound)
        except Exception as exc:
            log_failure(logger, f"handling a {event.type} event", exc)

    async def _first_time(self, event_id: str) -> bool:
        inserted = await self._services.store.execute(
            "INSERT INTO handled_events (event_id, handled_at) VALUES (?, ?)"
            " ON CONFLICT(event_id) DO NOTHING",
            (f"matrix:{event_id}", time.time()),
        )
        return bool(inserted)

    def _undecryptable_now(self) -> Undecryptable:
        if self._undecryptable is None:
            assert self._rooms is not None
            self._undecryptable = Undecryptable(
                self.client, self._rooms, self._services, self._matrix.command_window_minutes
            )
        return self._undecryptable

    # -- sending ---------------------------------------------------------------------
    async def deliver(self, item: Outgoing) -> str | None:
        try:
            async with asyncio.timeout(30):
                await self._ready.wait()
        except TimeoutError:
            raise TransientDeliveryError("Matrix pas encore connecté") from None
        assert self._rooms is not None
        return await EventSender(self.client, self._rooms).deliver(item)

    # -- privacy -----------------------------------------------------------------------
    async def _privacy_lost(self, broken: list[tuple[str, str]], response: SyncResponse) -> None:
        """Someone joined a room where a person talked to the bot privately: if a private
        conversation is in progress, carry on in a new private room, and say why."""
        for room_id, person in broken:
            if not await self._services.conversations.active_in_private(NAME, person):
                continue
            tag = hashlib.blake2b(
                f"{room_id}\0{person}\0{response.next_batch}".encode(), digest_size=12
            ).hexdigest()
            await self._services.outbox.enqueue(
                OutgoingDraft(
                    Channel(NAME, person, is_direct=True),
                    texts.MOVED_TO_PRIVATE.format(prefix=self._config.command_prefix),
                    key=f"matrix-moved-{tag}",
                )
            )

    # -- used by tests and the demo -------------------------------------------------------
    async def wait_ready(self, timeout: float = 30) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            await self._ready.wait()

    async def memberships_idle(self) -> None:
        assert self._memberships is not None
        await self._memberships.idle()


def _inviter(events: list[Any], own_user_id: str) -> str | None:
    """Who invited us (the `is_direct` flag says nothing about who is in the room)."""
    for event in events:
        if (
            isinstance(event, InviteMemberEvent)
            and event.state_key == own_user_id
            and event.membership == "invite"
        ):
            return str(event.sender)
    return None
