"""Transport-neutral values exchanged between transports, the router and commands.

Transports turn network events into `Message` values; commands answer with `Reply`
values; the outbox carries `Outgoing` values to the transports. Nothing here knows
about Matrix, Mastodon or any single feature.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# What `Router.handle` returns for a message whose event was already handled (a replay).
ALREADY_HANDLED = -1


class Role(enum.IntEnum):
    """What a sender may do. Higher values include the lower ones."""

    MEMBER = 0
    ORGANISER = 1

    @property
    def label_fr(self) -> str:
        return "organisatrice ou organisateur" if self is Role.ORGANISER else "membre"


@dataclass(frozen=True)
class Sender:
    """Who wrote a message: a transport-specific id and the role the transport granted."""

    id: str
    role: Role = Role.MEMBER
    display_name: str | None = None
    # The console operator types on their own terminal: no flood limit there.
    flood_limited: bool = True

    @property
    def is_organiser(self) -> bool:
        return self.role >= Role.ORGANISER


class Reach(enum.StrEnum):
    """Who reads what is posted in a channel."""

    ROOM = "room"  # the people in a room (Matrix, the console)
    FOLLOWERS = "followers"  # whoever follows the account: a public feed (Mastodon)
    PERSON = "person"  # one person, privately


@dataclass(frozen=True)
class Capabilities:
    """What a kind of channel can do: features ask this, never which transport it is."""

    service: str  # what people call it: "Matrix", "Mastodon"
    post_limit: int | None  # characters in one post; None when long texts are fine
    # Private messages are end-to-end encrypted (the server's admins cannot read them).
    private_encrypted: bool


CAPABILITIES: dict[str, Capabilities] = {
    "matrix": Capabilities("Matrix", None, private_encrypted=True),
    "mastodon": Capabilities("Mastodon", 500, private_encrypted=False),
    "console": Capabilities("la console", None, private_encrypted=True),
    "email": Capabilities("e-mail", None, private_encrypted=False),
}
UNKNOWN_CAPABILITIES = Capabilities("?", None, private_encrypted=False)
FOLLOWERS_ID = "announce"  # the channel id of a public feed (posts to followers)


@dataclass(frozen=True)
class Channel:
    """Where a message was written and where its replies go.

    `id` is the transport's own address (a Matrix room id, a Mastodon conversation,
    a console room name). `group` is the collective's group this channel belongs to,
    when the configuration maps it to one.
    """

    transport: str
    id: str
    is_direct: bool = False
    group: str | None = None

    @property
    def key(self) -> str:
        return f"{self.transport}:{self.id}"

    @property
    def reach(self) -> Reach:
        if self.is_direct:
            return Reach.PERSON
        return Reach.FOLLOWERS if self.id == FOLLOWERS_ID else Reach.ROOM

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES.get(self.transport, UNKNOWN_CAPABILITIES)

    @staticmethod
    def direct_to(transport: str, person: str) -> Channel:
        """The private conversation with a person; the transport finds or opens it.

        Matrix takes the user id ("@alice:server") and opens a DM room when needed;
        Mastodon and the console use "dm:<person>".
        """
        channel_id = person if transport == "matrix" else f"dm:{person}"
        return Channel(transport, channel_id, is_direct=True)


@dataclass(frozen=True)
class Message:
    """One incoming text from a person."""

    sender: Sender
    channel: Channel
    text: str
    received_at: datetime
    event_id: str | None = None
    # Opaque transport data needed to answer (e.g. Mastodon visibility, status id).
    reply_context: dict[str, Any] = field(default_factory=dict)

    @property
    def is_direct(self) -> bool:
        return self.channel.is_direct

    @property
    def transport(self) -> str:
        return self.channel.transport

    def direct_channel(self) -> Channel:
        """Where to talk to the sender privately (this channel when already direct)."""
        if self.channel.is_direct:
            return self.channel
        return Channel.direct_to(self.transport, self.sender.id)

    def in_direct(self) -> Message:
        """The same message as if written in the sender's private conversation."""
        return Message(self.sender, self.direct_channel(), self.text, self.received_at, None, {})


class ReplyKind(enum.StrEnum):
    """How a transport should present an outgoing text."""

    ANSWER = "answer"  # an answer to a person's command (Matrix m.notice as a reply)
    ANNOUNCEMENT = "announcement"  # reminders, calls: stand-alone posts
    # A structured event for other programs (Matrix custom event type): `reply_context`
    # holds {"event_type": ..., "content": {...}}; `text` is the human-readable fallback.
    EVENT = "event"
    # Take back something sent earlier: `reply_context` holds {"remote_id": ...}
    # (Matrix redaction, Mastodon deletion); `text` is the reason, for the logs of people.
    RETRACTION = "retraction"


@dataclass(frozen=True)
class Reply:
    """A text a command wants to send.

    `text` is light Markdown (bold, lists, links), written in French. `channel` is
    None to answer where the message came from.
    """

    text: str
    channel: Channel | None = None
    kind: ReplyKind = ReplyKind.ANSWER


@dataclass(frozen=True)
class Outgoing:
    """A message recorded in the outbox, as handed to a transport for delivery."""

    id: int
    key: str  # stable idempotency key: Matrix txn_id, Mastodon Idempotency-Key
    channel: Channel
    text: str
    kind: ReplyKind
    in_reply_to: str | None
    reply_context: dict[str, Any]
    attempts: int
    faults: int = 0  # unexpected errors so far (network trouble is not counted)
    expires_at: float | None = None  # epoch seconds after which it is not worth sending
    notify: str | None = None  # the topic whose listeners hear of its delivery


@dataclass(frozen=True)
class InboundEvent:
    """A structured event received from another program (e.g. another Relais instance)."""

    transport: str
    channel: Channel
    sender_id: str
    event_type: str
    content: dict[str, Any]
    event_id: str
    received_at: datetime
