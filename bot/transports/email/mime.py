"""An outbox item as an e-mail: plain text and HTML parts, list headers, a stable id.

What the item carries: `text` is the text/plain part as it is; `reply_context` may hold
"subject", "html" (the text/html part; without it the plain text is shown escaped),
"date" (ISO 8601: the same Date header on every attempt), "list_unsubscribe" (URIs for
RFC 2369 List-Unsubscribe) and "list_id" (RFC 2919).

The Message-ID comes from the outbox key alone: every attempt of one message carries the
same one, so a list manager or a mail reader that drops a known Message-ID sees a repeat
as the same message (see transport.py for when a repeat can happen).
"""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from bot.message import Outgoing

DEFAULT_SUBJECT = "Message de Relais"


def message_id(key: str, domain: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<relais.{digest}@{domain}>"


def _address(addr_spec: str, name: str | None = None) -> Address:
    user, _, domain = addr_spec.rpartition("@")
    return Address(display_name=name or "", username=user, domain=domain)


def _date(context: dict[str, Any]) -> datetime:
    raw = context.get("date")
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is not None:
                return moment
        except ValueError:
            pass
    return datetime.now(UTC)


def fallback_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "".join("<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>\n" for p in paragraphs)
    return f'<!doctype html>\n<html lang="fr"><body>\n{body}</body></html>\n'


def build(item: Outgoing, *, from_address: str, from_name: str | None, domain: str) -> EmailMessage:
    context = item.reply_context or {}
    message = EmailMessage()
    message["From"] = _address(from_address, from_name)
    message["To"] = _address(item.channel.id)
    message["Subject"] = str(context.get("subject") or DEFAULT_SUBJECT)
    message["Date"] = format_datetime(_date(context))
    message["Message-ID"] = message_id(item.key, domain)
    unsubscribe = [str(u) for u in context.get("list_unsubscribe") or [] if u]
    if unsubscribe:
        message["List-Unsubscribe"] = ", ".join(f"<{u}>" for u in unsubscribe)
    if context.get("list_id"):
        message["List-Id"] = str(context["list_id"])
    message.set_content(item.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    page = context.get("html")
    message.add_alternative(
        str(page) if page else fallback_html(item.text),
        subtype="html",
        charset="utf-8",
        cte="quoted-printable",
    )
    message["Content-Language"] = "fr"  # after set_content, which drops Content-* headers
    # The same bytes on every attempt: a resend is the very same message.
    message.set_boundary("=_relais_" + message_id(item.key, domain)[8:40])
    return message
