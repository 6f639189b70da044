"""HTML → text, mention stripping, Markdown → plain text, threads cut at the limit."""

from __future__ import annotations

import re

import pytest

from bot.transports.mastodon.shaping import (
    html_to_text,
    markdown_to_plain,
    split_thread,
    strip_leading_mentions,
    weighted_length,
)
from tests.unit.mastodon.cassettes import find

REAL_MENTION = (
    '<p><span class="h-card" translate="no"><a href="http://localhost:3000/@relais" '
    'class="u-url mention">@<span>relais</span></a></span> !droit caf</p>'
)


def test_real_mention_html_becomes_the_command() -> None:
    assert strip_leading_mentions(html_to_text(REAL_MENTION)) == "!droit caf"


def test_recorded_reply_content() -> None:
    reply = find("test_status_reply.yaml", "POST", "/api/v1/statuses")[1].json()
    text = html_to_text(reply["content"])
    assert text.startswith("@mastodonpy_test_2")
    assert strip_leading_mentions(text) == "same!"


def test_paragraphs_line_breaks_entities_and_hidden_link_parts() -> None:
    html = (
        "<p>Bonjour &amp; merci&nbsp;!<br>Ligne 2<br/>Ligne 3</p>"
        '<p>Voir <a href="https://exemple.org/tres/long"><span class="invisible">https://'
        '</span><span class="ellipsis">exemple.org/tres</span><span class="invisible">/long'
        "</span></a></p><ul><li>un</li><li>deux</li></ul>"
    )
    assert html_to_text(html) == (
        "Bonjour & merci !\nLigne 2\nLigne 3\n\nVoir https://exemple.org/tres/long\n\n- un\n- deux"
    )


def test_mock_style_plain_mentions_and_several_of_them() -> None:
    assert strip_leading_mentions("@relais @alice@autre.example, !agenda") == "!agenda"
    assert strip_leading_mentions("@relais: bonjour") == "bonjour"
    # Only leading mentions go; an address inside the text stays.
    assert strip_leading_mentions("@relais écrire à @alice demain") == "écrire à @alice demain"
    assert strip_leading_mentions("courriel a@b.fr") == "courriel a@b.fr"
    assert strip_leading_mentions("@relais") == ""


def test_markdown_becomes_readable_plain_text() -> None:
    text = (
        "## Vos droits\n\n**Important** : la *CAF* doit répondre.\n"
        "* premier point\n- second point\n1. étape\n"
        "Voir [le site](https://caf.fr) ou https://caf.fr/aide et `!droit caf`.\n"
        "Un nom_avec_soulignés reste tel quel."
    )
    assert markdown_to_plain(text) == (
        "Vos droits\n\nImportant : la CAF doit répondre.\n"
        "- premier point\n- second point\n1. étape\n"
        "Voir le site (https://caf.fr) ou https://caf.fr/aide et !droit caf.\n"
        "Un nom_avec_soulignés reste tel quel."
    )


def test_links_count_at_least_23_characters() -> None:
    assert weighted_length("voir http://a.fr") == len("voir ") + 23
    long_url = "https://exemple.org/" + "x" * 60
    assert weighted_length(long_url) == len(long_url)


def test_short_text_is_one_post_with_prefix_and_suffix() -> None:
    assert split_thread("Bonjour", 500, prefix="@bob ", first_suffix="\n\n#Tag") == [
        "@bob Bonjour\n\n#Tag"
    ]


def _paragraphs(count: int, words: int) -> str:
    return "\n\n".join(" ".join(f"mot{p}x{w}" for w in range(words)) + "." for p in range(count))


@pytest.mark.parametrize("limit", [100, 200, 500])
def test_long_text_is_a_numbered_thread_within_the_limit(limit: int) -> None:
    body = _paragraphs(6, 25)
    parts = split_thread(body, limit, prefix="@alice ", first_suffix="\n\n#Rassemblement")
    total = len(parts)
    assert total > 1
    for number, part in enumerate(parts, 1):
        assert weighted_length(part) <= limit
        assert part.startswith("@alice ")
        assert part.endswith(f"\n({number}/{total})")
    assert "#Rassemblement" in parts[0]
    assert all("#Rassemblement" not in p for p in parts[1:])
    # Nothing lost, nothing duplicated, no word cut in two.
    words = re.findall(r"mot\d+x\d+", " ".join(parts))
    assert words == re.findall(r"mot\d+x\d+", body)


def test_cuts_prefer_paragraphs_then_sentences() -> None:
    first = "Un premier paragraphe, assez long pour valoir un message."
    body = f"{first}\n\nDeuxième paragraphe. " + "Encore une phrase. " * 8
    parts = split_thread(body.strip(), 120)
    assert parts[0] == f"{first}\n(1/{len(parts)})"
    for part in parts[1:]:
        assert part.split("\n(")[0].endswith(".")


def test_a_tiny_first_paragraph_is_not_a_post_on_its_own() -> None:
    body = "Court.\n\n" + "Une phrase de plus. " * 10
    parts = split_thread(body.strip(), 120)
    assert parts[0].startswith("Court.\n\nUne phrase de plus.")


def test_content_warning_length_is_reserved() -> None:
    body = "a " * 245  # 489 characters once stripped
    assert len(split_thread(body, 500)) == 1
    parts = split_thread(body, 500, reserved=len("Attention : police"))
    assert len(parts) == 2
    assert all(len(p) + len("Attention : police") <= 500 for p in parts)


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    parts = split_thread("x" * 250, 100)
    assert all(len(p) <= 100 for p in parts)
    assert "".join(p.split("\n(")[0] for p in parts) == "x" * 250


def test_many_parts_get_wide_enough_numbers() -> None:
    parts = split_thread(_paragraphs(40, 12), 100)
    assert len(parts) >= 10
    assert parts[-1].endswith(f"({len(parts)}/{len(parts)})")
    assert all(weighted_length(p) <= 100 for p in parts)
