"""Values and small helpers shared by the scrubber's detectors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.french import fold

PHONE = "[téléphone]"
EMAIL = "[courriel]"
NIR = "[n° sécu]"
IBAN = "[IBAN]"
ADDRESS = "[adresse]"
IDENTIFIER = "[identifiant]"
NAME = "[nom]"
LABELS: tuple[str, ...] = (PHONE, EMAIL, NIR, IBAN, ADDRESS, IDENTIFIER, NAME)

# A label already in the text is never scanned again: this keeps scrub() idempotent.
LABEL_RE = re.compile("|".join(re.escape(label) for label in LABELS))

# Spaces people and phone keyboards put between groups of digits.
SPACE = "[ \u00a0\u202f]"
APOS = "['’]"


def spaced(source: str) -> str:
    """Regex source in which "~" stands for one space of any kind people type."""
    return source.replace("~", SPACE)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its label and its span in the original text."""

    label: str
    start: int
    end: int


def fold_set(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())
