"""Reading answers: themes, consent, "passer", départements, months, the end of the story."""

from __future__ import annotations

from datetime import date

import pytest

from commands.temoignage.answers import (
    is_end,
    is_skip,
    parse_consent,
    parse_departement,
    parse_month,
    parse_theme,
)

TODAY = date(2026, 5, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "caf"),
        ("un", "caf"),
        ("1.", "caf"),
        ("CAF", "caf"),
        ("mon RSA", "caf"),
        ("2", "france-travail"),
        ("deux", "france-travail"),
        ("Pôle emploi", "france-travail"),
        ("3", "sante"),
        ("ameli", "sante"),
        ("Mon Espace Santé", "sante"),
        ("quatre", "prefecture"),
        ("titre de séjour", "prefecture"),
        ("la préfecture", "prefecture"),
        ("5", "ecole"),
        ("école", "ecole"),
        ("pronote", "ecole"),
        ("6", "travail"),
        ("7", "police"),
        ("vidéosurveillance", "police"),
        ("huit", "autre"),
        ("autre", "autre"),
        ("je ne sais pas", "autre"),
        ("9", None),
        ("0", None),
        ("banane", None),
        ("", None),
        ("caf et pôle emploi", None),  # two themes: ask again
    ],
)
def test_theme(text: str, expected: str | None) -> None:
    assert parse_theme(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 0),
        ("un", 0),
        ("lecture seulement", 0),
        ("je ne veux pas qu'il soit publié", 0),
        ("2", 1),
        ("deux", 1),
        ("il peut être publié", 1),
        ("publication", 1),
        ("3", 2),
        ("trois", 2),
        ("ne rien garder", 2),
        ("effacer", 2),
        ("4", None),
        ("oui", None),
        ("peut-être", None),
    ],
)
def test_consent(text: str, expected: int | None) -> None:
    assert parse_consent(text) == expected


@pytest.mark.parametrize("text", ["passer", "Passer.", "je passe", "non", "je ne sais pas", "-"])
def test_skip(text: str) -> None:
    assert is_skip(text)


@pytest.mark.parametrize("text", ["72", "Sarthe", "oui", "mars"])
def test_not_skip(text: str) -> None:
    assert not is_skip(text)


@pytest.mark.parametrize("text", ["fin", "FIN", "Fin.", "j'ai fini", "c'est fini", "terminé"])
def test_end_of_story(text: str) -> None:
    assert is_end(text)


@pytest.mark.parametrize("text", ["la fin du mois", "fin de droits", "finalement"])
def test_not_end_of_story(text: str) -> None:
    assert not is_end(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("72", "72"),
        ("1", "01"),
        ("01", "01"),
        ("le 93", "93"),
        ("département 13", "13"),
        ("2A", "2A"),
        ("2b", "2B"),
        ("974", "974"),
        ("72000", "72"),
        ("97400", "974"),
        ("Sarthe", "Sarthe"),
        ("Seine-Saint-Denis", "Seine-Saint-Denis"),
        ("20", None),
        ("96", None),
        ("977", None),
        ("123456", None),
        ("rue 12", None),
        ("x" * 61, None),
    ],
)
def test_departement(text: str, expected: str | None) -> None:
    assert parse_departement(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mars 2025", "2025-03"),
        ("en mars 2025", "2025-03"),
        ("Février 2024", "2024-02"),
        ("fev 24", "2024-02"),
        ("03/2025", "2025-03"),
        ("3/25", "2025-03"),
        ("2025-03", "2025-03"),
        ("mars", "2026-03"),  # the last March
        ("septembre", "2025-09"),  # not yet this year: last year's
        ("mai", "2026-05"),
        ("ce mois-ci", "2026-05"),
        ("le mois dernier", "2026-04"),
        ("l'année dernière", "2025"),
        ("2024", "2024"),
        ("en 2023", "2023"),
        ("blabla", None),
        ("mars avril", None),
        ("13/2025", None),
        ("mars 1900", None),
    ],
)
def test_month(text: str, expected: str | None) -> None:
    month = parse_month(text, TODAY)
    assert (month.iso() if month else None) == expected


def test_month_in_the_future_is_recognised() -> None:
    future = parse_month("décembre 2026", TODAY)
    assert future is not None and future.is_after(TODAY)
    past = parse_month("mai 2026", TODAY)
    assert past is not None and not past.is_after(TODAY)
    last_month = parse_month("le mois dernier", date(2026, 1, 10))
    assert last_month is not None and last_month.iso() == "2025-12"
