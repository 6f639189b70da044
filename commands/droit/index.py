"""The search index over topics, built once per (re)load: weighted terms, phrases, exact keys."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from commands.droit.analysis import LEXICON_WORDS, SYNONYM_TABLE, Synonyms, stem, terms, words
from commands.droit.lexicon import STOPWORDS
from commands.droit.model import Topic


@dataclass(frozen=True)
class SearchOptions:
    """Switches for the analysis steps (the benchmark measures what each one brings)."""

    synonyms: bool = True
    stemming: bool = True
    fuzzy: bool = True
    phrases: bool = True


@dataclass(frozen=True)
class FieldWeights:
    id: float = 3.0
    titre: float = 3.0
    mots_cles: float = 2.5
    resume: float = 1.0
    que_faire: float = 0.6
    base_legale: float = 0.4
    contacts: float = 0.4


BM25_K1 = 1.2
BM25_B = 0.3
NO_SYNONYMS = Synonyms({})
ID_PHRASE_FACTOR = 2.0  # the topic's own name ("defenseur des droits") weighs more
TITLE_PHRASE_FACTOR = 0.5  # two words that follow each other in the title


@dataclass
class SearchIndex:
    topic_ids: tuple[str, ...]
    options: SearchOptions
    synonyms: Synonyms
    # term → {topic position: saturated weight}
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    unseen_idf: float = 0.0
    # (terms of a keyword phrase or of the id, topic position, bonus factor)
    phrases: list[tuple[tuple[str, ...], int, float]] = field(default_factory=list)
    phrases_by_first: dict[str, list[tuple[tuple[str, ...], int, float]]] = field(
        default_factory=dict
    )
    # whole question, normalised → topics that name it exactly (id, title, keyword)
    exact: dict[str, set[int]] = field(default_factory=dict)
    # the same, compared after analysis ("c koi le rgpd" names the keyword "rgpd")
    exact_terms: dict[frozenset[str], set[int]] = field(default_factory=dict)
    vocabulary: tuple[str, ...] = ()
    known_words: frozenset[str] = frozenset()

    def analyse(self, text: str, keep: frozenset[str] = frozenset()) -> list[str]:
        return terms(text, keep=keep, synonyms=self.synonyms, stemming=self.options.stemming)

    def analyse_words(self, tokens: Sequence[str], keep: frozenset[str]) -> list[str]:
        replaced = self.synonyms.apply(tokens)
        kept = [t for t in replaced if t not in STOPWORDS or t in keep]
        return [stem(t) for t in kept] if self.options.stemming else kept


def _fields(topic: Topic) -> Iterable[tuple[str, str]]:
    yield "id", topic.id.replace("-", " ")
    yield "titre", topic.titre
    for keyword in topic.mots_cles:
        yield "mots_cles", keyword
    yield "resume", topic.resume
    for step in topic.que_faire:
        yield "que_faire", step
    for legal in topic.base_legale:
        yield "base_legale", f"{legal.texte} {legal.objet}"
    for contact in topic.contacts:
        yield "contacts", contact.nom


def exact_key(text: str) -> str:
    return " ".join(words(text))


def build_index(
    topics: Sequence[Topic],
    options: SearchOptions | None = None,
    weights: FieldWeights | None = None,
) -> SearchIndex:
    options = options or SearchOptions()
    weights = weights or FieldWeights()
    synonyms = SYNONYM_TABLE if options.synonyms else NO_SYNONYMS
    index = SearchIndex(tuple(t.id for t in topics), options, synonyms)
    raw_tf: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    lengths = [0.0] * len(topics)
    known: set[str] = set(STOPWORDS) | LEXICON_WORDS
    for position, topic in enumerate(topics):
        for field_name, text in _fields(topic):
            weight = getattr(weights, field_name)
            tokens = words(text)
            known.update(tokens)
            # A keyword that is a single function word ("mes", "ce") is an acronym.
            keep = frozenset(tokens) if field_name == "mots_cles" and len(tokens) == 1 else None
            found = index.analyse_words(tokens, keep or frozenset())
            for term in found:
                raw_tf[term][position] += weight
            lengths[position] += weight * len(found)
            if field_name in ("id", "titre", "mots_cles"):
                index.exact.setdefault(exact_key(text), set()).add(position)
                if found:
                    index.exact_terms.setdefault(frozenset(found), set()).add(position)
                if len(found) >= 2 and field_name != "titre":
                    factor = ID_PHRASE_FACTOR if field_name == "id" else 1.0
                    index.phrases.append((tuple(found), position, factor))
                elif field_name == "titre":
                    for first, second in itertools.pairwise(found):
                        index.phrases.append(((first, second), position, TITLE_PHRASE_FACTOR))
        index.exact.setdefault(topic.id, set()).add(position)
    count = len(topics)
    average = sum(lengths) / count if count else 1.0
    for term, per_topic in raw_tf.items():
        df = len(per_topic)
        index.idf[term] = math.log(1 + (count - df + 0.5) / (df + 0.5))
        index.postings[term] = {
            position: tf
            * (BM25_K1 + 1)
            / (tf + BM25_K1 * (1 - BM25_B + BM25_B * lengths[position] / average))
            for position, tf in per_topic.items()
        }
    for phrase in index.phrases:
        index.phrases_by_first.setdefault(phrase[0][0], []).append(phrase)
    index.unseen_idf = math.log(1 + (count + 0.5) / 0.5)
    index.vocabulary = tuple(sorted(index.postings))
    index.known_words = frozenset(known)
    return index


def topic_terms(index: SearchIndex) -> Mapping[str, int]:
    """How many topics use each term (for diagnostics)."""
    return {term: len(per_topic) for term, per_topic in index.postings.items()}
