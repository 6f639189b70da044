"""Relais instances with an `appels:` section, on the test Synapse, and small waiting helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from nio import RedactionEvent

from bot.bootstrap import feature_sections
from bot.config import parse_config
from commands.appel import AppelFeature
from commands.appel.service import AppelService
from devserver.synapse import LocalSynapse, UserCredentials
from tests.helpers import wait_until
from tests.kit.matrix import Person, RelaisUnderTest


class AppelRelais(RelaisUnderTest):
    """`RelaisUnderTest` whose configuration also holds `appels:` (and a wider flood limit)."""

    def __init__(
        self,
        synapse: LocalSynapse,
        bot: UserCredentials,
        data_dir: Path,
        *,
        organisers: Sequence[str],
        groups: Sequence[dict[str, Any]],
        appels: dict[str, Any],
    ) -> None:
        super().__init__(synapse, bot, data_dir, organisers=organisers, groups=groups)
        data = {
            "relais": {"data_dir": str(data_dir)},
            "organisers": {"matrix": list(organisers)},
            "groups": list(groups),
            "outbox": {"base_delay_seconds": 0.2, "max_delay_seconds": 5},
            "flood": {"capacity": 100, "refill_per_minute": 600},
            "matrix": {"homeserver": synapse.url, "user_id": bot.user_id, "password": bot.password},
            "calls": appels,
        }
        self.config = parse_config(data, sections=feature_sections(self.features), environ={})

    @property
    def service(self) -> AppelService:
        assert self.app is not None
        service = self.app.feature(AppelFeature).service
        assert isinstance(service, AppelService)
        return service

    async def handled(self, event_id: str) -> bool:
        assert self.app is not None
        row = await self.app.services.store.fetchone(
            "SELECT 1 FROM handled_events WHERE event_id = ?", (f"matrix:{event_id}",)
        )
        return row is not None


async def until(
    check: Callable[[], Awaitable[Any]], *, within: float = 60.0, every: float = 0.2
) -> Any:
    return await wait_until(check, within=within, every=every)


async def redacted(person: Person, room_id: str, event_id: str, *, within: float = 60.0) -> Any:
    async def seen() -> Any:
        await person.sync(500)
        return next(
            (
                e
                for r, e in person.seen
                if r == room_id and isinstance(e, RedactionEvent) and e.redacts == event_id
            ),
            None,
        )

    return await until(seen, within=within, every=0)


def custom_events(person: Person, room_id: str, event_type: str) -> list[Any]:
    return [e for r, e in person.seen if r == room_id and getattr(e, "type", "") == event_type]


async def set_message_limit(synapse: LocalSynapse, user_id: str, *, exempt: bool) -> None:
    """Exempt an account from rate limits, or give it Synapse's defaults back."""
    if exempt:
        await synapse.exempt_from_ratelimit(user_id)
        return
    token = await synapse.admin_access_token()
    path = f"/_synapse/admin/v1/users/{quote(user_id, safe='')}/override_ratelimit"
    async with (
        aiohttp.ClientSession() as session,
        session.delete(synapse.url + path, headers={"Authorization": f"Bearer {token}"}) as resp,
    ):
        assert resp.status == 200, await resp.text()
