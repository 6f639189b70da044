"""Ranking topics for a question written in a hurry: typos, slang, no accents, long stories.

Score of a topic = BM25F over its weighted fields (title, keywords, text), plus a bonus
when a whole keyword phrase appears in the question. Unknown words are corrected against
the index vocabulary (glued elisions and words, then edit distance with rapidfuzz).
Confidence combines the score, how much of the question the topic explains, and the gap
with the next topic; below a floor nothing is returned.
"""

from __future__ import annotations

import bisect
import enum
import math
from dataclasses import dataclass

from commands.droit.analysis import acronyms, words
from commands.droit.index import SearchIndex, exact_key
from commands.droit.lexicon import STOPWORDS

MAX_RESULTS = 3
FUZZY_WEIGHT = 0.75
PREFIX_WEIGHT = 0.6
PHRASE_BONUS = 0.6  # per extra term of a keyword phrase found whole in the question
EXACT_BONUS = 6.0
# Confidence (0..1). Nothing is returned when the best topic is below FLOOR; the other
# topics are listed from SECOND_FLOOR. The bot answers directly at SURE and above, when
# the next topic is not nearly as good (AMBIGUOUS); otherwise it offers the choices.
FLOOR = 0.38
SECOND_FLOOR = 0.25
SURE = 0.5
AMBIGUOUS = 0.9
CONFIDENCE_SCALE = 6.0


class Level(enum.Enum):
    SURE = "sure"  # answer with the best topic
    UNSURE = "unsure"  # say so, offer the closest topics
    NONE = "none"  # nothing we cover


