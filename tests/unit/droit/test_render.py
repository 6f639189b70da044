"""Rendering: Markdown for Matrix, plain text within a budget for Mastodon."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.droit.documents import SEED_DOCUMENTS
from commands.droit.loader import read_content
from commands.droit.model import Content
from commands.droit.render import (
    cut_text,
    source_line,
    sources_markdown,
    topic_markdown,
    topic_plain,
    with_prefix,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def content() -> Content:
    return read_content(ROOT / "content").content


def test_markdown_has_every_part_in_order(content: Content) -> None:
    topic = content.topic("mon-espace-sante")
    assert topic is not None
    text = topic_markdown(topic)
    positions = [
        text.index(f"**{topic.titre}**"),
        text.index(topic.resume),
        text.index("**Que faire**"),
        text.index(f"1. {topic.que_faire[0]}"),
        text.index(f"{len(topic.que_faire)}. {topic.que_faire[-1]}"),
        text.index("**Qui contacter**"),
        text.index("tél. 3422"),
        text.index("Vérifié le 30/11/2026."),
        text.index("Pour aller plus loin : !droit mon-espace-sante sources"),
    ]
    assert positions == sorted(positions)


@pytest.mark.parametrize("budget", [280, 500, 1000])
def test_plain_text_fits_the_budget_and_ends_with_the_pointer(
    content: Content, budget: int
) -> None:
    for topic in content.topics:
        text = topic_plain(topic, budget=budget)
        assert len(text) <= budget, topic.id
        assert text.startswith(topic.titre), topic.id
        assert "**" not in text
        last_line = text.splitlines()[-1]
        assert last_line in (
            f"La suite : !droit {topic.id}",
            f"Sources : !droit {topic.id} sources",
        )


def test_plain_text_without_budget_is_complete(content: Content) -> None:
    topic = content.topic("caf")
    assert topic is not None
    text = topic_plain(topic)
    assert all(step in text for step in topic.que_faire)
    assert text.endswith(
        f"Vérifié le {topic.verifie_le:%d/%m/%Y}.\nPour aller plus loin : !droit caf sources"
    )


def test_a_big_budget_keeps_everything(content: Content) -> None:
    topic = content.topic("guichet")
    assert topic is not None
    text = topic_plain(topic, budget=10_000)
    assert text.endswith("Sources : !droit guichet sources")
    assert all(step in text for step in topic.que_faire)


def test_cut_text_prefers_sentences_then_words() -> None:
    text = "Première phrase courte. Deuxième phrase un peu plus longue que la première."
    assert cut_text(text, 40) == "Première phrase courte."
    assert cut_text("un deux trois quatre cinq", 14) == "un deux trois…"
    assert cut_text("court", 10) == "court"


def test_sources_show_legal_basis_and_readable_seed_documents(content: Content) -> None:
    topic = content.topic("mon-espace-sante")
    assert topic is not None
    text = sources_markdown(topic)
    assert "Code de la santé publique, art. L. 1111-13-1" in text
    # A founding document is named by its own title and date, not by file and line.
    assert "(« Le numérique, ce n'est plus du service public », CQFD, 2022)" in text
    assert "(Lettre d'un collectif du Mans, 2022)" in text
    assert "document 003" not in text and "ligne(s)" not in text and ".txt" not in text
    assert text.endswith("Vérifié le 30/11/2026.\nLa fiche : !droit mon-espace-sante")


def test_every_seed_cited_by_the_content_has_a_readable_name(content: Content) -> None:
    for topic in content.topics:
        for source in topic.sources:
            if source.seed:
                assert source.seed in SEED_DOCUMENTS, (topic.id, source.seed)
                assert source.seed not in source_line(source)


def test_another_command_prefix_is_used_in_texts(content: Content) -> None:
    topic = content.topic("guichet")
    assert topic is not None
    text = topic_markdown(topic, prefix="?")
    assert "!droit" not in text
    assert "?droit defenseur-des-droits" in text
    assert with_prefix("voir !modele acces-rgpd", "?") == "voir ?modele acces-rgpd"


def test_see_also_comes_just_before_the_sources_pointer(content: Content) -> None:
    topic, other = content.topic("guichet"), content.topic("papier")
    assert topic is not None and other is not None
    lines = topic_markdown(topic, see_also=[other]).splitlines()
    assert lines[-2:] == [
        "Voir aussi : !droit papier",
        "Pour aller plus loin : !droit guichet sources",
    ]


def test_a_cut_summary_ends_at_a_sentence_not_at_a_bracket() -> None:
    text = (
        "Première phrase assez longue pour compter dans la coupe du résumé. "
        "Si la CAF réclame un trop-perçu (indu) ou coupe une aide, contestez par écrit."
    )
    assert cut_text(text, 110) == (
        "Première phrase assez longue pour compter dans la coupe du résumé."
    )
