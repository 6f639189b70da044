"""Replace personal data in a testimony by labels before it may be published.

Pure functions, no I/O. `find_personal_data` says where the data is (spans in the
original text), `scrub` replaces it. Detectors run from the most specific to the least;
a span that overlaps one already taken is dropped, so the most specific label wins.
Labels already present in the text are never touched, which makes `scrub` idempotent.

What stays on purpose: dates, times, amounts, years, percentages, article numbers,
postal codes and department numbers on their own, short public service numbers
(3422, 3949, 3919, 115, 17, 112) and 08 numbers (services, not people), courtesy
titles and roles ("Madame la juge"). See scrub_names for the name rules.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

from commands.temoignage.scrub.common import (
    ADDRESS,
    EMAIL,
    IBAN,
    IDENTIFIER,
    LABEL_RE,
    LABELS,
    NAME,
    NIR,
    PHONE,
    Finding,
)
from commands.temoignage.scrub.contacts import (
    find_cards,
    find_emails,
    find_handles,
    find_ibans,
    find_long_digit_runs,
    find_nirs,
    find_phones,
)
from commands.temoignage.scrub.ids import find_introduced_ids
from commands.temoignage.scrub.ids_context import find_ids_in_context
from commands.temoignage.scrub.names import find_names
from commands.temoignage.scrub.places import find_addresses

__all__ = [
    "ADDRESS",
    "EMAIL",
    "IBAN",
    "IDENTIFIER",
    "LABELS",
    "LIMITS_FR",
    "NAME",
    "NIR",
    "PHONE",
    "Finding",
    "find_personal_data",
    "scrub",
]

LIMITS_FR = (
    "Avant publication, le robot remplace automatiquement les numéros de téléphone, "
    "les courriels, les numéros de sécurité sociale, les IBAN, les adresses postales, "
    "les identifiants (CAF, France Travail, dossier, numéro étranger…) et les noms "
    "annoncés comme tels (« je m'appelle… », « Madame… », « mon fils… »). "
    "Il ne voit pas tout : un prénom cité seul (« Karim m'a aidé »), un nom écrit sans "
    "majuscule, une rue sans numéro, une ville, un employeur, une date de naissance, "
    "une maladie, un numéro écrit en lettres ou un détail de votre histoire qui permet "
    "de vous reconnaître restent visibles. Relisez la version ci-dessus : pour enlever "
    "un détail, répondez « corriger »."
)

_Detector = Callable[[str], Iterable[Finding]]

# From the most specific to the least: the first detector to claim a span keeps it.
_DETECTORS: tuple[_Detector, ...] = (
    find_emails,
    find_handles,
    find_ibans,
    find_introduced_ids,
    find_nirs,
    find_cards,
    find_phones,
    find_addresses,
    find_names,
    find_ids_in_context,
    find_long_digit_runs,
)


class _Spans:
    """Non-overlapping spans kept sorted, so each overlap test is a binary search."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add_if_free(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, start)
        if i > 0 and self._ends[i - 1] > start:
            return False
        if i < len(self._starts) and self._starts[i] < end:
            return False
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        return True


def find_personal_data(text: str) -> list[Finding]:
    """Personal data found in text: non-overlapping spans, sorted by position.

    Replacing a span changes what its neighbours look like (a name cut short by an
    address, a handle that now follows a label), so the scrubbed text is read again
    until nothing new turns up; spans found on a later pass are mapped back to the
    original text. This is what makes scrub(scrub(x)) == scrub(x).
    """
    if not text:
        return []
    found = _find_once(text)
    for _ in range(_MAX_PASSES - 1):
        if not found:
            break
        current, pieces = _replace(text, found)
        more = [f for f in map(pieces.to_original, _find_once(current)) if f is not None]
        if not more:
            break
        found = sorted(found + more, key=lambda f: f.start)
    return found


def scrub(text: str) -> str:
    """The text with every piece of personal data found replaced by its label."""
    return _replace(text, find_personal_data(text))[0]


_MAX_PASSES = 4


def _find_once(text: str) -> list[Finding]:
    taken = _Spans()
    for m in LABEL_RE.finditer(text):
        taken.add_if_free(m.start(), m.end())
    found: list[Finding] = []
    for detector in _DETECTORS:
        candidates = sorted(detector(text), key=lambda f: (f.start - f.end, f.start))
        for finding in candidates:
            if finding.start < finding.end and taken.add_if_free(finding.start, finding.end):
                found.append(finding)
    found.sort(key=lambda f: f.start)
    return found


class _KeptPieces:
    """Where each untouched piece of the original text went in the scrubbed text."""

    def __init__(self) -> None:
        self._new_starts: list[int] = []
        self._old_starts: list[int] = []
        self._lengths: list[int] = []

    def add(self, new_start: int, old_start: int, length: int) -> None:
        if length > 0:
            self._new_starts.append(new_start)
            self._old_starts.append(old_start)
            self._lengths.append(length)

    def to_original(self, finding: Finding) -> Finding | None:
        i = bisect.bisect_right(self._new_starts, finding.start) - 1
        if i < 0 or finding.end > self._new_starts[i] + self._lengths[i]:
            return None  # not inside one untouched piece: cannot be mapped back
        shift = self._old_starts[i] - self._new_starts[i]
        return Finding(finding.label, finding.start + shift, finding.end + shift)


def _replace(text: str, findings: list[Finding]) -> tuple[str, _KeptPieces]:
    parts: list[str] = []
    pieces = _KeptPieces()
    length = position = 0
    for finding in findings:
        pieces.add(length, position, finding.start - position)
        parts.append(text[position : finding.start])
        parts.append(finding.label)
        length += finding.start - position + len(finding.label)
        position = finding.end
    pieces.add(length, position, len(text) - position)
    parts.append(text[position:])
    return "".join(parts), pieces
