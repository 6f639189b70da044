"""A call with Mastodon configured, on a real Mastodon-API server (mastodon-mock).

Two receiving groups both publish on Mastodon: the call is posted once; its retraction
deletes that post. The groups' rooms are console rooms, recorded.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import parse_config
from bot.message import Channel, Message, ReplyKind, Role, Sender
from bot.transports.mastodon.transport import MastodonTransport
from commands.aide import AideFeature
from commands.appel import AppelFeature
from tests.helpers import RecordingTransport
from tests.integration.mastodon.conftest import FAST, MockMastodon, wait_until

pytestmark = pytest.mark.integration

TEXT = "Rassemblement samedi 15h devant la mairie pour l'hôpital"


def console_message(text: str, n: int) -> Message:
    return Message(
        Sender("camille", Role.ORGANISER),
        Channel("console", "salon:origine", group="origine"),
        text,
        datetime.now(UTC),
        f"$m{n}",
    )


async def test_call_is_posted_once_on_mastodon_and_deleted_on_retraction(
    mastodon_server: MockMastodon, tmp_path: Path
) -> None:
    bot = await asyncio.to_thread(mastodon_server.new_account, "relais")
    features = [AideFeature(), AppelFeature()]
    config = parse_config(
        {
            "relais": {"data_dir": str(tmp_path / "data")},
            "mastodon": {"api_base_url": mastodon_server.base_url, "access_token": bot.token},
            "outbox": {"base_delay_seconds": 0.05, "max_delay_seconds": 1},
            "groups": [
                {"name": "origine", "rooms": ["console:salon:origine"], "tags": ["santé"]},
                {"name": "sarthe", "rooms": ["console:salon:sarthe"], "tags": ["santé"]},
                {"name": "mayenne", "rooms": ["console:salon:mayenne"], "tags": ["santé"]},
            ],
            "calls": {"instance": "Relais Test"},
        },
        sections=feature_sections(features),
        environ={},
    )
    observer = mastodon_server.client(bot)

    async def posts() -> list[Any]:
        return list(await asyncio.to_thread(observer.account_statuses, bot.id, limit=40))

    async with App(config, features) as app:
        console = RecordingTransport("console")
        app.add_transport(console)
        transport = MastodonTransport(config, app.services, tuning=FAST)
        app.add_transport(transport)
        task = asyncio.create_task(transport.run(app.router.handle))
        try:
            await asyncio.wait_for(transport.wait_ready(), 20)
            await app.router.handle(console_message(f"!appel {TEXT}", 1))
            await app.router.handle(console_message("oui", 2))
            (post,) = await wait_until(posts)
            assert TEXT in post["content"]
            assert "relayé par Relais" in post["content"]
            assert await app.services.outbox.drain(10)
            assert len(await posts()) == 1  # two groups, one account: one post
            rooms = sorted(i.channel.id for i in console.sent if i.kind is ReplyKind.ANNOUNCEMENT)
            assert rooms == ["salon:mayenne", "salon:sarthe"]

            await app.router.handle(console_message("!appel retirer 1", 3))

            async def deleted() -> bool:
                return not await posts()

            await wait_until(deleted)
            service = app.feature(AppelFeature).service
            (target,) = [
                t for t in await service.repo.targets(1) if t.channel.transport == "mastodon"
            ]
            assert target.remote_id == str(post["id"])
            retraction = await app.services.outbox.status(f"{target.outbox_key}-retrait")
            assert retraction is not None and retraction["status"] == "delivered"
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    transport.close()
