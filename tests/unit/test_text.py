"""Reading answers the way people type them."""

from __future__ import annotations

import pytest

from bot.french import is_help_request, normalize, parse_choice, parse_number, parse_yes_no


@pytest.mark.parametrize(
    "text", ["oui", "Oui !", "OK", "ouais", "d'accord", "d’accord", "oui merci", "dac"]
)
def test_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["non", "Non.", "nan", "non merci", "surtout pas"])
def test_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", ["peut-être", "1", "", "oui mais non", "bof"])
def test_neither(text: str) -> None:
    assert parse_yes_no(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 0),
        ("un", 0),
        ("premier", 0),
        ("2.", 1),
        ("deux", 1),
        ("choix 3", 2),
        ("3)", 2),
        ("caf", 0),
        ("france travail", 1),
        ("Santé", 2),
        ("sante", 2),
        ("4", None),
        ("0", None),
        ("n'importe quoi", None),
        ("", None),
    ],
)
def test_choice(text: str, expected: int | None) -> None:
    assert parse_choice(text, ["CAF", "France Travail", "Santé"]) == expected


def test_number_words() -> None:
    assert [parse_number(w) for w in ("sept", "dixième", "12", "douze")] == [7, 10, 12, None]


def test_help_and_normalize() -> None:
    assert is_help_request("Je comprends pas") and is_help_request("?")
    assert not is_help_request("je veux témoigner")
    assert normalize("  L’ÉCOLE   Été ") == "l'ecole ete"
