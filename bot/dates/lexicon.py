"""Word tables for the French date parser, and the text normalisation they expect.

Every table is keyed by the normalised spelling: lower case, no accents, elisions
("l'", "d'") dropped, compound words hyphenated ("apres-midi", "week-end").
"""

from __future__ import annotations

import re

from bot.french import MONTH_NAMES_FR, MONTH_WORDS, WEEKDAY_NAMES_FR, fold

# Monday is 0, as in `date.weekday()`.
WEEKDAYS: dict[str, int] = {
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
}
WEEKDAYS_PLURAL: dict[str, int] = {f"{name}s": index for name, index in WEEKDAYS.items()}

MONTHS: dict[str, int] = MONTH_WORDS

# Only read as numbers where a number is expected ("dans trois jours", "quinze heures",
# "premier juin"); elsewhere "une" stays an article.
NUMBER_WORDS: dict[str, int] = {
    "un": 1,
    "une": 1,
    "premier": 1,
    "premiere": 1,
    "premiers": 1,
    "premieres": 1,
    "deux": 2,
    "deuxieme": 2,
    "deuxiemes": 2,
    "second": 2,
    "seconde": 2,
    "troisieme": 3,
    "troisiemes": 3,
    "quatrieme": 4,
    "quatriemes": 4,
    "cinquieme": 5,
    "cinquiemes": 5,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "dix-sept": 17,
    "dix-huit": 18,
    "dix-neuf": 19,
    "vingt": 20,
    "vingt-et-un": 21,
    "vingt-deux": 22,
    "vingt-trois": 23,
}

# Days counted from today.
RELATIVE_DAYS: dict[str, int] = {
    "avant-hier": -2,
    "hier": -1,
    "aujourdhui": 0,
    "demain": 1,
    "apres-demain": 2,
}

PERIODS: dict[str, str] = {
    "matin": "matin",
    "matinee": "matin",
    "apres-midi": "apres-midi",
    "aprem": "apres-midi",
    "soir": "soir",
    "soiree": "soir",
}

# Grammar words, mapped to one canonical spelling each.
KEYWORDS: dict[str, str] = {
    "a": "a",
    "au": "au",
    "aux": "au",
    "du": "du",
    "de": "de",
    "des": "de",
    "entre": "entre",
    "et": "et",
    "le": "le",
    "la": "le",
    "les": "les",
    "tous": "tous",
    "toutes": "tous",
    "chaque": "tous",
    "ce": "ce",
    "cet": "ce",
    "cette": "ce",
    "prochain": "prochain",
    "prochaine": "prochain",
    "dernier": "dernier",
    "derniere": "dernier",
    "derniers": "dernier",
    "dernieres": "dernier",
    "mois": "mois",
    "dans": "dans",
    "jour": "jour",
    "jours": "jour",
    "semaine": "semaine",
    "semaines": "semaine",
    "jusqu": "jusqu",
    "partir": "partir",
    "week-end": "week-end",
    "heure": "heures",
    "heures": "heures",
    "demi": "demie",
    "demie": "demie",
    "quart": "quart",
}

# Spellings people type that the tables above do not list, rewritten before lookup.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\u2018\u2019\u02bc`]"), "'"),
    (re.compile(r"aujourd\s*'?\s*hui"), "aujourdhui"),
    (re.compile(r"\bjusqu\s*'\s*"), "jusqu "),
    (re.compile(r"\b(?:l|d|qu)'"), ""),
    (re.compile(r"\bapres[\s-]*demain\b"), "apres-demain"),
    (re.compile(r"\bapres[\s-]*midi\b"), "apres-midi"),
    (re.compile(r"\bavant[\s-]*hier\b"), "avant-hier"),
    (re.compile(r"\bweek[\s-]*ends?\b"), "week-end"),
    (re.compile(r"\bvingt[\s-]+et[\s-]+un\b"), "vingt-et-un"),
    (re.compile(r"\b(dix|vingt)[\s-]+(sept|huit|neuf|deux|trois)\b"), r"\1-\2"),
    (re.compile(r"\b1\s*(?:er|ere)\b"), "1"),
    (re.compile(r"\b(\d{1,2})\s*(?:e|eme)\b"), r"\1"),
    (re.compile(r"\s+"), " "),
)


def normalize(text: str) -> str:
    """Folded (bot.french.fold), one spelling per word: what the tokenizer reads."""
    out = fold(text)
    for pattern, replacement in _REWRITES:
        out = pattern.sub(replacement, out)
    return out.strip()


# French names for output, and RFC 5545 day codes.
WEEKDAY_NAMES: tuple[str, ...] = WEEKDAY_NAMES_FR
MONTH_NAMES: tuple[str, ...] = MONTH_NAMES_FR
RRULE_DAYS: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
