"""Search: French analysis, hand-picked questions, and the quality gate on the evaluation set."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.droit.analysis import stem, terms, words
from commands.droit.answers import plain_answer
from commands.droit.base import KnowledgeBase
from commands.droit.evaluation import evaluate, load_questions
from commands.droit.search import Level

ROOT = Path(__file__).resolve().parents[3]
EVAL = Path(__file__).with_name("eval_questions.yaml")

# Targets from issue 4, raised by issue 12 on the enlarged set (292 questions, of which 78
# written by a separate helper who saw neither the topics nor their keywords).
TOP1_TARGET = 0.93
TOP3_TARGET = 0.99
OUT_OF_SCOPE_FALSE_TARGET = 0.10


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase.open(ROOT / "content")


# -- analysis ------------------------------------------------------------------------
def test_words_drop_case_accents_and_elisions() -> None:
    assert words("L'Hôpital m’a REFUSÉ l aise qu'il") == ["hopital", "a", "refuse", "aise", "il"]


def test_stemming_meets_plural_gender_and_verb_forms() -> None:
    assert stem("allocations") == stem("allocation") == stem("allocs")[:5]
    assert stem("contester") == stem("contestation") == stem("conteste")
    assert stem("medicaux") == stem("medical")
    assert stem("donnees") == stem("donnee") != stem("donner")


def test_synonyms_and_slang_become_the_words_topics_use() -> None:
    assert terms("pôle emploi") == terms("France Travail")
    assert terms("les keufs") == terms("la police")
    assert terms("la préf") == terms("préfecture")
    assert terms("la sécu") == terms("sécurité sociale")
    assert terms("VSA") == terms("vidéosurveillance algorithmique")


def test_capitals_keep_an_acronym_that_looks_like_a_function_word() -> None:
    assert terms("mes droits") == terms("droits")
    assert "mes" in terms("MES", keep=frozenset({"mes"}))


# -- hand-picked questions -------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("la caf m'a coupé mes allocs", "caf"),
        ("fermer mon espace santé", "mon-espace-sante"),
        ("FERMER MON ESPACE SANTE", "mon-espace-sante"),
        ("suis-je fiché s", "fichiers-police"),
        ("pôle emploi m'a radié", "france-travail"),
        ("rdv préf impossible pour mon titre", "titre-de-sejour"),
        ("c koi la VSA", "videosurveillance"),
        ("c koi le rgpd", "donnees-personnelles"),
        ("amande forfaitaire", "amende-forfaitaire"),  # typo
        ("jveu mon dossié medical", "dossier-medical"),  # SMS spelling and typo
        ("supprimer monespacesante", "mon-espace-sante"),  # glued words
        ("referé liberter", "recours-urgence"),
        ("défenseure des droits", "defenseur-des-droits"),
        ("l'amende forfaitaire délictuelle", "amende-forfaitaire"),
        # Closing one's health record means Mon Espace Santé (the DMP), not getting one's file.
        ("comment fermer mon dossier medical", "mon-espace-sante"),
        ("fermer mon dossier médical partagé", "mon-espace-sante"),
        ("je veux récupérer mon dossier médical", "dossier-medical"),
    ],
)
def test_questions_find_their_topic_first(
    base: KnowledgeBase, question: str, expected: str
) -> None:
    result = base.search(question)
    assert result.best is not None
    assert result.best.topic_id == expected


def test_an_exact_topic_name_is_a_sure_answer(base: KnowledgeBase) -> None:
    result = base.search("France Travail")
    assert result.level is Level.SURE
    assert result.hits[0].score == 1.0


def test_an_ambiguous_word_offers_the_closest_topics(base: KnowledgeBase) -> None:
    result = base.search("sécu")
    assert result.level is Level.UNSURE
    assert len(result.hits) == 3
    assert {h.topic_id for h in result.hits} <= {
        "mon-espace-sante",
        "donnees-sante",
        "dossier-medical",
    }


@pytest.mark.parametrize(
    "question", ["", "   ", "merci", "bonjour", "ok", "recette de la tarte aux pommes"]
)
def test_small_talk_and_other_subjects_find_nothing(base: KnowledgeBase, question: str) -> None:
    result = base.search(question)
    assert result.level is Level.NONE
    assert result.hits == ()


def test_results_are_at_most_three_best_first(base: KnowledgeBase) -> None:
    result = base.search("contester une décision de la caf prise par un algorithme")
    scores = [h.score for h in result.hits]
    assert 1 <= len(scores) <= 3
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)


# -- quality gate ------------------------------------------------------------------------
def test_quality_targets_on_the_full_evaluation_set(base: KnowledgeBase) -> None:
    questions = load_questions(EVAL)
    assert len(questions) >= 290
    metrics = evaluate(questions, base.search)
    misses = "\n".join(f"{m.expected}: {m.got} <- {m.text}" for m in metrics.misses)
    assert metrics.top1_rate >= TOP1_TARGET, misses
    assert metrics.top3_rate >= TOP3_TARGET, misses
    assert metrics.false_answer_rate <= OUT_OF_SCOPE_FALSE_TARGET, misses


def test_an_empty_knowledge_base_answers_nothing(tmp_path: Path) -> None:
    empty = KnowledgeBase.open(tmp_path)
    assert empty.content.topics == ()
    assert empty.search("la caf m'a coupé mes allocs").level is Level.NONE


def test_plain_answer_for_mastodon_fits_its_budget(base: KnowledgeBase) -> None:
    sure = plain_answer(base, "fermer mon espace santé", budget=500)
    assert len(sure) <= 500
    assert sure.endswith("!droit mon-espace-sante")
    unsure = plain_answer(base, "sécu", budget=500)
    assert unsure.startswith("Je ne suis pas sûr") and len(unsure) <= 500
    assert plain_answer(base, "bonjour").startswith("Je n'ai pas de fiche")
