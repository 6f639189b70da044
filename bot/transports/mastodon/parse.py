"""Mastodon-API payloads → plain values, tolerant of every server's quirks.

Payloads come as JSON (streaming, recorded cassettes) or as Mastodon.py's dict
subclasses (dates already parsed). Servers differ (Mastodon, GoToSocial, Akkoma,
Takahē): a missing field or an unknown notification type yields "nothing to
answer", never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from bot.transports.mastodon.shaping import html_to_text, strip_leading_mentions

DEFAULT_MAX_CHARACTERS = 500
# Widest first. Anything else (e.g. "local", "limited") is treated as direct.
VISIBILITIES = ("public", "unlisted", "private", "direct")


def narrow_visibility(*values: str | None) -> str:
    """The narrowest of the given visibilities; unknown or missing ones count as direct."""
    ranks = [VISIBILITIES.index(v) if v in VISIBILITIES else len(VISIBILITIES) for v in values]
    rank = max(ranks, default=len(VISIBILITIES))
    return VISIBILITIES[min(rank, len(VISIBILITIES) - 1)]


def full_acct(acct: str, local_domain: str) -> str:
    """Make an acct comparable: "alice" here → "alice@our.domain"; remote ones unchanged."""
    user, _, domain = acct.strip().lstrip("@").partition("@")
    return f"{user}@{(domain or local_domain).lower()}"


def local_form(acct: str, local_domain: str) -> str:
    """The acct to write after "@" in a post: local accounts without their domain."""
    user, _, domain = acct.strip().lstrip("@").partition("@")
    return user if not domain or domain.lower() == local_domain.lower() else f"{user}@{domain}"


def id_order(value: str) -> tuple[int, str]:
    """Sort key for ids: numeric snowflakes and ULIDs both order by (length, text)."""
    return (len(value), value)


@dataclass(frozen=True)
class IncomingMention:
    """A status that mentions the bot, reduced to what routing and answering need."""

    notification_id: str
    status_id: str
    account_id: str
    acct: str  # as the server wrote it: "alice" (local) or "bob@other.example"
    full_acct: str  # always user@domain, for roles and stable channel ids
    display_name: str | None
    is_bot: bool
    visibility: str
    text: str  # plain text without the leading mentions
    created_at: datetime | None


@dataclass(frozen=True)
class ParsedNotification:
    """Any notification: its id (to advance the cursor) and, for mentions, the mention."""

    id: str | None
    kind: str
    mention: IncomingMention | None


def parse_notification(data: Any, local_domain: str) -> ParsedNotification:
    if not isinstance(data, Mapping):
        return ParsedNotification(None, "invalid", None)
    notification_id = _text(data.get("id"))
    kind = _text(data.get("type")) or "unknown"
    if kind != "mention":
        return ParsedNotification(notification_id, kind, None)
    mention = None
    if notification_id is not None:
        mention = parse_mention_status(
            data.get("status"),
            local_domain,
            notification_id=notification_id,
            fallback_account=data.get("account"),
        )
    return ParsedNotification(notification_id, kind, mention)


def parse_mention_status(
    status: Any, local_domain: str, *, notification_id: str, fallback_account: Any = None
) -> IncomingMention | None:
    """A status that mentions us; None when it lacks what answering needs."""
    if not isinstance(status, Mapping):
        return None
    account = status.get("account")
    if not isinstance(account, Mapping):
        account = fallback_account
    if not isinstance(account, Mapping):
        return None
    status_id, account_id = _text(status.get("id")), _text(account.get("id"))
    acct = _text(account.get("acct")) or _text(account.get("username"))
    if status_id is None or account_id is None or not acct:
        return None
    content = status.get("content")
    text = html_to_text(content) if isinstance(content, str) else ""
    return IncomingMention(
        notification_id=notification_id,
        status_id=status_id,
        account_id=account_id,
        acct=acct.lstrip("@"),
        full_acct=full_acct(acct, local_domain),
        display_name=_text(account.get("display_name")) or None,
        is_bot=account.get("bot") is True,
        visibility=_text(status.get("visibility")) or "direct",
        text=strip_leading_mentions(text),
        created_at=_datetime(status.get("created_at")),
    )


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int):
        return str(value)
    return None


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


# -- instance ------------------------------------------------------------------------
@dataclass(frozen=True)
class InstanceInfo:
    domain: str | None
    max_characters: int = DEFAULT_MAX_CHARACTERS
    streaming_url: str | None = None  # http(s)://host[:port], no path
    reserved_per_url: int = 23


def parse_instance_v2(data: Any) -> InstanceInfo | None:
    """GET /api/v2/instance; None when the payload is not an instance at all."""
    if not isinstance(data, Mapping) or not isinstance(data.get("configuration"), Mapping):
        return None
    configuration = data["configuration"]
    statuses = _mapping(configuration.get("statuses"))
    urls = _mapping(configuration.get("urls"))
    return InstanceInfo(
        domain=_domain(data.get("domain")),
        max_characters=_limit(statuses.get("max_characters")),
        streaming_url=_http_base(urls.get("streaming")),
        reserved_per_url=_positive(statuses.get("characters_reserved_per_url"), 23),
    )


def parse_instance_v1(data: Any) -> InstanceInfo | None:
    """GET /api/v1/instance (older Mastodon, Akkoma/Pleroma's max_toot_chars)."""
    if not isinstance(data, Mapping):
        return None
    statuses = _mapping(_mapping(data.get("configuration")).get("statuses"))
    limit = statuses.get("max_characters", data.get("max_toot_chars"))
    return InstanceInfo(
        domain=_domain(data.get("uri") or data.get("domain")),
        max_characters=_limit(limit),
        streaming_url=_http_base(_mapping(data.get("urls")).get("streaming_api")),
        reserved_per_url=_positive(statuses.get("characters_reserved_per_url"), 23),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _limit(value: Any) -> int:
    number = _positive(value, 0)
    return number if number >= 50 else DEFAULT_MAX_CHARACTERS


def _positive(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return default
    try:
        number = int(value)
    except ValueError:
        return default
    return number if number > 0 else default


def _domain(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if "://" in value:
        value = urlparse(value).netloc
    return value.strip("/").lower() or None


def _http_base(value: Any) -> str | None:
    """Streaming URL as HTTP: wss://host → https://host (SSE runs over HTTP)."""
    if not isinstance(value, str) or not value.strip():
        return None
    parsed = urlparse(value.strip())
    scheme = {"wss": "https", "ws": "http", "https": "https", "http": "http"}.get(parsed.scheme)
    if scheme is None or not parsed.netloc:
        return None
    return f"{scheme}://{parsed.netloc}"


# -- server-sent events ----------------------------------------------------------------
@dataclass(frozen=True)
class SseEvent:
    name: str
    data: str

    def json(self) -> Any:
        """The payload decoded, or None when it is not JSON (e.g. a delete's bare id)."""
        try:
            return json.loads(self.data)
        except ValueError:
            return None


class SseDecoder:
    """Incremental text/event-stream parser: feed bytes, get complete events.

    Comment lines (":thump" heartbeats) only count as signs of life.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._name = ""
        self._data: list[str] = []
        self.comments = 0

    def feed(self, chunk: bytes) -> list[SseEvent]:
        self._buffer += chunk
        events: list[SseEvent] = []
        while True:
            line, found = self._next_line()
            if not found:
                return events
            event = self._line(line)
            if event is not None:
                events.append(event)

    def _next_line(self) -> tuple[str, bool]:
        buffer = self._buffer
        ends = [p for p in (buffer.find(b"\n"), buffer.find(b"\r")) if p >= 0]
        if not ends:
            return "", False
        index = min(ends)
        skip = 1
        if buffer[index] == 0x0D:
            if index + 1 == len(buffer):
                return "", False  # maybe the first half of \r\n: wait for more
            skip = 2 if buffer[index + 1] == 0x0A else 1
        self._buffer = buffer[index + skip :]
        return buffer[:index].decode("utf-8", errors="replace"), True

    def _line(self, line: str) -> SseEvent | None:
        if not line:
            event = SseEvent(self._name or "message", "\n".join(self._data)) if self._data else None
            self._name, self._data = "", []
            return event
        if line.startswith(":"):
            self.comments += 1
            return None
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            self._name = value
        elif field == "data":
            self._data.append(value)
        return None
