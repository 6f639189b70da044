"""Our light Markdown replies as Matrix message content: plain body + safe HTML."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot.french import unescape_markdown
from bot.transports.matrix.markup import render

# A Matrix event may hold 64 KiB; phones are happier with much less. Longer answers are
# split at paragraph boundaries into several messages.
MAX_BODY_CHARS = 6000

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def to_html(text: str) -> str:
    # Our texts are Markdown, never HTML: "<question>" in a usage line must stay visible.
    return render(text)


# The same texts come back often in rooms (help, rights topics, menus): each is rendered
# once. Only texts sent to rooms are kept here; a private reply is never held in memory
# after it is sent.
_shared_html = lru_cache(maxsize=128)(to_html)


def to_plain(text: str) -> str:
    return unescape_markdown(_BOLD.sub(r"\1", text))


def split_text(text: str, limit: int = MAX_BODY_CHARS) -> list[str]:
    """Cut at paragraph, then line, then space boundaries; never mid-word when possible."""
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n\n", 0, limit)
        if cut < limit // 3:
            cut = text.rfind("\n", 0, limit)
        if cut < limit // 3:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def message_content(
    text: str, *, notice: bool = True, reply_to: str | None = None, shared: bool = False
) -> dict[str, Any]:
    """`shared`: a text sent to a room (not a private one), whose rendering may be kept."""
    content: dict[str, Any] = {
        "msgtype": "m.notice" if notice else "m.text",
        "body": to_plain(text),
        "format": "org.matrix.custom.html",
        "formatted_body": _shared_html(text) if shared else to_html(text),
    }
    if reply_to:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
    return content


_REPLY_FALLBACK = re.compile(r"^(?:> .*\n)+\n", re.MULTILINE)


def strip_reply_fallback(body: str) -> str:
    """Older clients quote the replied-to message at the top of the body ("> <@a:b> ...")."""
    if body.startswith("> "):
        return _REPLY_FALLBACK.sub("", body, count=1)
    return body
