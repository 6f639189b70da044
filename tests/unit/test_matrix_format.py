"""Matrix formatting: one reused Markdown converter and a cache must not change output."""

from __future__ import annotations

from bot.transports.matrix.format import message_content, to_html


def test_a_reference_defined_in_one_text_does_not_leak_into_the_next() -> None:
    first = to_html("voir [le guide][g]\n\n[g]: https://example.org/guide")
    assert 'href="https://example.org/guide"' in first
    # The converter is reused: its reference table must be empty again.
    assert "href" not in to_html("et [celui-ci][g] ?")


def test_the_same_text_gives_the_same_html_every_time() -> None:
    text = "**Aide**\n- un\n- deux\n\n1. trois\n\n<question> & [lien](https://example.org)"
    first = to_html(text)
    assert first == to_html(text) == message_content(text)["formatted_body"]
    assert "&lt;question&gt;" in first
    assert first.count("<li>") == 3


def test_unsafe_links_are_dropped_from_cached_and_fresh_renderings() -> None:
    for _ in range(2):
        assert "javascript" not in to_html("[x](javascript:alert(1))")
