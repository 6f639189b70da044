"""Our light Markdown replies as Matrix message content: plain body + sanitised HTML."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

import markdown
import nh3

from bot.french import unescape_markdown

# A Matrix event may hold 64 KiB; phones are happier with much less. Longer answers are
# split at paragraph boundaries into several messages.
MAX_BODY_CHARS = 6000

# Tags the Matrix spec suggests clients render (m.room.message formatted_body).
_ALLOWED_TAGS = {
    "a", "b", "strong", "i", "em", "u", "del", "s", "p", "br", "ul", "ol", "li",
    "code", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "sup", "sub",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
_LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _spaced_lists(text: str) -> str:
    """Python-Markdown needs a blank line before a list; chat texts rarely have one."""
    out: list[str] = []
    previous = ""
    for line in text.split("\n"):
        if _LIST_LINE.match(line) and previous.strip() and not _LIST_LINE.match(previous):
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


# One converter, reset after each text (Python-Markdown's documented way to convert many
# documents): building one costs as much as converting a short reply. Only the event loop
# thread formats messages, so it is never used by two threads at once.
_MARKDOWN = markdown.Markdown(extensions=["nl2br", "sane_lists"], output_format="html")


def to_html(text: str) -> str:
    # Our texts are Markdown, never HTML: "<question>" in a usage line must stay visible.
    escaped = html.escape(text, quote=False)
    try:
        rendered = _MARKDOWN.convert(_spaced_lists(escaped))
    finally:
        _MARKDOWN.reset()
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto", "tel", "matrix"},
        link_rel="noopener",
    ).strip()


# The same texts come back often in rooms (help, rights topics, menus): rendering and
# sanitising one is most of the CPU a reply costs. Only texts sent to rooms are kept here;
# a private reply is never held in memory after it is sent.
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
