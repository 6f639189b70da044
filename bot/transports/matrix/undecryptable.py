"""Messages the bot cannot decrypt yet: ask for the keys, tell the sender once, read them
when the keys arrive."""

from __future__ import annotations

import contextlib
import logging

from nio import AsyncClient, MegolmEvent, RoomMessageText
from nio.exceptions import LocalProtocolError

from bot.context import Services
from bot.message import Channel
from bot.outbox import OutgoingDraft
from bot.transports.matrix import texts
from bot.transports.matrix.rooms import RoomDirectory

logger = logging.getLogger(__name__)

NAME = "matrix"
KEPT = 200  # undecryptable events kept for a retry
WARNED_KEPT = 1000  # (room, sender) pairs already told, this run


class Undecryptable:
    def __init__(
        self, client: AsyncClient, rooms: RoomDirectory, services: Services, window_minutes: int
    ) -> None:
        self._client = client
        self._rooms = rooms
        self._services = services
        self._window = window_minutes * 60
        self._waiting: list[MegolmEvent] = []
        self._warned: set[tuple[str, str]] = set()

    async def seen(self, room_id: str, event: MegolmEvent) -> None:
        if event.sender == self._client.user_id:
            return
        logger.info("undecryptable event in a room (session unknown); requesting keys")
        with contextlib.suppress(LocalProtocolError):  # already requested
            await self._client.request_room_key(event)
        self._waiting.append(event)
        del self._waiting[:-KEPT]
        warn_key = (room_id, event.sender)
        age = self._services.now().timestamp() - event.server_timestamp / 1000
        if warn_key in self._warned or age > self._window:
            return
        self._warned.add(warn_key)
        while len(self._warned) > WARNED_KEPT:  # a long-running bot must not grow
            self._warned.pop()
        if self._rooms.is_private(room_id):
            await self._rooms.note_private(event.sender, room_id)
            channel = Channel(NAME, event.sender, is_direct=True)
        else:
            channel = Channel(NAME, room_id, group=self._rooms.group_of(room_id))
        await self._services.outbox.enqueue(
            OutgoingDraft(
                channel,
                texts.UNDECRYPTABLE,
                key=f"undecryptable-{event.event_id}",
                in_reply_to=event.event_id,
            )
        )

    def readable_again(self) -> list[tuple[str, RoomMessageText]]:
        """The waiting messages that keys received since make readable (room, message)."""
        readable: list[tuple[str, RoomMessageText]] = []
        still: list[MegolmEvent] = []
        for event in self._waiting:
            try:
                decrypted = self._client.decrypt_event(event)
            except Exception:  # nio raises EncryptionError while the key is missing
                still.append(event)
                continue
            if isinstance(decrypted, RoomMessageText) and event.room_id:
                logger.info("a previously undecryptable message could be read")
                readable.append((event.room_id, decrypted))
        self._waiting = still
        return readable
