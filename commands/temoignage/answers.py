"""Reading what people answer: themes, consent, "passer", départements, months.

Every reader accepts numbers, French number words and plain words, and returns None
when it cannot tell (the flow then asks again, kindly).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.french import MONTH_WORDS, normalize, parse_choice, parse_number
from commands.temoignage.texts import CONSENT_OPTIONS, THEMES

_PUNCT = re.compile(r"[^\w\s'-]")

THEME_WORDS: dict[str, tuple[str, ...]] = {
    "caf": ("caf", "rsa", "apl", "allocation", "allocations", "alloc", "msa", "prime d'activite"),
    "france-travail": (
        "france travail",
        "pole emploi",
        "chomage",
        "ft",
        "pe",
        "demandeur d'emploi",
        "conseiller emploi",
    ),
    "sante": (
        "sante",
        "mon espace sante",
        "ameli",
        "cpam",
        "secu",
        "securite sociale",
        "assurance maladie",
        "hopital",
        "medecin",
        "dossier medical",
    ),
    "prefecture": (
        "prefecture",
        "titre de sejour",
        "sejour",
        "papiers",
        "ants",
        "naturalisation",
        "asile",
        "visa",
    ),
    "ecole": ("ecole", "college", "lycee", "pronote", "parcoursup", "ent", "universite", "fac"),
    "travail": ("travail", "boulot", "employeur", "patron", "entreprise", "job"),
    "police": (
        "police",
        "surveillance",
        "gendarmerie",
        "camera",
        "cameras",
        "videosurveillance",
        "controle",
        "fichage",
        "drone",
    ),
    "autre": ("autre", "autre chose", "aucun", "je sais pas", "je ne sais pas"),
}

CONSENT_WORDS: dict[int, tuple[str, ...]] = {
    0: ("lecture", "lire", "lu", "seulement lu", "pas de publication", "ne pas publier"),
    1: ("publier", "publication", "publie", "peut etre publie", "anonyme", "anonymise"),
    2: ("rien", "ne rien garder", "effacer", "supprimer", "rien garder", "finalement non"),
}

SKIP_WORDS = frozenset(
    {
        "passer",
        "passe",
        "pass",
        "je passe",
        "on passe",
        "suivant",
        "suite",
        "non",
        "nan",
        "non merci",
        "aucun",
        "aucune",
        "rien",
        "je ne sais pas",
        "je sais pas",
        "sais pas",
        "jsp",
        "ne sais pas",
        "je prefere ne pas dire",
        "je prefere pas",
        "prefere ne pas dire",
        "pas de reponse",
        "inconnu",
        "-",
        "x",
        "0",
    }
)

END_WORDS = frozenset(
    {"fin", "fini", "termine", "j'ai fini", "jai fini", "c'est fini", "cest fini", "stop fin"}
)


EARLIEST_YEAR = 1990


def bare(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", normalize(text)).split())


def _by_words(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The only key whose words appear in the text (whole words), or None."""
    padded = f" {bare(text)} "
    hits = {key for key, words in table.items() if any(f" {w} " in padded for w in words)}
    return hits.pop() if len(hits) == 1 else None


def parse_theme(text: str) -> str | None:
    labels = [label for _, label in THEMES]
    index = parse_choice(text, labels)
    if index is not None:
        return THEMES[index][0]
    if parse_number(text) is not None:
        return None  # a number out of range is not a word match
    return _by_words(text, THEME_WORDS)


def parse_consent(text: str) -> int | None:
    """0: read only, 1: may be published after anonymisation, 2: keep nothing."""
    number = parse_number(text)
    if number is not None:
        return number - 1 if 1 <= number <= len(CONSENT_OPTIONS) else None
    padded = f" {bare(text)} "
    hits = {k for k, words in CONSENT_WORDS.items() if any(f" {w} " in padded for w in words)}
    if 1 in hits and any(f" {w} " in padded for w in ("pas", "jamais", "ne")) and 2 not in hits:
        hits = {0}  # "je ne veux pas qu'il soit publié"
    return hits.pop() if len(hits) == 1 else None


def is_skip(text: str) -> bool:
    return bare(text) in SKIP_WORDS or normalize(text).strip(" .!") in SKIP_WORDS


def is_end(text: str) -> bool:
    return bare(text) in END_WORDS


_DEPT_NUMBER = re.compile(r"(?:(?:departement|dept|dep|le|la|en|dans le)\s+)*(\d{1,3}|2a|2b)")


def parse_departement(text: str, max_length: int = 60) -> str | None:
    """A département number ("72", "2A", "974"), from a postal code too, or its name."""
    value = bare(text)
    match = _DEPT_NUMBER.fullmatch(value)
    if match:
        code = match.group(1)
        if not code.isdigit():
            return code.upper()
        number = int(code)
        if 1 <= number <= 95 and number != 20:
            return f"{number:02d}"
        if 971 <= number <= 976:
            return str(number)
        return None
    if re.fullmatch(r"\d{5}", value):  # a postal code: keep only the département
        return value[:3] if value.startswith("97") else value[:2]
    if any(c.isdigit() for c in value) or not value:
        return None
    name = " ".join(text.split())
    return name if 2 <= len(name) <= max_length else None


@dataclass(frozen=True)
class Month:
    year: int
    month: int | None  # None: only the year is known

    def iso(self) -> str:
        return str(self.year) if self.month is None else f"{self.year:04d}-{self.month:02d}"

    def is_after(self, today: date) -> bool:
        if self.year != today.year:
            return self.year > today.year
        return self.month is not None and self.month > today.month


def _year(token: str, today: date) -> int | None:
    if len(token) == 4:
        return int(token)
    if len(token) == 2:
        year = 2000 + int(token)
        return year if year <= today.year else None
    return None


def parse_month(text: str, today: date) -> Month | None:
    """ "mars 2025", "03/2025", "2025-03", "mars" (the last one), "le mois dernier", "2024"."""
    value = bare(text).replace("1er", "")
    if re.search(r"\bce mois\b", value):
        return Month(today.year, today.month)
    if re.search(r"\bmois dernier\b", value):
        previous = today.month - 1
        return Month(today.year, previous) if previous else Month(today.year - 1, 12)
    if re.search(r"\b(l'annee derniere|l annee derniere|annee derniere)\b", value):
        return Month(today.year - 1, None)
    numeric = re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})", normalize(text).strip())
    if numeric:
        month, year = int(numeric.group(1)), _year(numeric.group(2), today)
        return _checked(year, month)
    iso = re.fullmatch(r"(\d{4})\s*-\s*(\d{1,2})", normalize(text).strip())
    if iso:
        return _checked(int(iso.group(1)), int(iso.group(2)))
    tokens = value.split()
    months = [MONTH_WORDS[t] for t in tokens if t in MONTH_WORDS]
    years = [t for t in tokens if t.isdigit() and len(t) in (2, 4)]
    if len(months) > 1 or len(years) > 1:
        return None
    year = _year(years[0], today) if years else None
    if months:
        month = months[0]
        if year is None:
            if years:
                return None
            year = today.year if month <= today.month else today.year - 1
        return _checked(year, month)
    if year is not None and len(tokens) <= 3:
        return _checked(year, None)
    return None


def _checked(year: int | None, month: int | None) -> Month | None:
    if year is None or year < EARLIEST_YEAR:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    return Month(year, month)
