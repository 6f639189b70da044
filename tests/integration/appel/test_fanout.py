"""One call to 50 rooms under Synapse's default rate limits: nothing lost, nothing doubled.

The bot is exempted while it joins the rooms (joins are rate limited too, and are not
what this test is about), then gets Synapse's defaults back (10 messages at once, then
one every 5 seconds) before the call is launched. The person reading is exempted, so
her syncs and commands are not slowed down. This takes a few minutes by design.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest
from nio import RoomMessageNotice

from devserver.synapse import LocalSynapse
from tests.integration.appel.support import AppelRelais, set_message_limit
from tests.kit.matrix import Person

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

ROOMS = 50
TEXT = "Grande marche pour l'hôpital public, dimanche 11h place de la République"


async def test_fan_out_to_50_rooms_under_default_rate_limits(
    synapse_default_limits: LocalSynapse, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.outbox")
    server = synapse_default_limits
    bot_user = await server.create_user("relais")
    alice = await Person.login(server, await server.create_user("alice"), tmp_path / "alice")
    relais: AppelRelais | None = None
    try:
        await server.exempt_from_ratelimit(alice.user_id)
        await set_message_limit(server, bot_user.user_id, exempt=True)
        origin = await alice.create_room([bot_user.user_id], encrypted=False)
        rooms = [await alice.create_room([bot_user.user_id], encrypted=False) for _ in range(ROOMS)]
        relais = AppelRelais(
            server,
            bot_user,
            tmp_path / "bot",
            organisers=[alice.user_id],
            groups=[
                {"name": "origine", "rooms": [origin], "tags": ["hopital"]},
                *(
                    {"name": f"g{i}", "rooms": rooms[i * 10 : (i + 1) * 10], "tags": ["hopital"]}
                    for i in range(ROOMS // 10)
                ),
            ],
            appels={"instance": "Relais Test"},
        )
        await relais.start()
        for room in [origin, *rooms]:
            await alice.wait_joined(room, bot_user.user_id, timeout=120)
        await set_message_limit(server, bot_user.user_id, exempt=False)

        asked = await alice.say(origin, f"!appel {TEXT}")
        preview = await alice.reply_to(origin, asked)
        assert "tout de suite dans : g0 (10 salon(s)), g1 (10 salon(s))" in preview.body
        yes = await alice.say(origin, "oui")
        assert "appel n° 1" in (await alice.reply_to(origin, yes)).body

        def copies(room: str) -> list[RoomMessageNotice]:
            return [
                e
                for r, e in alice.seen
                if r == room and isinstance(e, RoomMessageNotice) and e.body.startswith(TEXT)
            ]

        deadline = time.monotonic() + 600
        while any(not copies(room) for room in rooms):
            assert time.monotonic() < deadline, "copies still missing after 10 minutes"
            await alice.sync(5000)
        assert relais.app is not None
        assert await relais.app.services.outbox.drain(30)
        await asyncio.sleep(2)
        await alice.sync(1000)  # anything sent twice would show up now
        assert [len(copies(room)) for room in rooms] == [1] * ROOMS
        assert copies(origin) == []

        rows = await relais.app.services.store.fetchall(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE key LIKE 'appel-%' GROUP BY status"
        )
        assert {r["status"]: r["n"] for r in rows} == {"delivered": ROOMS}
        assert "limite de débit du serveur" in caplog.text  # the server did push back
        status = await alice.say(origin, "!appel statut 1")
        body = (await alice.reply_to(origin, status)).body
        assert body.count("envoyé dans 10 salon(s)") == ROOMS // 10
    finally:
        if relais is not None:
            await relais.stop()
        await alice.close()
