"""Monthly recurrences in French (bot/dates/monthly.py) and their expansion in local wall
time across daylight-saving changes (bot/dates/rules.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates.parse import WhenError, WhenErrorKind, parse_when
from bot.dates.rules import between, instants, next_after

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)  # a Wednesday

SA1, TU2 = "FREQ=MONTHLY;BYDAY=1SA", "FREQ=MONTHLY;BYDAY=2TU"
TABLE = [
    ("le premier samedi du mois 10h", "2026-06-06T10:00:00+02:00", SA1),
    ("chaque premier samedi du mois à 10h", "2026-06-06T10:00:00+02:00", SA1),
    ("tous les premiers samedis du mois 10h", "2026-06-06T10:00:00+02:00", SA1),
    ("le 1er samedi du mois 10h", "2026-06-06T10:00:00+02:00", SA1),
    ("le 2e mardi du mois 18h", "2026-06-09T18:00:00+02:00", TU2),
    ("le deuxième mardi de chaque mois 18h", "2026-06-09T18:00:00+02:00", TU2),
    ("le dernier vendredi du mois 18h", "2026-05-29T18:00:00+02:00", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("le 15 de chaque mois 18h", "2026-06-15T18:00:00+02:00", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("tous les mois le 1er à 10h", "2026-06-01T10:00:00+02:00", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("chaque mois le 20 à 11h", "2026-05-20T11:00:00+02:00", "FREQ=MONTHLY;BYMONTHDAY=20"),
    ("chaque mois le 20 à 9h", "2026-06-20T09:00:00+02:00", "FREQ=MONTHLY;BYMONTHDAY=20"),
]


@pytest.mark.parametrize(("text", "start", "rrule"), TABLE)
def test_monthly_expressions(text: str, start: str, rrule: str) -> None:
    when = parse_when(text, NOW, PARIS)
    assert isinstance(when.start, datetime)
    assert when.start.isoformat() == start
    assert when.rrule == rrule
    assert not when.all_day


def test_monthly_descriptions_and_bounds() -> None:
    when = parse_when("le premier samedi du mois 10h", NOW, PARIS)
    assert when.describe() == "le premier samedi du mois, 10:00 (à partir du samedi 6 juin 2026)"
    when = parse_when("le 15 de chaque mois", NOW, PARIS)
    assert when.all_day and when.describe().startswith("le 15 de chaque mois")
    bounded = parse_when(
        "le dernier vendredi du mois 18h à partir du 1er juillet jusqu'au 30 septembre",
        NOW,
        PARIS,
    )
    assert isinstance(bounded.start, datetime)
    assert bounded.start.date().isoformat() == "2026-07-31"
    days = [m.date().isoformat() for m in instants(bounded.start, bounded.rrule)]
    assert days == ["2026-07-31", "2026-08-28", "2026-09-25"]


@pytest.mark.parametrize(
    "text",
    [
        "tous les mois",  # which day?
        "le 30 de chaque mois 10h",  # not every month has one
        "le cinquième samedi du mois 10h",  # not every month has one either
    ],
)
def test_monthly_refusals_say_what_to_write(text: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW, PARIS)
    assert caught.value.kind is WhenErrorKind.UNCLEAR
    assert "«" in str(caught.value)  # an example to type


def test_weekly_nine_o_clock_stays_nine_across_both_clock_changes() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=PARIS)
    when = parse_when("tous les lundis 9h", now, PARIS)
    assert isinstance(when.start, datetime)
    spring = between(when.start, when.rrule, now, datetime(2026, 4, 7, tzinfo=PARIS))
    assert [m.strftime("%d/%m %H:%M") for m in spring] == [
        "16/03 09:00",
        "23/03 09:00",
        "30/03 09:00",
        "06/04 09:00",
    ]
    # 23 March is winter time (UTC+1), 30 March summer time (UTC+2).
    assert [m.astimezone(UTC).hour for m in spring] == [8, 8, 7, 7]
    autumn = next_after(when.start, when.rrule, datetime(2026, 10, 25, 12, tzinfo=PARIS))
    assert autumn is not None and autumn.isoformat() == "2026-10-26T09:00:00+01:00"


def test_monthly_rule_keeps_its_local_hour_across_the_spring_change() -> None:
    now = datetime(2026, 2, 10, 12, 0, tzinfo=PARIS)
    when = parse_when("le dernier dimanche du mois 10h", now, PARIS)
    assert isinstance(when.start, datetime)
    march = next_after(when.start, when.rrule, datetime(2026, 3, 1, tzinfo=PARIS))
    # 29 March 2026 is the day the clocks go forward (at 2:00): 10:00 is summer time.
    assert march is not None and march.isoformat() == "2026-03-29T10:00:00+02:00"
