"""Sealed boxes to the collective's keys, key files, receipt codes and their hash."""

from __future__ import annotations

import base64

import nacl.public
import pytest

from commands.temoignage import receipt
from commands.temoignage.crypto import (
    PAD_BYTES,
    DamagedError,
    WrongKeyError,
    decode_key,
    encode_key,
    fingerprint,
    read_private_key,
    seal,
    unseal,
)


def test_seal_to_several_keys_and_open_with_each() -> None:
    alice, bob = nacl.public.PrivateKey.generate(), nacl.public.PrivateKey.generate()
    sealed = seal(b'{"texte": "bonjour"}', [bytes(alice.public_key), bytes(bob.public_key)])
    assert set(sealed.recipients) == {
        fingerprint(bytes(alice.public_key)),
        fingerprint(bytes(bob.public_key)),
    }
    for key in (alice, bob):
        assert unseal(sealed.payload, sealed.recipients, key).rstrip() == b'{"texte": "bonjour"}'
    with pytest.raises(WrongKeyError):
        unseal(sealed.payload, sealed.recipients, nacl.public.PrivateKey.generate())


def test_tampered_payload_is_reported_as_damaged() -> None:
    key = nacl.public.PrivateKey.generate()
    sealed = seal(b"x", [bytes(key.public_key)])
    broken = sealed.payload[:-1] + bytes([sealed.payload[-1] ^ 1])
    with pytest.raises(DamagedError):
        unseal(broken, sealed.recipients, key)


def test_size_on_disk_hides_the_length() -> None:
    key = bytes(nacl.public.PrivateKey.generate().public_key)
    short, longer = seal(b"a", [key]), seal(b"a" * 900, [key])
    assert len(short.payload) == len(longer.payload)
    assert len(seal(b"a" * (PAD_BYTES + 1), [key]).payload) == len(short.payload) + PAD_BYTES


def test_no_key_no_seal() -> None:
    with pytest.raises(ValueError):
        seal(b"x", [])


def test_keys_in_base64_hex_and_url_safe() -> None:
    raw = bytes(range(32))
    assert decode_key(encode_key(raw)) == raw
    assert decode_key(raw.hex()) == raw
    assert decode_key(base64.urlsafe_b64encode(raw).decode()) == raw
    assert decode_key(" " + raw.hex()[:32] + "\n" + raw.hex()[32:]) == raw
    assert decode_key("trop court") is None
    assert decode_key(encode_key(raw[:31])) is None


def test_private_key_file_ignores_comments() -> None:
    key = nacl.public.PrivateKey.generate()
    text = "# commentaire\n\n" + encode_key(bytes(key)) + "\n"
    loaded = read_private_key(text)
    assert loaded is not None and bytes(loaded) == bytes(key)
    assert read_private_key("# rien\n") is None
    assert read_private_key(encode_key(bytes(key)) + "\n" + encode_key(bytes(key))) is None


def test_codes_are_readable_and_tolerant() -> None:
    codes = {receipt.new_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4]
        assert not set(code.replace("-", "")) & set("01ILOU")
        raw = code.replace("-", "")
        assert receipt.normalize_code(code) == raw
        assert receipt.normalize_code(code.lower()) == raw
        assert receipt.normalize_code(" ".join(groups)) == raw
        assert receipt.normalize_code(code.replace("-", "\u2013")) == raw
    assert receipt.normalize_code("K7QM-3XHD-9PR") is None
    assert receipt.normalize_code("K7QM-3XHD-9PRO") is None  # O is not in the alphabet
    assert receipt.normalize_code("") is None


async def test_hash_depends_on_code_and_salt() -> None:
    salt_a, salt_b = b"a" * 16, b"b" * 16
    first = await receipt.hash_code("K7QM3XHD9PRT", salt_a)
    assert first == await receipt.hash_code("K7QM3XHD9PRT", salt_a)
    assert first != await receipt.hash_code("K7QM3XHD9PRS", salt_a)
    assert first != await receipt.hash_code("K7QM3XHD9PRT", salt_b)
    assert len(first) == 32 and b"K7QM" not in first
