"""Sending to Matrix: one outbox item as one or more events, a redaction, or a custom event.

The outbox key is the Matrix transaction id (the split parts of a long text add "-2",
"-3"…), so a retry after a crash never posts twice. Refusals that retrying cannot change
are permanent; everything else (rate limits, network, server errors, a room the client
has not synced yet) is transient.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from nio import AsyncClient, RoomRedactResponse, RoomSendResponse
from nio.exceptions import LocalProtocolError

from bot.message import Outgoing, ReplyKind
from bot.outbox import PermanentDeliveryError, TransientDeliveryError
from bot.transports.matrix.format import message_content, split_text
from bot.transports.matrix.rooms import RoomDirectory

NETWORK_ERRORS = (OSError, TimeoutError, aiohttp.ClientError)
FINAL_CODES = ("M_FORBIDDEN", "M_NOT_FOUND", "M_TOO_LARGE", "M_BAD_JSON")


class EventSender:
    def __init__(self, client: AsyncClient, rooms: RoomDirectory) -> None:
        self.client = client
        self._rooms = rooms

    async def deliver(self, item: Outgoing) -> str | None:
        room_id = await self._rooms.resolve_target(item.channel)
        reply_to = item.in_reply_to if item.kind is ReplyKind.ANSWER else None
        if item.reply_context.get("room_id", room_id) != room_id:
            reply_to = None  # the question was asked in another room (no longer private)
        if item.kind is ReplyKind.RETRACTION:
            return await self._redact(room_id, item)
        if item.kind is ReplyKind.EVENT:
            context = item.reply_context
            content = dict(context.get("content") or {})
            content.setdefault("body", item.text)
            return await self._send(room_id, content, item.key, str(context["event_type"]))
        parts = split_text(item.text)
        event_id: str | None = None
        for index, part in enumerate(parts):
            txn_id = item.key if len(parts) == 1 else f"{item.key}-{index + 1}"
            content = message_content(
                part,
                notice=True,
                reply_to=reply_to if index == 0 else None,
                shared=not item.channel.is_direct,
            )
            event_id = await self._send(room_id, content, txn_id)
        return event_id

    async def _redact(self, room_id: str, item: Outgoing) -> str | None:
        remote_id = str(item.reply_context.get("remote_id") or "")
        if not remote_id:
            raise PermanentDeliveryError("rien à retirer (identifiant manquant)")
        try:
            response = await self.client.room_redact(
                room_id, remote_id, reason=item.text or None, tx_id=item.key
            )
        except LocalProtocolError:
            raise await self._rooms.why_unknown(room_id) from None
        except NETWORK_ERRORS as exc:
            raise TransientDeliveryError(f"réseau ({exc.__class__.__name__})") from None
        if isinstance(response, RoomRedactResponse):
            return str(response.event_id)
        raise delivery_error(response)

    async def _send(
        self, room_id: str, content: dict[str, Any], txn_id: str, event_type: str = "m.room.message"
    ) -> str:
        try:
            response = await self.client.room_send(
                room_id, event_type, content, tx_id=txn_id, ignore_unverified_devices=True
            )
        except LocalProtocolError:
            raise await self._rooms.why_unknown(room_id) from None
        except NETWORK_ERRORS as exc:
            raise TransientDeliveryError(f"réseau ({exc.__class__.__name__})") from None
        if isinstance(response, RoomSendResponse):
            return str(response.event_id)
        raise delivery_error(response)


def delivery_error(response: object) -> TransientDeliveryError | PermanentDeliveryError:
    code = getattr(response, "status_code", None)
    if code == "M_LIMIT_EXCEEDED":
        retry_ms = getattr(response, "retry_after_ms", None) or 1000
        return TransientDeliveryError(
            "limite de débit du serveur", retry_after=retry_ms / 1000, rate_limited=True
        )
    if code in FINAL_CODES:
        return PermanentDeliveryError(f"refusé par le serveur ({code})")
    return TransientDeliveryError(f"erreur du serveur ({code or 'inconnue'})")
