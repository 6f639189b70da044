"""The light Markdown renderer of Matrix messages: each construct, and hostile input."""

from __future__ import annotations

import re
import time

import pytest

from bot.french import escape_markdown
from bot.transports.matrix.markup import ALLOWED_TAGS, render

TAG = re.compile(r"<(/?)([a-z0-9]+)((?: [a-z]+=\"[^\"]*\")*)>")


def tags_of(rendered: str) -> list[tuple[str, str]]:
    """Every tag, checking that nothing else in the HTML looks like one."""
    found = [(m[2], m[3]) for m in TAG.finditer(rendered)]
    assert "<" not in TAG.sub("", rendered), rendered
    return found


def assert_safe(rendered: str) -> None:
    for name, attributes in tags_of(rendered):
        assert name in ALLOWED_TAGS, rendered
        names = re.findall(r" ([a-z]+)=", attributes)
        allowed = {"a": ["href", "rel"], "ol": ["start"]}.get(name, [])
        assert set(names) <= set(allowed), rendered
        if name == "a" and attributes:
            assert attributes.endswith(' rel="noopener"'), rendered
            assert re.match(r' href="(https?://|mailto:|tel:|matrix:)', attributes), rendered


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("un\ndeux\n\ntrois", "<p>un<br>\ndeux</p>\n<p>trois</p>"),
        ("fin  \nligne", "<p>fin<br>\nligne</p>"),
        ("**gras** et __gras__", "<p><strong>gras</strong> et <strong>gras</strong></p>"),
        ("*it* et _it_", "<p><em>it</em> et <em>it</em></p>"),
        ("***les deux***", "<p><strong><em>les deux</em></strong></p>"),
        ("**a *b* c**", "<p><strong>a <em>b</em> c</strong></p>"),
        ("**sur\ndeux lignes**", "<p><strong>sur<br>\ndeux lignes</strong></p>"),
        ("snake_case_word, 5 * 3 * 2", "<p>snake_case_word, 5 * 3 * 2</p>"),
        ("- un\n- deux", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"),
        ("* un\n+ deux", "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"),
        ("1. un\n2. deux", "<ol>\n<li>un</li>\n<li>deux</li>\n</ol>"),
        ("3. trois\n4. quatre", '<ol start="3">\n<li>trois</li>\n<li>quatre</li>\n</ol>'),
        ("Titre :\n- un", "<p>Titre :</p>\n<ul>\n<li>un</li>\n</ul>"),
        ("- un\nsuite", "<ul>\n<li>un<br>\nsuite</li>\n</ul>"),
        ("1. un\n- deux", "<ol>\n<li>un<br>\n- deux</li>\n</ol>"),
        (
            "- un\n\n- deux",
            "<ul>\n<li>\n<p>un</p>\n</li>\n<li>\n<p>deux</p>\n</li>\n</ul>",
        ),
        (
            "- un\n    - sous\n- deux",
            "<ul>\n<li>un<ul>\n<li>sous</li>\n</ul></li>\n<li>deux</li>\n</ul>",
        ),
        ("1) un\n2) deux", "<p>1) un<br>\n2) deux</p>"),
        ("# Titre\n## Sous-titre #", "<h1>Titre</h1>\n<h2>Sous-titre</h2>"),
        ("#hashtag", "<p>#hashtag</p>"),
        ("avant\n---\naprès", "<p>avant</p>\n<hr>\n<p>après</p>"),
        ("`code` et ``a`b``", "<p><code>code</code> et <code>a`b</code></p>"),
        ("    bloc\n    de code", "<pre><code>bloc\nde code\n</code></pre>"),
        (
            "[le site](https://example.org/a_b?x=1&y=2)",
            '<p><a href="https://example.org/a_b?x=1&amp;y=2" rel="noopener">le site</a></p>',
        ),
        (
            '[**lien**](https://fr.wikipedia.org/wiki/Loi_(France) "titre")',
            '<p><a href="https://fr.wikipedia.org/wiki/Loi_(France)" rel="noopener">'
            "<strong>lien</strong></a></p>",
        ),
        (
            "[écrire](mailto:a@b.fr) [appeler](tel:+33123) [salon](matrix:r/x:y.org)",
            '<p><a href="mailto:a@b.fr" rel="noopener">écrire</a> '
            '<a href="tel:+33123" rel="noopener">appeler</a> '
            '<a href="matrix:r/x:y.org" rel="noopener">salon</a></p>',
        ),
        ("https://example.org/x_y_", "<p>https://example.org/x_y_</p>"),
        ("> citation", "<p>&gt; citation</p>"),
        ("\\*pas\\* \\_it\\_ \\[x\\](y) \\| \\~", "<p>*pas* _it_ [x](y) | ~</p>"),
        ("", ""),
        ("\n\n  \n", ""),
    ],
)
def test_each_construct(text: str, expected: str) -> None:
    assert render(text) == expected
    assert_safe(render(text))


