"""Rooms as Relais sees them: invites, private chats, groups, power levels, send targets.

A room is private only while the bot and exactly one person are in it (joined or
invited), as the full room state says: the first sync of every run asks for the full
state of every joined room, members included, so a restart never relies on a cached or
lazy-loaded count. Hints (`is_direct`, `m.direct`) never make a room private alone.

Private replies are addressed to the person ("@alice:server"), not to a room: at
delivery the person's private room is looked up again, and if a third person has
joined it since, a new private room is opened instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import aiohttp
from nio import AsyncClient, JoinedRoomsResponse, RoomCreateResponse, RoomPreset
from nio.rooms import MatrixRoom

from bot.config import Config, MatrixConfig
from bot.message import Channel, Role
from bot.outbox import PermanentDeliveryError, TransientDeliveryError
from bot.store import Store
from bot.transports.matrix import texts
from bot.transports.matrix.membership import Memberships, Refused, RetryLater

logger = logging.getLogger(__name__)

ENCRYPTION_STATE = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
# A private room the bot opens shows its history only to those invited at the time:
# someone added later cannot scroll back to what was said before.
HISTORY_STATE = {
    "type": "m.room.history_visibility",
    "state_key": "",
    "content": {"history_visibility": "invited"},
}
FLAG_PREFIX = "matrix:direct:"


def _server_of(user_id: str) -> str:
    return user_id.split(":", 1)[1] if ":" in user_id else ""


def _person_key(user_id: str) -> str:
    return "matrix:dm:" + hashlib.blake2b(user_id.encode(), digest_size=16).hexdigest()


class RoomDirectory:
    def __init__(
        self,
        config: Config,
        matrix: MatrixConfig,
        client: AsyncClient,
        store: Store,
        memberships: Memberships,
    ) -> None:
        self._config = config
        self._matrix = matrix
        self._client = client
        self._store = store
        self.memberships = memberships
        # (person, room) pairs already recorded this run: one write per pair, not per message.
        self._noted: set[tuple[str, str]] = set()
        # Direct rooms we created whose invitation our sync has not shown yet.
        self._opening: set[str] = set()
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

    def on_invite(self, room_id: str, inviter: str | None) -> None:
        if self.group_of(room_id) is None and not self.invite_allowed(inviter):
            logger.info("declining an invite from a server outside the allowlist")
            self.memberships.leave(room_id, texts.INVITE_REFUSED)
            return
        self.memberships.join(room_id)

    # -- what a room is ---------------------------------------------------------------------
    def group_of(self, room_id: str) -> str | None:
        group = self._groups.get(room_id)
        if group is not None:
            return group
        for alias, resolved in self.memberships.aliases.items():
            if resolved == room_id and alias in self._groups:
                return self._groups[alias]
        return None

    def others_in(self, room_id: str) -> list[str]:
        """The people in the room (joined or invited), the bot left out."""
        room = self._client.rooms.get(room_id)
        if room is None:
            return []
        return [user for user in room.users if user != self._client.user_id]

    def is_private(self, room_id: str) -> bool:
        if self.group_of(room_id) is not None:
            return False
        return len(self.others_in(room_id)) == 1

    async def note_private(self, person: str, room_id: str) -> None:
        """Remember the person's private room (where their private replies go)."""
        if (person, room_id) in self._noted:
            return
        self._noted.add((person, room_id))
        await self._store.set_state(f"{FLAG_PREFIX}{room_id}", "1")
        await self._store.set_state(_person_key(person), room_id)

    async def no_longer_private(self, room_ids: list[str]) -> list[tuple[str, str]]:
        """Among rooms once private, those someone else has joined (or that the person
        left): forget them as private rooms. Returns (room, person) pairs whose private
        conversation lived there."""
        broken: list[tuple[str, str]] = []
        for room_id in room_ids:
            flag = f"{FLAG_PREFIX}{room_id}"
            if self.is_private(room_id) or await self._store.get_state(flag) is None:
                continue
            await self._store.execute("DELETE FROM kv_state WHERE key = ?", (flag,))
            self._noted = {pair for pair in self._noted if pair[1] != room_id}
            for person in self.others_in(room_id):
                if await self._store.get_state(_person_key(person)) == room_id:
                    await self._store.execute(
                        "DELETE FROM kv_state WHERE key = ?", (_person_key(person),)
                    )
                    broken.append((room_id, person))
            logger.info("a private room is private no more (%d person(s) moved)", len(broken))
        return broken

    def role_of(self, room: MatrixRoom | None, user_id: str, in_group_room: bool) -> Role:
        """Power levels count only in the collective's group rooms.

        In a DM, both people usually have power level 100: that says nothing about who
        organises the collective.
        """
        if room is None or not in_group_room:
            return Role.MEMBER
        level = room.power_levels.get_user_level(user_id)
        return Role.ORGANISER if level >= self._matrix.organiser_power_level else Role.MEMBER

    async def matches(self, room_id: str, addresses: tuple[str, ...]) -> bool:
        """Whether the room is one of these configured rooms (ids or aliases)."""
        for configured in addresses:
            address = configured.removeprefix("matrix:")
            if address == room_id:
                return True
            if address.startswith("#"):
                try:
                    if await self.memberships.resolve(address) == room_id:
                        return True
                except (RetryLater, Refused):
                    logger.warning("a configured room alias could not be resolved")
        return False

    # -- where to send ------------------------------------------------------------------------
    async def resolve_target(self, channel: Channel) -> str:
        target = channel.id
        if target.startswith("@"):
            return await self._direct_room_for(target)
        if target.startswith("#"):
            try:
                return await self.memberships.resolve(target)
            except RetryLater as exc:
                raise TransientDeliveryError(f"alias de salon : {exc.what}") from None
            except Refused:
                raise PermanentDeliveryError("alias de salon introuvable") from None
        if target.startswith("!"):
            if channel.is_direct and not self.is_private(target):
                raise PermanentDeliveryError("ce salon n'est plus privé")
            return target
        raise PermanentDeliveryError("adresse Matrix inconnue")

    async def why_unknown(self, room_id: str) -> TransientDeliveryError | PermanentDeliveryError:
        """The client does not know this room: is the bot in it at all?"""
        if self.memberships.is_pending(room_id):
            return TransientDeliveryError("en attente d'entrer dans le salon")
        try:
            response = await self._client.joined_rooms()
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            return TransientDeliveryError(f"réseau ({exc.__class__.__name__})")
        if not isinstance(response, JoinedRoomsResponse):
            return TransientDeliveryError("liste des salons indisponible")
        if room_id in response.rooms:
            return TransientDeliveryError("salon pas encore synchronisé")
        return PermanentDeliveryError("le robot n'est pas dans ce salon (invitez-le)")

    async def _direct_room_for(self, user_id: str) -> str:
        known = await self._store.get_state(_person_key(user_id))
        if known and known in self._opening:
            return self._opened(known, user_id)
        if known and self.is_private(known) and user_id in self.others_in(known):
            return known
        try:
            response = await self._client.room_create(
                is_direct=True,
                invite=[user_id],
                preset=RoomPreset.trusted_private_chat,
                initial_state=[ENCRYPTION_STATE, HISTORY_STATE],
            )
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            raise TransientDeliveryError(f"réseau ({exc.__class__.__name__})") from None
        if not isinstance(response, RoomCreateResponse):
            code = getattr(response, "status_code", None)
            if code == "M_LIMIT_EXCEEDED":
                retry = (getattr(response, "retry_after_ms", None) or 1000) / 1000
                raise TransientDeliveryError(
                    "limite de débit du serveur", retry_after=retry, rate_limited=True
                )
            raise TransientDeliveryError("impossible d'ouvrir la conversation privée")
        room_id = str(response.room_id)
        await self.note_private(user_id, room_id)
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
        except (OSError, aiohttp.ClientError) as exc:
            logger.warning("updating m.direct failed (%s)", exc.__class__.__name__)

    def shared_room_names(self, room_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Names of the non-private rooms the bot is in (those of `room_ids` only, when
        given: the rooms a sync mentioned), by room id and configured alias.

        Only a room's own name or canonical alias: nio's display name of an unnamed room
        is made of its members' names, which must not end up in messages.
        """
        named: dict[str, str] = {}
        rooms = self._client.rooms
        wanted = rooms.keys() if room_ids is None else [r for r in room_ids if r in rooms]
        for room_id in wanted:
            room = rooms[room_id]
            name = room.name or room.canonical_alias
            if name and not self.is_private(room_id):
                named[room_id] = name
        for alias, room_id in self.memberships.aliases.items():
            if room_id in named:
                named[alias] = named[room_id]
        return named

    def join_configured_rooms(self) -> int:
        """Queue a join for each configured room the bot is not in yet; how many."""
        queued = 0
        for address in self._groups:
            room_id = self.memberships.aliases.get(address, address)
            if room_id not in self._client.rooms:
                self.memberships.join(address)
                queued += 1
        return queued
