"""Outbox rows: a draft as the values of its row, a row as the item a transport gets.

A private message keeps only its transport in clear; its address, text and reply context
are sealed with the instance secret (see bot.sealing).
"""

from __future__ import annotations

import json
from typing import Any

from bot.message import Channel, Outgoing, ReplyKind
from bot.outbox.delivery import OutgoingDraft
from bot.sealing import Unreadable, open_json, seal_json

SEAL_PURPOSE = b"relais-outbox"

COLUMNS = (
    "id, key, transport, channel_id, is_direct, channel_group, kind, text, in_reply_to,"
    " reply_context, attempts, faults, next_attempt_at, expires_at, sealed, notify"
)


def row_values(draft: OutgoingDraft, box: Any) -> tuple[Any, ...]:
    """(transport, channel_id, is_direct, group, kind, text, in_reply_to, context, sealed):
    a private message keeps only its transport in clear; the rest is sealed."""
    context = draft.reply_context or {}
    if draft.channel.is_direct:
        sealed = seal_json(
            box,
            {"c": draft.channel.id, "t": draft.text, "i": draft.in_reply_to, "r": context},
        )
        return (draft.channel.transport, "", 1, None, str(draft.kind), "", None, "{}", sealed)
    return (
        draft.channel.transport,
        draft.channel.id,
        0,
        draft.channel.group,
        str(draft.kind),
        draft.text,
        draft.in_reply_to,
        json.dumps(context),
        None,
    )


def to_outgoing(row: Any, box: Any = None) -> Outgoing:
    channel_id, text = str(row["channel_id"]), str(row["text"])
    in_reply_to, context = row["in_reply_to"], json.loads(row["reply_context"] or "{}")
    if row["sealed"] is not None:
        if box is None:
            raise Unreadable("no key")
        opened = open_json(box, bytes(row["sealed"]))
        channel_id, text, in_reply_to, context = opened["c"], opened["t"], opened["i"], opened["r"]
    return Outgoing(
        id=int(row["id"]),
        key=str(row["key"]),
        channel=Channel(
            transport=str(row["transport"]),
            id=channel_id,
            is_direct=bool(row["is_direct"]),
            group=row["channel_group"],
        ),
        text=text,
        kind=ReplyKind(row["kind"]),
        in_reply_to=in_reply_to,
        reply_context=context,
        attempts=int(row["attempts"]),
        faults=int(row["faults"]),
        expires_at=row["expires_at"],
        notify=row["notify"],
    )
