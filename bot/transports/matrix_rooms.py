"""Rooms as Relais sees them: invites, direct chats, groups, power levels, send targets."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any
from urllib.parse import quote

from nio import AsyncClient, JoinResponse, RoomCreateResponse, RoomPreset, RoomResolveAliasResponse
from nio.rooms import MatrixRoom

from bot.config import Config, MatrixConfig
from bot.message import Channel, Role
from bot.outbox import PermanentDeliveryError, TransientDeliveryError
from bot.store import Store
from bot.transports import matrix_texts as texts

logger = logging.getLogger(__name__)

ENCRYPTION_STATE = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


def _server_of(user_id: str) -> str:
    return user_id.split(":", 1)[1] if ":" in user_id else ""


def _person_key(user_id: str) -> str:
    return "matrix:dm:" + hashlib.blake2b(user_id.encode(), digest_size=16).hexdigest()


class RoomDirectory:
    def __init__(
        self, config: Config, matrix: MatrixConfig, client: AsyncClient, store: Store
    ) -> None:
        self._config = config
        self._matrix = matrix
        self._client = client
        self._store = store
        self._direct: dict[str, bool] = {}
        # Direct rooms we created whose invitation our sync has not shown yet.
        self._opening: set[str] = set()
        self._aliases: dict[str, str] = {}
        self._groups: dict[str, str] = {}
        for group in config.groups:
            for room in group.rooms:
                address = room.removeprefix("matrix:")
                if address.startswith(("!", "#")):
                    self._groups[address] = group.name

    # -- invites -------------------------------------------------------------------------
    def invite_allowed(self, inviter: str | None) -> bool:
        if inviter is None:
            return False
        allow = self._matrix.invite_allowlist or tuple(
            sorted({_server_of(u) for u in self._config.organisers.matrix})
        )
        return "*" in allow or inviter in allow or _server_of(inviter) in allow

    async def on_invite(self, room_id: str, inviter: str | None, direct: bool) -> None:
        if not self.invite_allowed(inviter):
            logger.info("declined an invite from a server outside the allowlist")
            await self._leave(room_id, texts.INVITE_REFUSED)
            return
        response = await self._client.join(room_id)
        if not isinstance(response, JoinResponse):
            logger.warning(
                "joining an invited room failed: %s", getattr(response, "status_code", "?")
            )
            return
        if direct and inviter is not None:
            await self._remember_direct(room_id, inviter)
        logger.info("joined a room on invitation (direct=%s)", direct)

    async def _leave(self, room_id: str, reason: str) -> None:
        path = f"/_matrix/client/v3/rooms/{quote(room_id, safe='')}/leave"
        headers = {
            "Authorization": f"Bearer {self._client.access_token}",
            "Content-Type": "application/json",
        }
        try:
            response = await self._client.send(
                "POST", path, json.dumps({"reason": reason}), headers
            )
            response.release()
        except OSError as exc:
            logger.warning("leaving a room failed (%s)", exc.__class__.__name__)

    async def _remember_direct(self, room_id: str, person: str) -> None:
        self._direct[room_id] = True
        await self._store.set_state(f"matrix:direct:{room_id}", "1")
        await self._store.set_state(_person_key(person), room_id)

    # -- what a room is ---------------------------------------------------------------------
    def group_of(self, room_id: str) -> str | None:
        group = self._groups.get(room_id)
        if group is not None:
            return group
        for alias, resolved in self._aliases.items():
            if resolved == room_id and alias in self._groups:
                return self._groups[alias]
        return None

    async def is_direct(self, room_id: str) -> bool:
        if self.group_of(room_id) is not None:
            return False
        cached = self._direct.get(room_id)
        if cached is not None:
            return cached
        flagged = await self._store.get_state(f"matrix:direct:{room_id}") is not None
        room = self._client.rooms.get(room_id)
        # Two people (the bot and one person, invited or joined) make a direct chat.
        small = room is not None and (room.member_count or len(room.users)) <= 2
        self._direct[room_id] = flagged or small
        return self._direct[room_id]

    def role_of(self, room: MatrixRoom | None, user_id: str, in_group_room: bool) -> Role:
        """Power levels count only in the collective's group rooms.

        In a DM, both people usually have power level 100: that says nothing about who
        organises the collective.
        """
        if room is None or not in_group_room:
            return Role.MEMBER
        level = room.power_levels.get_user_level(user_id)
        return Role.ORGANISER if level >= self._matrix.organiser_power_level else Role.MEMBER

    # -- where to send ------------------------------------------------------------------------
    async def resolve_target(self, channel: Channel) -> str:
        target = channel.id
        if target.startswith("!"):
            return target
        if target.startswith("#"):
            return await self._resolve_alias(target)
        if target.startswith("@"):
            return await self._direct_room_for(target)
        raise PermanentDeliveryError("adresse Matrix inconnue")

    async def _resolve_alias(self, alias: str) -> str:
        if alias in self._aliases:
            return self._aliases[alias]
        response = await self._client.room_resolve_alias(alias)
        if not isinstance(response, RoomResolveAliasResponse):
            raise TransientDeliveryError("alias de salon introuvable pour l'instant")
        self._aliases[alias] = response.room_id
        return str(response.room_id)

    async def _direct_room_for(self, user_id: str) -> str:
        known = await self._store.get_state(_person_key(user_id))
        if known and known in self._opening:
            return self._opened(known, user_id)
        if known and known in self._client.rooms:
            return known
        response = await self._client.room_create(
            is_direct=True,
            invite=[user_id],
            preset=RoomPreset.trusted_private_chat,
            initial_state=[ENCRYPTION_STATE],
        )
        if not isinstance(response, RoomCreateResponse):
            raise TransientDeliveryError("impossible d'ouvrir la conversation privée")
        room_id = str(response.room_id)
        await self._remember_direct(room_id, user_id)
        await self._mark_direct_in_account_data(user_id, room_id)
        logger.info("opened a direct room")
        self._opening.add(room_id)
        return self._opened(room_id, user_id)

    def _opened(self, room_id: str, user_id: str) -> str:
        """A room we just created, once our sync shows the person in it (invited).

        Sending earlier would share the room key with nobody but the bot (the person
        could never read the message), or, before the room is known at all, make the
        next attempt open a second room.
        """
        room = self._client.rooms.get(room_id)
        if room is None or user_id not in room.users:
            raise TransientDeliveryError("conversation privée en cours d'ouverture")
        self._opening.discard(room_id)
        return room_id

    async def _mark_direct_in_account_data(self, user_id: str, room_id: str) -> None:
        """Element lists a room under "people" when m.direct says so."""
        path = (
            f"/_matrix/client/v3/user/{quote(self._client.user_id, safe='')}/account_data/m.direct"
        )
        headers = {"Authorization": f"Bearer {self._client.access_token}"}
        try:
            current: dict[str, Any] = {}
            response = await self._client.send("GET", path, None, headers)
            if response.status == 200:
                current = await response.json()
            response.release()
            rooms = set(current.get(user_id, []))
            rooms.add(room_id)
            current[user_id] = sorted(rooms)
            headers["Content-Type"] = "application/json"
            response = await self._client.send("PUT", path, json.dumps(current), headers)
            response.release()
        except OSError as exc:
            logger.warning("updating m.direct failed (%s)", exc.__class__.__name__)

    async def join_configured_rooms(self) -> None:
        for address in self._groups:
            if address.startswith("#"):
                try:
                    await self._resolve_alias(address)
                except TransientDeliveryError:
                    logger.warning("a configured room alias could not be resolved")
                    continue
            room_id = self._aliases.get(address, address)
            if room_id in self._client.rooms:
                continue
            response = await self._client.join(address)
            if isinstance(response, JoinResponse):
                logger.info("joined a configured group room")
            else:
                logger.warning(
                    "could not join a configured group room (%s): invite the bot",
                    getattr(response, "status_code", "?"),
                )
