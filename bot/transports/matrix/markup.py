"""Our light Markdown as Matrix HTML (`formatted_body`), safe by construction.

Supported, because our texts or the people typing to the bot use it:

- paragraphs (a blank line) and line breaks (every single newline is a `<br>`);
- `**strong**`, `__strong__`, `*em*`, `_em_` (not inside words), `***both***`;
- bullet lists (`-`, `*`, `+`) and numbered lists (`1.`, with `start` when not 1), one
  level of nesting per 4 spaces of indentation (at most three levels); a list may follow
  a line of text directly, as chat texts do;
- `[text](url)` links, for https, http, mailto, tel and matrix URLs only;
- `` `code` `` spans, 4-space indented code blocks, `# headings` (with a space after the
  hashes), and `---` / `***` / `___` rules;
- backslash escapes (`\\*` is a star), for every character `bot.french.escape_markdown`
  escapes.

Anything else stays literal text: HTML, `> quotes`, `<https://…>`, images, reference
links, setext headings. Every piece of text goes through `html.escape` before any tag is
added, and only the tags above are ever written, so hostile input stays text. Text nodes
are escaped with `quote=False` (quotes need no escaping outside attributes, and French
texts are full of apostrophes); the one attribute carrying input, `href`, never contains
a double quote. Every construct is recognised in linear time: no regular expression here
can backtrack over more than one line's run of spaces, and delimiters are paired with
stacks.

Why not Python-Markdown and nh3, which rendered these texts before: for one function
whose input is a few hundred characters, they cost the started bot 2.6 MB of resident
memory and 21 modules (68.7 -> 66.1 MB, `python -m bench startup`; importing this
module's caller alone: 19.6 -> 13.8 MB, 179 -> 95 modules). Rendering is also 5 to 6
times faster (a rights fiche: 1.16 ms -> 0.20 ms).
The texts still render as they did: tests/unit/test_markup_parity.py compares both on
every rights fiche, help text and reply of the bot.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# The only tags written here, all among those the Matrix spec suggests clients render.
ALLOWED_TAGS = frozenset(
    {"a", "strong", "em", "p", "br", "ul", "ol", "li", "code", "pre", "hr"}
    | {f"h{level}" for level in range(1, 7)}
)
SAFE_URL_PREFIXES = ("https://", "http://", "mailto:", "tel:", "matrix:")
MAX_NESTING = 3  # list levels; deeper indentation is continuation text

# What Python-Markdown needed a blank line before (our texts put lists right under a line
# of text); kept as is, so a list line after a continued item starts a new, loose block.
_LIST_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_BULLET = re.compile(r"^ {0,3}[*+-] +(.*)$")
_NUMBERED = re.compile(r"^ {0,3}(\d+)\. +(.*)$")
_NESTED_ITEM = re.compile(r"^ {4,7}(?:\d+\.|[*+-]) +")
_HEADING = re.compile(r"^(#{1,6})(?: +(.*))?$")
_INDENT = "    "
_ESCAPABLE = "\\`*_{}[]()#+-.!|~"
_BACKTICKS = re.compile(r"`+")
_INLINE = re.compile(
    r"\\(?P<escaped>[\\`*_{}\[\]()#+\-.!|~])"
    r"|\[(?P<label>[^\[\]\n]+)\]\(\s*(?P<url>(?:[^\s()\[\]\"]|\([^\s()\[\]\"]*\))+)"
    r"(?:\s+\"[^\"\n]*\")?\s*\)"
    r"|(?P<delimiter>\*+|_+)"
)
_EMPHASIS = {
    1: ("<em>", "</em>"),
    2: ("<strong>", "</strong>"),
    3: ("<strong><em>", "</em></strong>"),
}


def render(text: str) -> str:
    """The HTML of a light Markdown text: blocks separated by newlines, no outer spaces."""
    source = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=False)
    return _render_blocks(source.split("\n"), depth=0)


# --- Blocks ------------------------------------------------------------------------------


@dataclass
class _Item:
    lines: list[str]
    nested: list[str] = field(default_factory=list)  # lines of a deeper list, dedented
    loose: bool = False  # its text in a <p>, as Python-Markdown did between list blocks


@dataclass
class _List:
    tag: str
    start: int
    items: list[_Item]


@dataclass
class _Leaf:
    tag: str  # p, pre, h1…h6, hr
    lines: list[str]


_Block = _List | _Leaf


def _render_blocks(lines: list[str], depth: int) -> str:
    blocks: list[_Block] = []
    current: _Block | None = None
    previous = ""
    for line in lines:
        if not line.strip():
            current = None
        elif _is_rule(line) or _HEADING.match(line):
            blocks.append(_rule_or_heading(line))
            current = None
        elif current is None or _starts_list_block(line, previous):
            current = _open_block(line, blocks)
        elif not _continue_block(current, line, depth):
            current = _Leaf("p", [line])
            blocks.append(current)
        previous = line
    return "\n".join(_block_html(block, depth) for block in blocks)


def _is_rule(line: str) -> bool:
    body = line.strip()
    if len(line) - len(line.lstrip(" ")) > 3 or "  " in body:
        return False
    marks = body.replace(" ", "")
    return len(marks) >= 3 and marks in ("*" * len(marks), "-" * len(marks), "_" * len(marks))


def _rule_or_heading(line: str) -> _Leaf:
    heading = _HEADING.match(line)
    if heading is None:
        return _Leaf("hr", [])
    title = (heading[2] or "").strip()
    unclosed = title.rstrip("#")
    if unclosed != title and (not unclosed or unclosed.endswith(" ")):
        title = unclosed.rstrip()
    return _Leaf(f"h{len(heading[1])}", [title])


def _starts_list_block(line: str, previous: str) -> bool:
    return bool(_LIST_START.match(line) and previous.strip() and not _LIST_START.match(previous))


def _list_item(line: str) -> tuple[str, int, str] | None:
    """(tag, number, text) when the line starts a list item."""
    if bullet := _BULLET.match(line):
        return "ul", 1, bullet[1]
    if numbered := _NUMBERED.match(line):
        return "ol", int(numbered[1]), numbered[2]
    return None


def _open_block(line: str, blocks: list[_Block]) -> _Block:
    item = _list_item(line)
    if item is None:
        leaf = _Leaf("pre" if line.startswith(_INDENT) else "p", [line])
        blocks.append(leaf)
        return leaf
    tag, number, text = item
    last = blocks[-1] if blocks else None
    if isinstance(last, _List) and last.tag == tag:
        # A list block right after a list of the same kind continues it, loosely.
        last.items[-1].loose = True
        last.items.append(_Item([text], loose=True))
        return last
    started = _List(tag, number, [_Item([text])])
    blocks.append(started)
    return started


def _continue_block(block: _Block, line: str, depth: int) -> bool:
    """Add the line to the open block; False when it starts a new paragraph instead."""
    if isinstance(block, _List):
        _continue_list(block, line, depth)
        return True
    if block.tag == "pre":
        if not line.startswith(_INDENT):
            return False
        block.lines.append(line)
        return True
    block.lines.append(line)
    return True


def _continue_list(block: _List, line: str, depth: int) -> None:
    item = _list_item(line)
    last = block.items[-1]
    if item is not None and item[0] == block.tag:
        block.items.append(_Item([item[2]]))
    elif depth + 1 < MAX_NESTING and (
        _NESTED_ITEM.match(line) or (last.nested and line.startswith(_INDENT))
    ):
        last.nested.append(line.removeprefix(_INDENT))
    elif last.nested:
        last.nested.append(line)
    else:
        last.lines.append(line)


def _block_html(block: _Block, depth: int) -> str:
    if isinstance(block, _List):
        start = f' start="{block.start}"' if block.tag == "ol" and block.start != 1 else ""
        items = "\n".join(_item_html(item, depth) for item in block.items)
        return f"<{block.tag}{start}>\n{items}\n</{block.tag}>"
    if block.tag == "hr":
        return "<hr>"
    if block.tag == "pre":
        code = "\n".join(line.removeprefix(_INDENT) for line in block.lines)
        return f"<pre><code>{code}\n</code></pre>"
    return f"<{block.tag}>{_inline(chr(10).join(block.lines).lstrip())}</{block.tag}>"


def _item_html(item: _Item, depth: int) -> str:
    text = _inline("\n".join(item.lines).lstrip())
    nested = _render_blocks(item.nested, depth + 1) if item.nested else ""
    if item.loose:
        return f"<li>\n<p>{text}</p>\n{nested + chr(10) if nested else ''}</li>"
    return f"<li>{text}{nested}</li>"


# --- Inline ------------------------------------------------------------------------------


@dataclass
class _Delimiter:
    """A run of `*` or `_`: what is left of it is literal text around the tags it got."""

    char: str
    count: int
    can_open: bool
    can_close: bool
    order: int = 0  # place among the tokens, set when pairing
    closing: list[str] = field(default_factory=list)  # innermost first
    opening: list[str] = field(default_factory=list)  # innermost first

    def html(self) -> str:
        return "".join(self.closing) + self.char * self.count + "".join(reversed(self.opening))


_Token = str | _Delimiter


def _inline(source: str) -> str:
    tokens: list[_Token] = []
    position = 0
    for start, end in _code_spans(source):
        tokens += _inline_tokens(source, position, start)
        tokens.append(f"<code>{source[start:end].strip('`').strip()}</code>")
        position = end
    tokens += _inline_tokens(source, position, len(source))
    _pair_delimiters(tokens)
    return "".join(token if isinstance(token, str) else token.html() for token in tokens)


def _code_spans(source: str) -> list[tuple[int, int]]:
    """Backtick runs paired with the next run of the same length, left to right."""
    runs = [
        m.span() for m in _BACKTICKS.finditer(source) if source[m.start() - 1 : m.start()] != "\\"
    ]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    cursors = dict.fromkeys(by_length, 0)
    spans: list[tuple[int, int]] = []
    covered = 0
    for index, (start, end) in enumerate(runs):
        if start < covered:
            continue
        same, length = by_length[end - start], end - start
        while cursors[length] < len(same) and same[cursors[length]] <= index:
            cursors[length] += 1
        if cursors[length] < len(same):
            closing = runs[same[cursors[length]]]
            spans.append((start, closing[1]))
            covered = closing[1]
    return spans


def _inline_tokens(source: str, start: int, end: int) -> list[_Token]:
    tokens: list[_Token] = []
    position = start
    for match in _INLINE.finditer(source, start, end):
        tokens.append(_text(source[position : match.start()]))
        position = match.end()
        if match["escaped"]:
            tokens.append(match["escaped"])
        elif match["label"]:
            tokens.append(_link(match["label"], match["url"], match[0]))
        else:
            tokens.append(_delimiter(source, match.start(), match.end()))
    tokens.append(_text(source[position:end]))
    return tokens


def _text(escaped: str) -> str:
    return escaped.replace("  \n", "\n").replace("\n", "<br>\n")


def _link(label: str, url: str, written: str) -> str:
    if not url.lower().startswith(SAFE_URL_PREFIXES):
        return _text(written)  # javascript:, data:, relative: the text as typed
    href = url.replace('"', "&quot;")
    return f'<a href="{href}" rel="noopener">{_inline(label)}</a>'


def _delimiter(source: str, start: int, end: int) -> _Delimiter:
    before = source[start - 1] if start > 0 else " "
    after = source[end] if end < len(source) else " "
    char = source[start]
    can_open = not after.isspace()
    can_close = not before.isspace()
    if char == "_":  # not inside words: snake_case stays as typed
        can_open = can_open and not _is_word(before)
        can_close = can_close and not _is_word(after)
    return _Delimiter(char, end - start, can_open, can_close)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _pair_delimiters(tokens: list[_Token]) -> None:
    """Each closing run takes the nearest opening run of its character; runs of the other
    character opened in between can no longer close (tags never overlap)."""
    openers: dict[str, list[_Delimiter]] = {"*": [], "_": []}
    for order, token in enumerate(tokens):
        if not isinstance(token, _Delimiter):
            continue
        token.order = order
        if token.can_close:
            _close(token, openers)
        if token.can_open and token.count:
            openers[token.char].append(token)


def _close(closer: _Delimiter, openers: dict[str, list[_Delimiter]]) -> None:
    stack = openers[closer.char]
    other = openers["_" if closer.char == "*" else "*"]
    while closer.count and stack:
        opener = stack[-1]
        while other and other[-1].order > opener.order:
            other.pop()
        both = min(opener.count, closer.count)
        used = 3 if both >= 3 else min(both, 2)
        opening, closing = _EMPHASIS[used]
        opener.opening.append(opening)
        closer.closing.append(closing)
        opener.count -= used
        closer.count -= used
        if not opener.count:
            stack.pop()
