"""The floor: a minimal raw matrix-nio client that echoes commands back as replies.

It is what any bot must at least do (sync, decrypt, send), without Relais' router,
store or outbox. Run as its own process, like the Relais bot it is compared with:
    python -m bench.matrix_floor HOMESERVER USER_ID PASSWORD STORE_DIR
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, InviteMemberEvent, MatrixRoom, RoomMessageText


async def echo(homeserver: str, user_id: str, password: str, store: Path) -> None:
    store.mkdir(parents=True, exist_ok=True)
    client = AsyncClient(
        homeserver,
        user_id,
        store_path=str(store),
        config=AsyncClientConfig(encryption_enabled=True, max_limit_exceeded=0),
    )
    await client.login(password, device_name="floor")
    await client.sync(timeout=0, full_state=True)  # callbacks after the first sync

    async def on_message(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == client.user_id or not event.body.startswith("!"):
            return
        await client.room_send(
            room.room_id,
            "m.room.message",
            {
                "msgtype": "m.notice",
                "body": "Pong",
                "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
            },
            ignore_unverified_devices=True,
        )

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    client.add_event_callback(on_message, RoomMessageText)
    client.add_event_callback(on_invite, InviteMemberEvent)
    print("ready", flush=True)
    await client.sync_forever(timeout=30_000)


if __name__ == "__main__":
    asyncio.run(echo(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])))
