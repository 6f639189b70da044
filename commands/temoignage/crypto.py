"""Sealing finished testimonies to the collective's public keys (libsodium).

A testimony is encrypted once with a fresh random key (SecretBox, XSalsa20-Poly1305);
that key is then sealed to each configured public key (SealedBox: X25519 + an ephemeral
key). The bot holds no private key: once a testimony is stored, it cannot read it back.
The plaintext is padded to a multiple of PAD_BYTES so that the size on disk says little
about the length of the story.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from hashlib import blake2b

import nacl.exceptions
import nacl.public
import nacl.secret
import nacl.utils

PAD_BYTES = 1024
KEY_BYTES = 32


class WrongKeyError(Exception):
    """The private key matches none of the public keys a testimony was sealed to."""


class DamagedError(Exception):
    """The private key matches, but the data does not decrypt: it was altered."""


@dataclass(frozen=True)
class Sealed:
    payload: bytes  # SecretBox ciphertext (nonce included)
    recipients: dict[str, str]  # key fingerprint -> base64 SealedBox of the payload key

    def recipients_json(self) -> str:
        return json.dumps(self.recipients, sort_keys=True)


def decode_key(text: str) -> bytes | None:
    """32 bytes written as hexadecimal or base64 (standard or URL-safe); None otherwise."""
    value = "".join(text.split())
    if len(value) == 2 * KEY_BYTES:
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    try:
        raw = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == KEY_BYTES else None


def public_key_problem(text: str) -> str | None:
    """For the config reader: a French message when the text is not a public key."""
    if decode_key(text) is None:
        return (
            "doit être une clé publique de 32 octets, écrite en base64 ou en hexadécimal "
            "(celle qu'affiche « relais temoignages keygen »)"
        )
    return None


def read_private_key(text: str) -> nacl.public.PrivateKey | None:
    """The private key in a key file: comment lines (#) and blank lines are ignored."""
    lines = [line.strip() for line in text.splitlines()]
    body = [line for line in lines if line and not line.startswith("#")]
    if len(body) != 1:
        return None
    raw = decode_key(body[0])
    return None if raw is None else nacl.public.PrivateKey(raw)


def encode_key(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def fingerprint(public_key: bytes) -> str:
    return blake2b(public_key, digest_size=8, person=b"relais-tem-key").hexdigest()


def new_key_pair() -> tuple[nacl.public.PrivateKey, bytes]:
    private = nacl.public.PrivateKey.generate()
    return private, bytes(private.public_key)


def pad(plaintext: bytes) -> bytes:
    """Pad with spaces (harmless after JSON) up to the next multiple of PAD_BYTES."""
    return plaintext + b" " * (-len(plaintext) % PAD_BYTES)


def seal(plaintext: bytes, public_keys: Sequence[bytes]) -> Sealed:
    if not public_keys:
        raise ValueError("no public key to seal to")
    content_key = nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)
    payload = bytes(nacl.secret.SecretBox(content_key).encrypt(pad(plaintext)))
    recipients = {
        fingerprint(key): encode_key(
            bytes(nacl.public.SealedBox(nacl.public.PublicKey(key)).encrypt(content_key))
        )
        for key in public_keys
    }
    return Sealed(payload, recipients)


def unseal(
    payload: bytes, recipients: Mapping[str, str], private_key: nacl.public.PrivateKey
) -> bytes:
    """The padded plaintext; WrongKeyError when not sealed to this key."""
    sealed_key = recipients.get(fingerprint(bytes(private_key.public_key)))
    if sealed_key is None:
        raise WrongKeyError
    try:
        content_key = nacl.public.SealedBox(private_key).decrypt(base64.b64decode(sealed_key))
        return bytes(nacl.secret.SecretBox(content_key).decrypt(payload))
    except (nacl.exceptions.CryptoError, binascii.Error, ValueError) as exc:
        raise DamagedError from exc


def parse_recipients(text: str) -> dict[str, str]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("recipients must be an object")
    return {str(k): str(v) for k, v in value.items()}
