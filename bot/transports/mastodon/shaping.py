"""Text shaping for Mastodon: HTML in, plain text out, and threads that fit the limit.

Status content arrives as HTML; our replies are light Markdown. Mastodon shows plain
text, counts every link as at least 23 characters, and refuses longer posts, so long
texts become a numbered thread cut at paragraph, line, sentence or word boundaries.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bot.french import unescape_markdown

RESERVED_PER_URL = 23
MIN_CHUNK = 20

_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:\s*@[\w.\-]+(?:@[\w.\-]+)?(?=[\s,:;]|$)[,:;]?)+\s*")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_STAR_BULLET = re.compile(r"^(\s*)[*+]\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?…»)]\s")


class _TextExtractor(HTMLParser):
    """Keeps the text of status HTML; paragraphs and line breaks become newlines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("p", "ul", "ol", "blockquote", "pre") and self.parts:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "ul", "ol", "blockquote", "pre"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Status HTML → plain text. Links keep their full address (Mastodon hides parts)."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = "".join(extractor.parts).replace("\r\n", "\n").replace("\xa0", " ")
    text = _TRAILING_SPACES.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def strip_leading_mentions(text: str) -> str:
    """Drop the mentions that address the post: "@relais !droit caf" → "!droit caf"."""
    return _LEADING_MENTIONS.sub("", text, count=1).strip()


def markdown_to_plain(text: str) -> str:
    """Our light Markdown → what reads well as plain text on Mastodon."""
    text = _LINK.sub(lambda m: m[2] if m[1] == m[2] else f"{m[1]} ({m[2]})", text)
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _STAR_BULLET.sub(r"\1- ", text)
    text = unescape_markdown(text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def weighted_length(text: str, reserved_per_url: int = RESERVED_PER_URL) -> int:
    """Length as a server counts it, erring long: a link counts at least 23 characters."""
    extra = sum(max(0, reserved_per_url - len(url)) for url in _URL.findall(text))
    return len(text) + extra


def split_thread(
    body: str,
    limit: int,
    *,
    prefix: str = "",
    first_suffix: str = "",
    reserved: int = 0,
) -> list[str]:
    """Cut `body` into posts of at most `limit` characters.

    Every post starts with `prefix` (e.g. "@asker "); the first one ends with
    `first_suffix` (e.g. hashtags). `reserved` counts characters spent elsewhere in
    each post (a content warning). Several posts are numbered "(1/3)".
    """
    body = body.strip()
    room = limit - reserved
    whole = f"{prefix}{body}{first_suffix}"
    if weighted_length(whole) <= room:
        return [whole]
    guess = 9
    while True:
        marker = len(f"\n({guess}/{guess})")
        budget = max(MIN_CHUNK, room - len(prefix) - marker)
        first_budget = max(MIN_CHUNK, budget - len(first_suffix))
        chunks = _chunks(body, first_budget, budget)
        if len(chunks) <= guess:
            break
        guess = guess * 10 + 9
    total = len(chunks)
    return [
        f"{prefix}{chunk}{first_suffix if number == 1 else ''}\n({number}/{total})"
        for number, chunk in enumerate(chunks, 1)
    ]


def _chunks(text: str, first_budget: int, budget: int) -> list[str]:
    chunks: list[str] = []
    rest = text
    while rest:
        size = first_budget if not chunks else budget
        if weighted_length(rest) <= size:
            chunks.append(rest)
            break
        cut = _cut_point(rest, size)
        chunk, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if chunk:
            chunks.append(chunk)
    return chunks


def _cut_point(text: str, size: int) -> int:
    """Where to end the next chunk: the best boundary at most `size` long."""
    end = min(len(text), size)
    while end > 1 and weighted_length(text[:end]) > size:
        end -= max(1, weighted_length(text[:end]) - size)
    floor = end // 3
    for separator in ("\n\n", "\n"):
        position = text.rfind(separator, floor, end)
        if position > 0:
            return position
    sentence_ends = [m.end() - 1 for m in _SENTENCE_END.finditer(text, floor, end + 1)]
    if sentence_ends:
        return sentence_ends[-1]
    space = text.rfind(" ", 1, end + 1)
    if space > 0:
        return space
    return max(1, end)