def test_french_punctuation_and_non_breaking_spaces_are_untouched() -> None:
    text = "« Ça marche\u00a0! » l'été\u202f; coût : 3 € – voilà… ‹ ok › “oui”"
    assert render(text) == f"<p>{text}</p>"


def test_text_escaped_by_the_bot_comes_back_as_typed() -> None:
    typed = "**pas gras** [lien](https://x.org) _non_ `non` #1 - 2. 3! a|b ~c~ \\o/"
    assert render(escape_markdown(typed)) == f"<p>{typed}</p>"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](//evil.example)",
        '[x](https://ok.example/"onmouseover=alert(1))',
        "[x](https://ok.example/ onmouseover=alert(1))",
        "[<b>x</b>](https://ok.example)",
        "[x](https://ok.example/<script>)",
        "**gras `code** fin`",
        "**a _b** c_",
        "**un",
        "***",
        "`",
        "\\",
        "- <li>\n1. </ol>",
        "# <h1>",
        "&lt; &amp; &#60; &#x3C;",
        "\x00\x1b[31m\u202e\u200b\ufeff",
    ],
)
def test_hostile_input_stays_text(text: str) -> None:
    rendered = render(text)
    assert_safe(rendered)
    assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "javascript" not in rendered.lower() or "href" not in rendered


def test_an_unsafe_link_is_shown_as_typed() -> None:
    assert render("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"
    assert render("[x](data:,hi)") == "<p>[x](data:,hi)</p>"


def test_unbalanced_and_overlapping_emphasis_never_crosses_tags() -> None:
    assert render("**a _b** c_") == "<p><strong>a _b</strong> c_</p>"
    assert render("**un") == "<p>**un</p>"
    assert render("***a**") == "<p>*<strong>a</strong></p>"
    assert render("a**b**c") == "<p>a<strong>b</strong>c</p>"


WORST_CASES = {
    "a 10 000-character line": "x" * 10_000,
    "10 000 stars": "*" * 10_000,
    "alternating stars and underscores": "*a _b " * 5_000,
    "5 000 openers then closers": "**a " * 5_000 + "b** " * 5_000,
    "5 000 nested list markers": "- " * 5_000 + "x",
    "5 000 nested indented items": "\n".join(" " * (4 * i) + "- x" for i in range(500)),
    "5 000 nested quotes": "> " * 5_000 + "x",
    "5 000 lines of quotes": "\n".join(">" * i for i in range(1, 300)),
    "backtick runs of growing length": " ".join("`" * i for i in range(1, 400)),
    "unclosed links": "[a](https://x.org/" * 5_000,
    "unclosed link labels": "[" * 10_000 + "](",
    "nested parentheses": "[a](" + "(" * 10_000 + ")" * 10_000,
    "escapes": "\\*" * 10_000,
    "64 KB of words": "caf " * 16_384,
    "spaces then a hash": "# " + " " * 10_000 + "#x",
    "a long rule": "- " * 10_000 + "x\n" + "-" * 10_000,
}


@pytest.mark.parametrize("name", WORST_CASES)
def test_hostile_input_renders_in_linear_time(name: str) -> None:
    """A bound against pathological growth: each of these takes a few milliseconds."""
    text = WORST_CASES[name]
    started = time.perf_counter()
    rendered = render(text)
    spent = time.perf_counter() - started
    assert_safe(rendered)
    assert spent < 0.25, f"{name}: {spent * 1000:.0f} ms"
