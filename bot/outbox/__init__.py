"""Durable outgoing messages: recorded before they are sent, delivered exactly once.

Each message gets a stable idempotency key when it is recorded; transports pass it to
the network (Matrix txn_id, Mastodon Idempotency-Key), so a retry after a crash between
"sent" and "marked delivered" does not duplicate it. Messages to one channel leave in
the order they were recorded; channels are delivered concurrently, so a rate-limited
room does not hold up the others.

A transient failure (network down, server error, rate limit) never uses a message up:
it is retried, with a capped backoff, for as long as it takes. A message is given up
only when the server refuses it for good, when it is no longer useful (`expires_at`,
e.g. a reminder once its event has started), or after repeated unexpected errors (a
bug); the `on_failed` listeners then tell the organisers.

Private messages (to one person) are sealed with the instance secret while they wait:
the text, the address and the reply context never lie in clear in the database or its
`-wal`. Once delivered their row is deleted and the journal truncated.
"""

from bot.outbox.delivery import (
    DeliveredListener,
    FailedListener,
    OutgoingDraft,
    PermanentDeliveryError,
    TransientDeliveryError,
    Transport,
)
from bot.outbox.queue import EXPIRED_REASON, IDLE_CHECK_SECONDS, Outbox
from bot.outbox.rows import SEAL_PURPOSE, to_outgoing

__all__ = [
    "EXPIRED_REASON",
    "IDLE_CHECK_SECONDS",
    "SEAL_PURPOSE",
    "DeliveredListener",
    "FailedListener",
    "Outbox",
    "OutgoingDraft",
    "PermanentDeliveryError",
    "TransientDeliveryError",
    "Transport",
    "to_outgoing",
]
