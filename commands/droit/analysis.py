"""French text analysis shared by the index and the queries: words → comparable terms.

Pipeline: normalise (case, accents, apostrophes) → drop elisions (l', d', qu'…) → words →
synonyms and abbreviations (lexicon) → drop function words → light stemming (plurals,
common verb and noun endings). The same pipeline runs on topics and on questions, so both
meet in one space of terms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.french import normalize
from commands.droit.lexicon import RELATED, STOPWORDS, SYNONYMS

_ELISION = re.compile(r"\b(?:[ldjmtsnc]|qu|jusqu|lorsqu|puisqu|quoiqu)'")
_WORD = re.compile(r"[a-z0-9]+")
_LOOSE_ELISIONS = frozenset({"l", "d", "j", "m", "n", "t", "c", "qu"})
_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")

# Ordered: the first suffix that leaves a stem of at least `_MIN_STEM` letters wins.
_SUFFIXES = (
    "issements",
    "issement",
    "atrices",
    "ateurs",
    "ations",
    "atrice",
    "ateur",
    "ation",
    "ements",
    "ement",
    "ments",
    "ment",
    "euses",
    "euse",
    "eurs",
    "eur",
    "ions",
    "iers",
    "ier",
    "ees",
    "ee",
    "es",
    "er",
    "ez",
    "e",
)
_MIN_STEM = 4
# Words whose stem would collide with an unrelated word.
_STEM_EXCEPTIONS = {
    "donnee": "donnee",
    "donnees": "donnee",
    "donnes": "donnee",
}


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A light French stemmer: enough to meet plural, gender and verb forms, no more.

    Pure, so memoised: the same few thousand words come back in every (re)index."""
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    if len(word) <= _MIN_STEM or not word.isalpha():
        return word
    if word.endswith("aux"):
        word = word[:-3] + "al"
    elif word.endswith(("s", "x")) and not word.endswith("ss"):
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Normalised words, elisions removed (also "l aise" typed without the apostrophe)."""
    found = _WORD.findall(_ELISION.sub(" ", normalize(text)))
    return [w for w in found if w not in _LOOSE_ELISIONS]


def acronyms(text: str) -> frozenset[str]:
    """Words written in capitals ("MES", "CE", "TA"): kept even when they look like "mes"."""
    return frozenset(normalize(a) for a in _ACRONYM.findall(text))


@dataclass(frozen=True)
class Synonyms:
    """Phrase → replacement words, matched longest first on normalised words."""

    table: Mapping[tuple[str, ...], tuple[str, ...]]
    # first word → the phrases starting with it, longest first
    by_first: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        pairs: Mapping[str, Sequence[str]],
        related: Mapping[str, Sequence[str]] | None = None,
    ) -> Synonyms:
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in pairs.items():
            target = tuple(words(canonical))
            for variant in (canonical, *variants):
                key = tuple(words(variant))
                if key and key != target:
                    table[key] = target
        for canonical, variants in (related or {}).items():
            target = tuple(words(canonical))
            for variant in variants:
                key = tuple(words(variant))
                table[key] = (*table.get(key, key), *target)
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in table:
            by_first.setdefault(key[0], []).append(key)
        return cls(
            table,
            {first: tuple(sorted(keys, key=len, reverse=True)) for first, keys in by_first.items()},
        )

    def apply(self, tokens: Sequence[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for key in self.by_first.get(tokens[i], ()):
                if tuple(tokens[i : i + len(key)]) == key:
                    out.extend(self.table[key])
                    i += len(key)
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


SYNONYM_TABLE = Synonyms.build(SYNONYMS, RELATED)
# Every word the lexicon knows, for cutting glued words ("lhopital") at query time.
LEXICON_WORDS = frozenset(
    word
    for variants in (*SYNONYMS.values(), *RELATED.values())
    for variant in variants
    for word in words(variant)
)


def terms(
    text: str,
    *,
    keep: frozenset[str] = frozenset(),
    synonyms: Synonyms = SYNONYM_TABLE,
    stemming: bool = True,
) -> list[str]:
    """The comparable terms of a text, in order. Words in `keep` survive the stopword list."""
    tokens = synonyms.apply(words(text))
    kept = [t for t in tokens if t not in STOPWORDS or t in keep]
    return [stem(t) for t in kept] if stemming else kept


def term_of(word: str, *, stemming: bool = True) -> str:
    return stem(word) if stemming else word
