"""What callers and transports share with the outbox: drafts, delivery errors, the
transport protocol."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.message import Channel, Outgoing, ReplyKind

DeliveredListener = Callable[[Outgoing, str | None], Awaitable[None]]
FailedListener = Callable[[Outgoing, "PermanentDeliveryError"], Awaitable[None]]


class TransientDeliveryError(Exception):
    """Try again later. `retry_after` (seconds) comes from the server when it says so.

    A rate limit (`rate_limited=True`) is not a failure: it does not use up attempts.
    """

    def __init__(
        self, reason: str, *, retry_after: float | None = None, rate_limited: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class PermanentDeliveryError(Exception):
    """Retrying cannot help (message refused, room gone). The reason is logged.

    `organisers_told` is True when the transport already told the organisers itself.
    """

    def __init__(self, reason: str, *, organisers_told: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.organisers_told = organisers_told


class Transport(Protocol):
    name: str

    async def deliver(self, item: Outgoing) -> str | None:
        """Send one message; return the remote id (event id, status id) if any."""


@dataclass(frozen=True)
class OutgoingDraft:
    """What a caller asks to send; `key` makes repeated requests idempotent."""

    channel: Channel
    text: str
    kind: ReplyKind = ReplyKind.ANSWER
    key: str | None = None
    in_reply_to: str | None = None
    reply_context: dict[str, Any] | None = None
    # After this instant (epoch seconds) the message is no longer worth sending.
    expires_at: float | None = None
    # Who wants to hear of its delivery (the listeners of this topic, see on_delivered).
    notify: str | None = None
