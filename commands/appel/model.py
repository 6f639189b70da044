"""A call to action as values, and its wire form between instances (`org.relais.call`).

Pure: no I/O. The wire format is documented in README_SECTION.md; `parse_event` accepts
exactly what is documented there and says why it refuses anything else.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from hashlib import blake2b
from typing import Any

from bot.french import normalize

EVENT_TYPE = "org.relais.call"
VERSION = 1
MAX_TEXT = 10_000
MAX_TAGS = 20
MAX_HOPS = 20
MAX_NAME = 100
_UID = re.compile(r"[A-Za-z0-9._\-]{6,64}")
_UID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


class InvalidCall(ValueError):
    """A received event that is not a call we can use; the reason is for the logs."""


@dataclass(frozen=True)
class Call:
    uid: str
    origin_instance: str
    origin_group: str
    text: str
    tags: tuple[str, ...]
    created: datetime
    expiry: datetime
    hops: tuple[str, ...]
    link: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.expiry <= now

    def with_hop(self, instance: str) -> Call:
        if instance in self.hops:
            return self
        return replace(self, hops=(*self.hops, instance))


@dataclass(frozen=True)
class CallEvent:
    """What travels: a call, or the retraction of one (`retract`)."""

    call: Call
    retract: bool = False


def new_uid() -> str:
    """Globally unique enough (60 bits), safe in keys and transaction ids."""
    return "".join(secrets.choice(_UID_ALPHABET) for _ in range(12))


def content_hash(text: str) -> str:
    """Same call, whatever the case, accents, spacing or punctuation around it."""
    bare = re.sub(r"[^\w]+", " ", normalize(text)).strip()
    return blake2b(bare.encode(), digest_size=16).hexdigest()


def clean_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for raw in tags:
        tag = raw.strip().lstrip("#").lower()
        if tag and all(normalize(tag) != normalize(t) for t in out):
            out.append(tag)
    return tuple(out)


def utc_text(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC)


def to_content(event: CallEvent, body: str) -> dict[str, Any]:
    call = event.call
    return {
        "version": VERSION,
        "id": call.uid,
        "origin_instance": call.origin_instance,
        "origin_group": call.origin_group,
        "text": "" if event.retract else call.text,
        "tags": list(call.tags),
        "created": utc_text(call.created),
        "expiry": utc_text(call.expiry),
        "hops": list(call.hops),
        "retract": event.retract,
        "link": None if event.retract else call.link,
        "body": body,
    }


def _text(content: dict[str, Any], key: str, limit: int, *, empty: bool = False) -> str:
    value = content.get(key)
    if not isinstance(value, str):
        raise InvalidCall(f"{key}: not a string")
    value = value.strip()
    if (not value and not empty) or len(value) > limit:
        raise InvalidCall(f"{key}: empty or too long")
    return value


def _names(content: dict[str, Any], key: str, limit: int) -> tuple[str, ...]:
    value = content.get(key, [])
    if not isinstance(value, list) or len(value) > limit:
        raise InvalidCall(f"{key}: not a short list")
    if not all(isinstance(v, str) and 0 < len(v) <= MAX_NAME for v in value):
        raise InvalidCall(f"{key}: bad item")
    return tuple(v.strip() for v in value)


def parse_event(content: dict[str, Any]) -> CallEvent:
    if content.get("version") != VERSION:
        raise InvalidCall("unknown version")
    uid = content.get("id")
    if not isinstance(uid, str) or not _UID.fullmatch(uid):
        raise InvalidCall("id: bad format")
    retract = content.get("retract", False)
    if not isinstance(retract, bool):
        raise InvalidCall("retract: not a boolean")
    try:
        created = parse_utc(str(content.get("created")))
        expiry = parse_utc(str(content.get("expiry")))
    except ValueError:
        raise InvalidCall("created/expiry: not ISO 8601 with a time zone") from None
    link = content.get("link")
    if link is not None and (not isinstance(link, str) or not link.startswith("https://")):
        link = None
    call = Call(
        uid=uid,
        origin_instance=_text(content, "origin_instance", MAX_NAME),
        origin_group=_text(content, "origin_group", MAX_NAME, empty=True),
        text=_text(content, "text", MAX_TEXT, empty=retract),
        tags=clean_tags(_names(content, "tags", MAX_TAGS)),
        created=created,
        expiry=expiry,
        hops=_names(content, "hops", MAX_HOPS),
        link=link,
    )
    return CallEvent(call, retract)
