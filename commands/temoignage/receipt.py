"""Receipt codes: what a person keeps to come back to a testimony, anonymously.

A code is 12 characters in three groups of four ("K7QM-3XHD-9PRT") drawn from 30
symbols that do not look alike (no 0 or O, no 1, I or L, no U): about 59 bits, easy to copy and
to read aloud. The database keeps only a hash of it, never the code.

The hash is Argon2id (libsodium "interactive" limits: 64 MiB, about 0.1 s) salted with
a random per-instance salt. The salt stops precomputed tables from working against
every instance at once. Argon2id makes each guess cost memory and time, which matters
when an attacker knows part of a code (a half-read note). A secret "pepper" with blake2b
would add nothing here: it would sit in the same database as the hashes.
"""

from __future__ import annotations

import asyncio
import secrets

import nacl.pwhash
import nacl.utils

from bot.french import strip_accents
from bot.store import Store

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 3
GROUP_LENGTH = 4
CODE_LENGTH = GROUPS * GROUP_LENGTH
SALT_STATE_KEY = "temoignage_receipt_salt"
_SEPARATORS = " -_.:/\u2010\u2011\u2012\u2013\u2014\u00a0"


def new_code() -> str:
    """A fresh code, formatted with dashes."""
    return format_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def normalize_code(text: str) -> str | None:
    """The 12 symbols of a code as typed (any case, spaces or dashes), or None."""
    raw = strip_accents(text).upper()
    for separator in _SEPARATORS:
        raw = raw.replace(separator, "")
    if len(raw) != CODE_LENGTH or any(c not in ALPHABET for c in raw):
        return None
    return raw


async def instance_salt(store: Store) -> bytes:
    stored = await store.get_state(SALT_STATE_KEY)
    if stored is None:
        stored = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES).hex()
        await store.set_state(SALT_STATE_KEY, stored)
    return bytes.fromhex(stored)


def _hash(raw_code: str, salt: bytes) -> bytes:
    return bytes(
        nacl.pwhash.argon2id.kdf(
            32,
            raw_code.encode("ascii"),
            salt,
            opslimit=nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE,
            memlimit=nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE,
        )
    )


async def hash_code(raw_code: str, salt: bytes) -> bytes:
    """Argon2id off the event loop (it takes tens of milliseconds on purpose)."""
    return await asyncio.to_thread(_hash, raw_code, salt)