@dataclass(frozen=True)
class Hit:
    topic_id: str
    score: float  # confidence, 0..1


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]  # best first, at most MAX_RESULTS, all above the floor
    level: Level
    # The closest topics, even weak ones, for "not sure: did you mean…" (empty for NONE).
    closest: tuple[Hit, ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


@dataclass(frozen=True)
class _Term:
    term: str
    matches: tuple[tuple[str, float], ...]  # (index term, quality 0..1)
    weight: float  # idf of the word asked (its best match), or unseen idf


def search(index: SearchIndex, question: str) -> SearchResult:
    """Best topics for `question`, with a calibrated confidence."""
    raw = exact_key(question)
    if not raw:
        return SearchResult((), Level.NONE)
    scores = [0.0] * len(index.topic_ids)
    explained = [0.0] * len(index.topic_ids)
    query = _query_terms(index, question)
    exact = index.exact.get(raw) or index.exact_terms.get(frozenset(t.term for t in query), set())
    for position in exact:
        # A keyword two topics share ("cnil") helps both; the text decides between them.
        scores[position] += EXACT_BONUS / len(exact)
    total = sum(t.weight for t in query)
    for item in query:
        best_for_topic: dict[int, float] = {}
        for term, quality in item.matches:
            idf = index.idf[term]
            for position, saturated in index.postings[term].items():
                value = idf * saturated * quality
                if value > best_for_topic.get(position, 0.0):
                    best_for_topic[position] = value
        for position, value in best_for_topic.items():
            scores[position] += value
            explained[position] += item.weight * min(1.0, value / max(item.weight, 1e-9))
    if index.options.phrases:
        _phrase_bonus(index, query, scores)
    ranked = sorted(range(len(scores)), key=lambda p: (-scores[p], index.topic_ids[p]))
    ranked = [p for p in ranked if scores[p] > 0]
    if not ranked:
        return SearchResult((), Level.NONE)
    confidences = [
        _confidence(
            scores[p], explained[p] / total if total else 1.0, len(exact) == 1 and p in exact
        )
        for p in ranked
    ]
    candidates = sorted(zip(confidences, ranked, strict=True), key=lambda item: (-item[0], item[1]))
    if candidates[0][0] < FLOOR:
        return SearchResult((), Level.NONE)
    closest = tuple(Hit(index.topic_ids[p], round(c, 3)) for c, p in candidates[:MAX_RESULTS])
    hits = tuple(h for h in closest if h.score >= SECOND_FLOOR)
    sure = hits[0].score >= SURE and (len(hits) < 2 or hits[1].score < AMBIGUOUS * hits[0].score)
    return SearchResult(hits, Level.SURE if sure else Level.UNSURE, closest)


def _confidence(score: float, coverage: float, exact: bool) -> float:
    """Score discounted when much of the question is left unexplained, mapped to 0..1."""
    if exact:
        return 1.0
    effective = score * (0.55 + 0.45 * coverage)
    return 1 - math.exp(-effective / CONFIDENCE_SCALE)


def _query_terms(index: SearchIndex, question: str) -> list[_Term]:
    keep = acronyms(question)
    tokens = _split_glued(index, words(question))
    found: list[_Term] = []
    seen: set[str] = set()
    for term in index.analyse_words(tokens, keep):
        if term in seen:
            continue
        seen.add(term)
        if term in index.postings:
            found.append(_Term(term, ((term, 1.0),), index.idf[term]))
            continue
        matches = _fuzzy(index, term) if index.options.fuzzy else ()
        weight = max((index.idf[m] for m, _ in matches), default=index.unseen_idf)
        found.append(_Term(term, matches, weight))
    return found


def _split_glued(index: SearchIndex, tokens: list[str]) -> list[str]:
    """Unknown words cut into known ones: "lhopital" → "hopital", "monespacesante"."""
    out: list[str] = []
    for token in tokens:
        if token in index.known_words or len(token) < 4 or not token.isalpha():
            out.append(token)
            continue
        if token[0] in "ldjmtsnc" and token[1:] in index.known_words and len(token) > 4:
            out.append(token[1:])
            continue
        if token.startswith("qu") and token[2:] in index.known_words:
            out.append(token[2:])
            continue
        parts = _segment(token, index.known_words) if len(token) >= 8 else None
        if parts and sum(len(p) >= 4 and p not in STOPWORDS for p in parts) >= 2:
            out.extend(parts)
        else:
            out.append(token)
    return out


def _segment(token: str, known: frozenset[str]) -> list[str] | None:
    """Cut a glued word into known words of 3+ letters (fewest pieces), if possible."""
    best: list[list[str] | None] = [None] * (len(token) + 1)
    best[0] = []
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 20), end - 2):
            head = best[start]
            piece = token[start:end]
            if head is not None and piece in known:
                candidate = [*head, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    result = best[len(token)]
    return result if result and len(result) > 1 else None


def _fuzzy(index: SearchIndex, term: str) -> tuple[tuple[str, float], ...]:
    if len(term) < 5 or not term.isalpha():
        return ()
    limit = 1 if len(term) < 9 else 2
    # Imported at the first misspelt word, not at start: rapidfuzz is 41 modules and
    # ~2.6 MB of memory that most questions never need.
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    found = process.extract(
        term, index.vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=3
    )
    matches = [(str(m), FUZZY_WEIGHT * (1 - d / (len(term) + 1))) for m, d, _ in found]
    if not matches:
        matches = [(v, PREFIX_WEIGHT) for v in _prefix_matches(index, term)][:3]
    return tuple(matches)


def _prefix_matches(index: SearchIndex, term: str) -> list[str]:
    """Index terms that start with `term`, or that `term` starts with, of similar length."""
    found = []
    vocabulary = index.vocabulary
    at = bisect.bisect_left(vocabulary, term)
    while at < len(vocabulary) and vocabulary[at].startswith(term):
        found.append(vocabulary[at])
        at += 1
    found += [term[:size] for size in range(5, len(term)) if term[:size] in index.postings]
    return [v for v in found if min(len(v), len(term)) >= 0.7 * max(len(v), len(term))]


def _phrase_bonus(index: SearchIndex, query: list[_Term], scores: list[float]) -> None:
    """Reward a keyword, id or title phrase found whole, in order, in the question."""
    asked = [{m for m, _ in t.matches} for t in query]
    rewarded: set[tuple[tuple[str, ...], int]] = set()
    for start, options in enumerate(asked):
        for first in options:
            for phrase, position, factor in index.phrases_by_first.get(first, ()):
                size = len(phrase)
                if (phrase, position) in rewarded or start + size > len(asked):
                    continue
                if all(phrase[k] in asked[start + k] for k in range(1, size)):
                    weight = sum(index.idf[term] for term in phrase)
                    scores[position] += factor * PHRASE_BONUS * (1.0 + weight)
                    rewarded.add((phrase, position))
