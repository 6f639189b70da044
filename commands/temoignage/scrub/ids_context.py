"""Detector for identifiers announced in ordinary words, around the number.

"mon numéro c'est le 1234567", "1234567 c'est mon numéro caf", "à la caf je suis le
2345678", "le numéro de dossier de bourse de ma fille c'est 2245871". These words are
looser than the ones in scrub_ids, so the number must hold at least five digits (years,
most amounts, times and the short service numbers have four or fewer), and this detector
runs after the phone one: "mon num c 07 81 22 45 90" stays a phone number.

A number is taken when it comes:
- right after an identifier word: "numéro 4567891B", "dossier 45-778-912";
- right before one: "1234567 c'est mon numéro", "8765432X c mon identifiant";
- after "c'est", "est", "le", "je suis" or ":" in a sentence that names an identifier
  or a service: "mon numéro d'inscription a changé, maintenant c'est 0987654C".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from commands.temoignage.scrub.common import IDENTIFIER, Finding, spaced
from commands.temoignage.scrub.ids import FILLER, NUM, ORG, VALUE, id_value_end, value_pattern

_MIN_DIGITS = 5
_NOUN = spaced(
    r"(?:" + NUM + r"|identifiant|id|matricule|r[ée]f[ée]rence|r[ée]f\.?|dossier"
    r"|allocataire|alloc|ine|agdref|r[ée]c[ée]piss[ée])"
)
# The announcing word ends there: "n°" and "réf." end on a sign, the others on a letter.
_NOUN_END = r"(?:(?<=\w)(?!\w)|(?<=[.°º]))"

_AFTER_NOUN_RE = re.compile(
    r"(?<![\w])" + _NOUN + _NOUN_END + FILLER + r"(?P<value>" + VALUE + r")(?![\w])",
    re.IGNORECASE,
)
_BEFORE_NOUN_RE = re.compile(
    spaced(
        r"(?<![\w])(?P<value>" + value_pattern(possessive=True) + r")(?![\w])~*[,:]?~*"
        r"(?:(?P<link>(?:c['’]est|cest|c|est)(?!\w)|=)~*)?"
        r"(?:(?P<poss>(?:mon|ma|son|sa|notre|votre|leur|le|la)(?!\w)|l['’])~*)?" + _NOUN + _NOUN_END
    ),
    re.IGNORECASE,
)
_LINKED_RE = re.compile(
    spaced(
        r"(?:(?<![\w])(?:(?:c['’]est|cest|c|est|je~+suis)(?:~+l[ea])?|le)(?!\w)|[:=])"
        r"~*(?P<value>" + VALUE + r")(?![\w])"
    ),
    re.IGNORECASE,
)
# What makes a sentence be about an identifier. "[" keeps the labels out: a
# "[identifiant]" put by an earlier pass is not a reason to take more.
_CONTEXT_RE = re.compile(r"(?<![\w\[])(?:" + _NOUN + r"|" + ORG + r")" + _NOUN_END, re.IGNORECASE)
# A sentence ends at a line break, or at a full stop followed by a capital letter: typed on
# a phone, "ma caf. je suis le 2345678" is still one sentence. A question goes on into its
# answer: "Mon numéro CAF ? C'est le 2345678."
_SENTENCE_END_RE = re.compile(r"[.!…]+(?=\s+[A-ZÀ-ÖØ-Þ])|\n")
# How far from the number the sentence is read, each way.
_WINDOW = 120


def find_ids_in_context(text: str) -> Iterator[Finding]:
    for m in _AFTER_NOUN_RE.finditer(text):
        if (found := _finding(text, m)) is not None:
            yield found
    for m in _BEFORE_NOUN_RE.finditer(text):
        if (m.group("link") or m.group("poss")) and (found := _finding(text, m)) is not None:
            yield found
    for m in _LINKED_RE.finditer(text):
        found = _finding(text, m)
        if found is not None and _about_an_identifier(text, found.start, found.end):
            yield found


def _finding(text: str, m: re.Match[str]) -> Finding | None:
    start = m.start("value")
    end = id_value_end(text, start, m.end("value"), min_digits=_MIN_DIGITS)
    return None if end is None else Finding(IDENTIFIER, start, end)


def _about_an_identifier(text: str, start: int, end: int) -> bool:
    """Whether the sentence around text[start:end] names an identifier or a service."""
    first = max(0, start - _WINDOW)
    for sentence_end in _SENTENCE_END_RE.finditer(text, first, start):
        first = sentence_end.end()
    last = min(len(text), end + _WINDOW)
    next_end = _SENTENCE_END_RE.search(text, end, last)
    if next_end is not None:
        last = next_end.start()
    return (
        _CONTEXT_RE.search(text, first, start) is not None
        or _CONTEXT_RE.search(text, end, last) is not None
    )
