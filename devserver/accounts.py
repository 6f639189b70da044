"""Accounts on a local Synapse: registration through the shared-secret admin API,
password logins, an internal admin account, and rate-limit exemptions.

A mixin of `LocalSynapse` (devserver/synapse.py): it needs `url`, `user_id()` and
`_secret()` from it. Every HTTP call opens its own short session, so the object keeps no
event-loop-bound state.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from typing import Any, NamedTuple
from urllib.parse import quote

import aiohttp

_ADMIN_LOCALPART = "relais-harness-admin"


class LocalSynapseError(RuntimeError):
    """Synapse could not be prepared, started, or did not accept a request."""


class UserCredentials(NamedTuple):
    """A registered account; unpacks as `user_id, password = ...`."""

    user_id: str
    password: str


class SynapseAccounts:
    _admin_token: str | None

    @property
    def url(self) -> str:
        raise NotImplementedError

    def user_id(self, localpart: str) -> str:
        raise NotImplementedError

    def _secret(self) -> str:
        raise NotImplementedError

    async def register(self, localpart: str, password: str, *, admin: bool = False) -> str:
        """Create an account with the shared-secret admin API and return its user id.

        An existing account is not an error: its id is returned and its password
        is left unchanged.
        """
        status, data = await self._register_raw(localpart, password, admin=admin)
        if status == 200:
            return str(data["user_id"])
        if data.get("errcode") == "M_USER_IN_USE":
            return self.user_id(localpart)
        raise _request_error("registration", status, data)

    async def create_user(self, prefix: str = "user", *, admin: bool = False) -> UserCredentials:
        """Register a fresh account named `<prefix>-<random hex>` with a random password."""
        password = secrets.token_urlsafe(16)
        for _ in range(5):
            localpart = f"{prefix}-{secrets.token_hex(4)}".lower()
            status, data = await self._register_raw(localpart, password, admin=admin)
            if status == 200:
                return UserCredentials(str(data["user_id"]), password)
            if data.get("errcode") != "M_USER_IN_USE":
                raise _request_error("registration", status, data)
        raise LocalSynapseError("could not find a free localpart")

    async def login(
        self, user_id: str, password: str, device_id: str | None = None
    ) -> tuple[str, str]:
        """Password login; returns (access token, device id).

        Waits and retries when Synapse answers M_LIMIT_EXCEEDED (the "default"
        profile allows 3 quick logins per address, then one every ~6 s).
        """
        body: dict[str, Any] = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user_id},
            "password": password,
            "initial_device_display_name": "relais-harness",
        }
        if device_id is not None:
            body["device_id"] = device_id
        deadline = time.monotonic() + 60.0
        while True:
            status, data = await self._call("POST", "/_matrix/client/v3/login", body=body)
            if status == 200:
                return str(data["access_token"]), str(data["device_id"])
            if status == 429 and time.monotonic() < deadline:
                await asyncio.sleep(min(float(data.get("retry_after_ms", 1000)) / 1000, 10.0))
                continue
            raise _request_error("login", status, data)

    async def admin_access_token(self) -> str:
        """Token of an internal admin account, created on first use.

        Its password derives from the registration secret, so a kept data
        directory (the demo) can log it in again after a restart of this process.
        """
        if self._admin_token is None:
            password = hmac.new(
                self._secret().encode(), _ADMIN_LOCALPART.encode(), hashlib.sha256
            ).hexdigest()
            status, data = await self._register_raw(_ADMIN_LOCALPART, password, admin=True)
            if status == 200:
                self._admin_token = str(data["access_token"])
            elif data.get("errcode") == "M_USER_IN_USE":
                self._admin_token, _ = await self.login(self.user_id(_ADMIN_LOCALPART), password)
            else:
                raise _request_error("admin registration", status, data)
        return self._admin_token

    async def exempt_from_ratelimit(self, user_id: str) -> None:
        """Lift the message rate limit for `user_id` (admin override_ratelimit API)."""
        token = await self.admin_access_token()
        path = f"/_synapse/admin/v1/users/{quote(user_id, safe='')}/override_ratelimit"
        status, data = await self._call(
            "POST", path, body={"messages_per_second": 0, "burst_count": 0}, token=token
        )
        if status != 200:
            raise _request_error("override_ratelimit", status, data)

    async def _register_raw(
        self, localpart: str, password: str, *, admin: bool
    ) -> tuple[int, dict[str, Any]]:
        path = "/_synapse/admin/v1/register"
        status, data = await self._call("GET", path)
        if status != 200:
            raise _request_error("registration nonce", status, data)
        nonce = str(data["nonce"])
        mac = hmac.new(self._secret().encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join(
                [
                    nonce.encode(),
                    localpart.encode(),
                    password.encode(),
                    b"admin" if admin else b"notadmin",
                ]
            )
        )
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        return await self._call("POST", path, body=body)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        token: str | None = None,
        request_timeout: float = 30.0,
    ) -> tuple[int, dict[str, Any]]:
        """One HTTP request in its own session, so no state outlives the event loop."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client_timeout = aiohttp.ClientTimeout(total=request_timeout)
        async with (
            aiohttp.ClientSession(timeout=client_timeout) as session,
            session.request(method, self.url + path, json=body, headers=headers) as response,
        ):
            data = await response.json(content_type=None)
            return response.status, data if isinstance(data, dict) else {}


def _request_error(what: str, status: int, data: dict[str, Any]) -> LocalSynapseError:
    return LocalSynapseError(
        f"{what} failed: HTTP {status} {data.get('errcode', '')} {data.get('error', '')}".rstrip()
    )
