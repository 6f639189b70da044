"""The engine's own secret: private data the bot must read again is kept sealed with it.

One random 32-byte secret per instance, created on first use and kept in the store.
Each use derives its own key from it (blake2b with a purpose), so a conversation draft
and a private reply waiting in the outbox never share a key. This protects what lies
on disk (database, `-wal`, `-shm`, backups) from someone who reads the file without
knowing whose data it is; it cannot protect against someone who holds the whole
database and runs the bot's code, and the README says so.
"""

from __future__ import annotations

import json
from hashlib import blake2b
from typing import Any

import nacl.exceptions
import nacl.secret
import nacl.utils

from bot.store import Store

# Kept under the name it had when only conversations used it (existing databases).
SECRET_STATE_KEY = "conversation_secret"


class Unreadable(Exception):
    """A sealed value that this instance's secret cannot open."""


class InstanceSecret:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._secret: bytes | None = None

    async def secret(self) -> bytes:
        if self._secret is None:
            stored = await self._store.get_state(SECRET_STATE_KEY)
            if stored is None:
                stored = nacl.utils.random(32).hex()
                await self._store.set_state(SECRET_STATE_KEY, stored)
            self._secret = bytes.fromhex(stored)
        return self._secret

    async def box(self, purpose: bytes, identity: bytes = b"") -> nacl.secret.SecretBox:
        """A SecretBox whose key depends on the purpose and, optionally, on an identity."""
        key = blake2b(identity, key=await self.secret(), person=purpose, digest_size=32).digest()
        return nacl.secret.SecretBox(key)

    async def fingerprint(self, purpose: bytes, identity: bytes, size: int = 20) -> str:
        """A keyed hash: the same identity always gives the same name, unguessable without
        the secret."""
        return blake2b(
            identity, key=await self.secret(), person=purpose, digest_size=size
        ).hexdigest()


def seal_json(box: nacl.secret.SecretBox, value: Any) -> bytes:
    return bytes(box.encrypt(json.dumps(value, ensure_ascii=False).encode()))


def open_json(box: nacl.secret.SecretBox, sealed: bytes) -> Any:
    try:
        return json.loads(box.decrypt(sealed))
    except (nacl.exceptions.CryptoError, ValueError) as exc:
        raise Unreadable(exc.__class__.__name__) from None
