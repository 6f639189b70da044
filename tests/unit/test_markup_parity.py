"""Our own texts render as they did with Python-Markdown and nh3 (the renderer we replaced).

Real content and real replies, no mocks: every rights fiche (as `!droit <id>` and its
sources), every letter template, every command's help, the replies to each command typed
bare, and every text constant of the features. Each one goes through the old pipeline
(kept here, in the test only: `markdown` and `nh3` are test extras) and through
`bot.transports.matrix.markup`, and the HTML must match after a light normalisation:
nh3 re-serialised through html5ever (`<br>`, `&nbsp;`, whitespace between tags).
"""

from __future__ import annotations

import html
import re
import types
from collections.abc import AsyncIterator, Iterator
from importlib import import_module
from pathlib import Path

import pytest

from bot.app import App
from bot.message import Role
from bot.transports.matrix.markup import render
from commands.droit import render as droit_render
from commands.droit.loader import read_content
from commands.temoignage import texts as temoignage_texts
from tests.helpers import RecordingTransport, command_lines, message, running_app

markdown = pytest.importorskip("markdown")
nh3 = pytest.importorskip("nh3")

ROOT = Path(__file__).resolve().parents[2]
TEXT_MODULES = (
    "bot.texts",
    "bot.assistant.texts",
    "bot.transports.matrix.texts",
    "bot.transports.mastodon.texts",
    "bot.transports.console.texts",
    *(f"commands.{name}.texts" for name in ("agenda", "aide", "annonce", "appel", "droit")),
    *(f"commands.{name}.texts" for name in ("lettre", "temoignage")),
)

# Texts that render differently on purpose, and why.
INTENTIONAL = {
    # Between two "----------" rules, a one-line testimony was a setext heading (<h2>) for
    # Python-Markdown; setext headings are not supported: it is a paragraph between rules.
    temoignage_texts.PREVIEW,
}

# --- The old pipeline, as bot/transports/matrix/format.py had it -------------------------

_OLD_LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_OLD_TAGS = {
    "a", "b", "strong", "i", "em", "u", "del", "s", "p", "br", "ul", "ol", "li",
    "code", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "sup", "sub",
}  # fmt: skip


def _spaced_lists(text: str) -> str:
    out: list[str] = []
    previous = ""
    for line in text.split("\n"):
        if _OLD_LIST_LINE.match(line) and previous.strip() and not _OLD_LIST_LINE.match(previous):
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


def old_html(text: str) -> str:
    converter = markdown.Markdown(extensions=["nl2br", "sane_lists"], output_format="html")
    rendered = converter.convert(_spaced_lists(html.escape(text, quote=False)))
    return str(
        nh3.clean(
            rendered,
            tags=_OLD_TAGS,
            attributes={"a": {"href"}, "ol": {"start"}},
            url_schemes={"https", "http", "mailto", "tel", "matrix"},
            link_rel="noopener",
        )
    ).strip()


def normalised(rendered: str) -> str:
    """What a client displays alike: html5ever's `<br>` and `&nbsp;`, spacing between tags."""
    rendered = rendered.replace("<br />", "<br>").replace("&nbsp;", "\u00a0")
    return re.sub(r">[ \t]*\n\s*<", "><", rendered).strip()


# --- The texts ---------------------------------------------------------------------------


def content_texts() -> Iterator[tuple[str, str]]:
    content = read_content(ROOT / "content").content
    for topic in content.topics:
        yield f"droit {topic.id}", droit_render.topic_markdown(topic, see_also=content.topics[:2])
        yield f"sources {topic.id}", droit_render.sources_markdown(topic)
    yield "suggestions", droit_render.suggestions(content.topics[:5])
    for template in content.templates:
        yield f"modele {template.id}", template.body


def constant_texts() -> Iterator[tuple[str, str]]:
    for name in TEXT_MODULES:
        module: types.ModuleType = import_module(name)
        for attribute, value in vars(module).items():
            values = value if isinstance(value, tuple) else (value,)
            for i, text in enumerate(values):
                if isinstance(text, str) and not attribute.startswith("__"):
                    yield f"{name}.{attribute}[{i}]", text


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = {
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
        "organisers": {"matrix": ["@orga:example.org"]},
    }
    async with running_app(tmp_path / "data", settings) as running:
        yield running


async def reply_texts(app: App) -> list[tuple[str, str]]:
    transport = app.services.outbox._transports["test"]
    assert isinstance(transport, RecordingTransport)
    content = read_content(ROOT / "content").content
    typed = [
        *(each for line in command_lines(app) for each in (line, f"!aide {line[1:]}")),
        "!aide",
        "!orga 72",
        "!orga caf",
        "!droit caf algorithme",
    ]
    typed += [f"!droit {topic.id}" for topic in content.topics]
    typed += [f"!modele {template.id}" for template in content.templates]
    found: list[tuple[str, str]] = []
    for line in typed:
        for who, role in (
            ("@alice:example.org", Role.MEMBER),
            ("@orga:example.org", Role.ORGANISER),
        ):
            before = len(transport.sent)
            msg = message(line, sender=who, role=role, direct=True)
            await app.router.handle(msg)
            assert await app.services.outbox.drain(10)
            await app.services.conversations.end(msg)
            found += [(f"{line} ({role.name})", item.text) for item in transport.sent[before:]]
    return found


async def test_our_texts_render_as_with_python_markdown_and_nh3(app: App) -> None:
    texts = [*content_texts(), *constant_texts(), *await reply_texts(app)]
    unique = dict((text, where) for where, text in reversed(texts))
    different = [
        (where, text)
        for text, where in unique.items()
        if text not in INTENTIONAL and normalised(render(text)) != normalised(old_html(text))
    ]
    assert len(unique) > 700
    assert not different, "\n\n".join(
        f"{where}\n{text!r}\nold {old_html(text)!r}\nnew {render(text)!r}"
        for where, text in different[:5]
    )
