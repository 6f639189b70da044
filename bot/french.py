"""French text helpers shared by the engine and features: normalising and reading answers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s'-]")
# The characters Markdown gives a meaning to (Python-Markdown's backslash escapes;
# '>' is left out: replies are HTML-escaped before Markdown, so it never quotes).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
_MARKDOWN_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])")
QUOTE_LIMIT = 60

YES = frozenset(
    {
        "oui",
        "o",
        "ouais",
        "ouai",
        "yes",
        "y",
        "ok",
        "okay",
        "oki",
        "d'accord",
        "dac",
        "daccord",
        "c'est bon",
        "cest bon",
        "bien sur",
        "valider",
        "je valide",
        "confirmer",
        "je confirme",
        "vas-y",
        "vas y",
        "go",
        "parfait",
        "exact",
        "exactement",
        "si",
    }
)
NO = frozenset(
    {
        "non",
        "n",
        "no",
        "nan",
        "nope",
        "pas du tout",
        "surtout pas",
        "annule",
        "non merci",
        "pas d'accord",
        "refuser",
        "je refuse",
        "faux",
    }
)
HELP = frozenset(
    {
        "aide",
        "help",
        "?",
        "??",
        "au secours",
        "je comprends pas",
        "je ne comprends pas",
        "comprends pas",
        "jcomprends pas",
        "quoi",
        "hein",
        "comment",
        "comment faire",
        "menu",
    }
)
NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "premier": 1,
    "premiere": 1,
    "1er": 1,
    "1ere": 1,
    "deux": 2,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "2e": 2,
    "2eme": 2,
    "trois": 3,
    "troisieme": 3,
    "3e": 3,
    "3eme": 3,
    "quatre": 4,
    "quatrieme": 4,
    "4e": 4,
    "4eme": 4,
    "cinq": 5,
    "cinquieme": 5,
    "5e": 5,
    "5eme": 5,
    "six": 6,
    "sixieme": 6,
    "6e": 6,
    "6eme": 6,
    "sept": 7,
    "septieme": 7,
    "7e": 7,
    "7eme": 7,
    "huit": 8,
    "huitieme": 8,
    "8e": 8,
    "8eme": 8,
    "neuf": 9,
    "neuvieme": 9,
    "9e": 9,
    "9eme": 9,
    "dix": 10,
    "dixieme": 10,
    "10e": 10,
    "10eme": 10,
}


MONTH_NAMES_FR: tuple[str, ...] = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
WEEKDAY_NAMES_FR: tuple[str, ...] = (
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
)  # fmt: skip
# Month spellings people type, normalised (lower case, no accents), with abbreviations.
MONTH_WORDS: dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip


_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The form French text is compared in, written once for the whole code: no accents,
    lower case, typographic apostrophes made plain. Spaces are kept as they are."""
    return strip_accents(text.translate(_APOSTROPHES)).casefold()


def normalize(text: str) -> str:
    """`fold`, with runs of spaces made one and the ends trimmed."""
    return _SPACES.sub(" ", fold(text)).strip()


def _bare(text: str) -> str:
    return _SPACES.sub(" ", _PUNCT.sub(" ", normalize(text))).strip()


def parse_yes_no(text: str) -> bool | None:
    """True for a yes ("oui", "ok", "1"? no: numbers are not yes), False for a no, else None."""
    bare = _bare(text)
    if bare in YES:
        return True
    if bare in NO:
        return False
    words = bare.split()
    if words and words[0] in {"oui", "ok", "ouais"} and not (set(words) & {"non", "pas"}):
        return True
    if words and words[0] in {"non", "nan"}:
        return False
    return None


def is_help_request(text: str) -> bool:
    return _bare(text) in HELP or normalize(text) in HELP


def parse_number(text: str) -> int | None:
    """A small positive number written as digits or as a French word."""
    bare = _bare(text)
    bare = re.sub(r"^(choix|option|numero|n|no|le|la|c'est|cest|je choisis|je prends)\s+", "", bare)
    bare = bare.rstrip(" .)")
    if bare.isdigit() and len(bare) <= 3:
        return int(bare)
    return NUMBER_WORDS.get(bare)


def parse_choice(text: str, options: Sequence[str]) -> int | None:
    """Index (0-based) of the chosen option, from its number or its words; else None."""
    number = parse_number(text)
    if number is not None:
        return number - 1 if 1 <= number <= len(options) else None
    bare = _bare(text)
    if not bare:
        return None
    exact = [i for i, option in enumerate(options) if _bare(option) == bare]
    if len(exact) == 1:
        return exact[0]
    partial = [
        i
        for i, option in enumerate(options)
        if bare in _bare(option) or any(word == bare for word in _bare(option).split())
    ]
    if len(partial) == 1 and len(bare) >= 3:
        return partial[0]
    return None


def numbered(options: Sequence[str]) -> str:
    return "\n".join(f"{i}. {option}" for i, option in enumerate(options, start=1))


def escape_markdown(text: str) -> str:
    """Text a person typed, made inert inside a Markdown reply (no link, no emphasis)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def unescape_markdown(text: str) -> str:
    """What a plain-text rendering shows for escaped characters: the characters."""
    return _MARKDOWN_ESCAPED.sub(r"\1", text)


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A short excerpt of what a person typed, on one line and escaped, to echo it back."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return escape_markdown(flat)
