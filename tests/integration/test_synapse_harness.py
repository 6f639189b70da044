"""The local Synapse harness works with real matrix-nio clients and real E2EE.

Order that makes the encrypted exchange reliable (each step waits for the last):
1. both clients log in (harness password login + ``restore_login``, which opens
   the olm store), upload their device and one-time keys, and sync once;
2. Alice creates the encrypted DM, inviting Bob;
3. Bob syncs until he sees the invite, joins, and syncs;
4. Alice syncs until Bob is a joined member, then queries keys if nio asks to
   (Bob's device list is marked outdated when he joins);
5. Alice sends with ``ignore_unverified_devices=True``: ``room_send`` claims one
   of Bob's one-time keys and shares the Megolm session by to-device message;
6. Bob syncs: nio handles to-device events (the room key) before the room
   timeline of the same sync, so the message arrives already decrypted.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    KeysQueryResponse,
    KeysUploadResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessageText,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

from devserver.synapse import LocalSynapse, LocalSynapseError, UserCredentials

from .conftest import NewUser

pytestmark = pytest.mark.integration

SYNC_ROUNDS = 20
SYNC_TIMEOUT_MS = 1000


async def _client(
    server: LocalSynapse, user: UserCredentials, store: Path | None = None
) -> AsyncClient:
    """A logged-in nio client; end-to-end encryption on when `store` is given."""
    token, device_id = await server.login(user.user_id, user.password)
    config = AsyncClientConfig(
        encryption_enabled=store is not None, store_sync_tokens=True, max_limit_exceeded=0
    )
    if store is not None:
        await asyncio.to_thread(store.mkdir, parents=True)
    client = AsyncClient(
        server.url,
        user.user_id,
        device_id=device_id,
        store_path=str(store) if store else "",
        config=config,
    )
    client.restore_login(user.user_id, device_id, token)
    return client


async def _sync(client: AsyncClient, timeout_ms: int = 0) -> SyncResponse:
    response = await client.sync(timeout=timeout_ms)
    assert isinstance(response, SyncResponse), response
    if client.should_upload_keys:
        assert isinstance(await client.keys_upload(), KeysUploadResponse)
    return response


async def _sync_until_invited(client: AsyncClient, room_id: str) -> None:
    for _ in range(SYNC_ROUNDS):
        response = await _sync(client, SYNC_TIMEOUT_MS)
        if room_id in response.rooms.invite:
            return
    pytest.fail(f"{client.user_id} never saw the invite")


async def _sync_until_joined(client: AsyncClient, room_id: str, member: str) -> None:
    for _ in range(SYNC_ROUNDS):
        await _sync(client, SYNC_TIMEOUT_MS)
        room = client.rooms.get(room_id)
        if room is not None and member in room.users:
            return
    pytest.fail(f"{member} never appeared as joined")


async def _sync_until_event(client: AsyncClient, room_id: str, event_id: str) -> object:
    for _ in range(SYNC_ROUNDS):
        response = await _sync(client, SYNC_TIMEOUT_MS)
        joined = response.rooms.join.get(room_id)
        for event in joined.timeline.events if joined else []:
            if event.event_id == event_id:
                return event
    pytest.fail("the message never arrived")


async def test_encrypted_dm_between_two_nio_clients(
    synapse: LocalSynapse, new_user: NewUser, tmp_path: Path
) -> None:
    alice_user = await new_user("alice")
    bob_user = await new_user("bob")
    alice = await _client(synapse, alice_user, tmp_path / "alice")
    bob = await _client(synapse, bob_user, tmp_path / "bob")
    try:
        for client in (alice, bob):
            if client.should_upload_keys:
                assert isinstance(await client.keys_upload(), KeysUploadResponse)
            await _sync(client)

        created = await alice.room_create(
            is_direct=True,
            invite=[bob_user.user_id],
            preset=RoomPreset.trusted_private_chat,
            initial_state=[
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            ],
        )
        assert isinstance(created, RoomCreateResponse), created
        room_id = created.room_id

        await _sync_until_invited(bob, room_id)
        assert isinstance(await bob.join(room_id), JoinResponse)
        await _sync(bob)

        await _sync_until_joined(alice, room_id, bob_user.user_id)
        assert alice.rooms[room_id].encrypted
        if alice.should_query_keys:
            assert isinstance(await alice.keys_query(), KeysQueryResponse)

        text = "Rassemblement samedi 14 h devant la mairie."
        sent = await alice.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        assert isinstance(sent, RoomSendResponse), sent

        event = await _sync_until_event(bob, room_id, sent.event_id)
        assert not isinstance(event, MegolmEvent), "Bob could not decrypt the message"
        assert isinstance(event, RoomMessageText)
        assert event.decrypted
        assert event.body == text
        assert event.sender == alice_user.user_id
    finally:
        await alice.close()
        await bob.close()


async def _whoami(server: LocalSynapse, token: str) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{server.url}/_matrix/client/v3/account/whoami",
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status == 200
        return str((await response.json())["user_id"])


async def test_restart_keeps_port_accounts_and_tokens(
    synapse: LocalSynapse, new_user: NewUser
) -> None:
    user = await new_user("carol")
    token_before, _ = await synapse.login(user.user_id, user.password)
    url, pid = synapse.url, synapse.pid

    await synapse.restart()

    assert synapse.running
    assert synapse.url == url
    assert synapse.pid != pid
    assert await _whoami(synapse, token_before) == user.user_id
    token_after, device_id = await synapse.login(user.user_id, user.password, "RESTARTED")
    assert device_id == "RESTARTED"
    assert await _whoami(synapse, token_after) == user.user_id


async def test_register_is_idempotent_and_login_checks_password(synapse: LocalSynapse) -> None:
    user = await synapse.create_user("dan")
    localpart = user.user_id[1:].split(":")[0]
    assert await synapse.register(localpart, "another password") == user.user_id
    await synapse.login(user.user_id, user.password)
    with pytest.raises(LocalSynapseError, match="M_FORBIDDEN"):
        await synapse.login(user.user_id, "another password")


async def _burst(client: AsyncClient, count: int) -> list[str]:
    """Send `count` messages in a fresh room; return the error codes met."""
    created = await client.room_create(name="burst")
    assert isinstance(created, RoomCreateResponse), created
    errors = []
    for index in range(count):
        response = await client.room_send(
            created.room_id, "m.room.message", {"msgtype": "m.text", "body": f"n° {index}"}
        )
        if not isinstance(response, RoomSendResponse):
            errors.append(str(response.status_code))
            break
    return errors


async def test_exempt_user_escapes_default_message_limit(
    synapse_default_limits: LocalSynapse,
) -> None:
    server = synapse_default_limits
    exempt = await server.create_user("fast")
    limited = await server.create_user("slow")
    await server.exempt_from_ratelimit(exempt.user_id)

    exempt_client = await _client(server, exempt)
    limited_client = await _client(server, limited)
    try:
        assert await _burst(exempt_client, 30) == []
        assert await _burst(limited_client, 30) == ["M_LIMIT_EXCEEDED"]
    finally:
        await exempt_client.close()
        await limited_client.close()
