"""Checking the bot's Matrix account for real: log in, list its rooms, join some, log out."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from types import TracebackType

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinedRoomsResponse,
    JoinResponse,
    LoginResponse,
    SyncResponse,
)

from bot.assistant import texts

DEVICE_NAME = "Relais (relais init)"
REQUEST_TIMEOUT = 20.0
# Only what a listing needs: room names and aliases, no timeline, no members.
LISTING_FILTER = {
    "presence": {"types": []},
    "account_data": {"types": []},
    "room": {
        "timeline": {"limit": 0},
        "ephemeral": {"types": []},
        "state": {"types": ["m.room.name", "m.room.canonical_alias"], "lazy_load_members": True},
    },
}
NETWORK_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


class MatrixProblem(Exception):
    """A French explanation of what went wrong and what to do."""


@dataclass(frozen=True)
class Room:
    room_id: str
    name: str  # as people see it; the room id when it has no name
    invited: bool = False


def homeserver_url(answer: str) -> str:
    """`matrix.exemple.org` → `https://matrix.exemple.org` (http only when typed)."""
    address = answer.strip().rstrip("/")
    if "://" not in address:
        address = "https://" + address
    return address


class MatrixAccount:
    """The bot's account, logged in on a throwaway device for the time of the questions."""

    def __init__(self, homeserver: str, user: str) -> None:
        self.homeserver = homeserver
        self.user_id = user
        # Fail fast and explain, rather than nio's patient retries: a person is waiting.
        config = AsyncClientConfig(
            encryption_enabled=False,
            store_sync_tokens=False,
            max_timeouts=1,
            max_limit_exceeded=0,
            request_timeout=REQUEST_TIMEOUT,
        )
        self._client = AsyncClient(homeserver, user, config=config)
        self._logged_in = False

    async def __aenter__(self) -> MatrixAccount:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._logged_in:
            self._logged_in = False
            with contextlib.suppress(*NETWORK_ERRORS):
                await self._client.logout()  # the throwaway device goes away
        await self._client.close()

    async def log_in(self, password: str) -> None:
        try:
            response = await self._client.login(password, device_name=DEVICE_NAME)
        except NETWORK_ERRORS:
            raise MatrixProblem(texts.MATRIX_UNREACHABLE.format(url=self.homeserver)) from None
        if isinstance(response, LoginResponse):
            self._logged_in = True
            self.user_id = response.user_id  # the server says who we really are
            return
        code = getattr(response, "status_code", None)
        if code == "M_FORBIDDEN":
            raise MatrixProblem(texts.MATRIX_REFUSED)
        if code == "M_USER_DEACTIVATED":
            raise MatrixProblem(texts.MATRIX_DEACTIVATED)
        if code == "M_LIMIT_EXCEEDED":
            raise MatrixProblem(texts.MATRIX_TOO_MANY)
        if code in (None, "M_UNRECOGNIZED", "M_NOT_FOUND") or "JSON" in str(response.message):
            raise MatrixProblem(texts.MATRIX_NOT_A_SERVER.format(url=self.homeserver))
        raise MatrixProblem(texts.MATRIX_OTHER.format(code=code))

    async def rooms(self) -> list[Room]:
        """Joined rooms first (by name), then pending invitations."""
        try:
            joined = await self._client.joined_rooms()
            response = await self._client.sync(
                timeout=0, sync_filter=LISTING_FILTER, full_state=True
            )
        except NETWORK_ERRORS:
            raise MatrixProblem(texts.MATRIX_UNREACHABLE.format(url=self.homeserver)) from None
        if not isinstance(joined, JoinedRoomsResponse) or not isinstance(response, SyncResponse):
            raise MatrixProblem(texts.MATRIX_LIST_FAILED)
        known = self._client.rooms
        rooms = [Room(room_id, _name_of(known.get(room_id), room_id)) for room_id in joined.rooms]
        invited = [
            Room(room_id, _name_of(room, room_id), invited=True)
            for room_id, room in self._client.invited_rooms.items()
        ]
        by_name = sorted(rooms, key=lambda r: r.name.lower())
        return [*by_name, *sorted(invited, key=lambda r: r.name.lower())]

    async def join(self, address: str) -> str:
        """Join a room by id or alias (accepting an invitation too); its room id."""
        try:
            response = await self._client.join(address)
        except NETWORK_ERRORS:
            raise MatrixProblem(texts.MATRIX_UNREACHABLE.format(url=self.homeserver)) from None
        if isinstance(response, JoinResponse):
            return str(response.room_id)
        code = getattr(response, "status_code", None)
        if code == "M_FORBIDDEN":
            raise MatrixProblem(texts.MATRIX_JOIN_FORBIDDEN.format(room=address))
        if code == "M_NOT_FOUND":
            raise MatrixProblem(texts.MATRIX_JOIN_UNKNOWN.format(room=address))
        raise MatrixProblem(texts.MATRIX_OTHER.format(code=code))


def _name_of(room: object, room_id: str) -> str:
    name = getattr(room, "name", None) or getattr(room, "canonical_alias", None)
    return " ".join(str(name).split()) if name else room_id
