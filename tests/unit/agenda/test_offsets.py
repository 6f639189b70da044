"""Reminder offsets: reading them, their canonical form, and when they fire (DST included)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from commands.agenda.offsets import Offset, OffsetError, parse_offset, parse_offsets
from tests.unit.agenda.conftest import PARIS


@pytest.mark.parametrize(
    ("text", "expected", "spec"),
    [
        ("J-7", Offset(days=7), "J-7"),
        ("j-2 10h", Offset(days=2, at=time(10)), "J-2 10:00"),
        ("J-1 à 18:30", Offset(days=1, at=time(18, 30)), "J-1 18:30"),
        ("veille", Offset(days=1, at=time(18)), "J-1 18:00"),
        ("la veille à 20h", Offset(days=1, at=time(20)), "J-1 20:00"),
        ("jour-même 9h", Offset(days=0, at=time(9)), "J-0 09:00"),
        ("le jour même", Offset(days=0, at=time(9)), "J-0 09:00"),
        ("3 jours", Offset(days=3), "J-3"),
        ("1 semaine", Offset(days=7), "J-7"),
        ("2h", Offset(minutes=120), "2h"),
        ("2 heures avant", Offset(minutes=120), "2h"),
        ("1h30", Offset(minutes=90), "1h30"),
        ("30min", Offset(minutes=30), "30min"),
        ("45 minutes", Offset(minutes=45), "45min"),
    ],
)
def test_reading_offsets(text: str, expected: Offset, spec: str) -> None:
    offset = parse_offset(text)
    assert offset == expected
    assert offset.spec() == spec
    assert parse_offset(offset.spec()) == offset  # the canonical form reads back


@pytest.mark.parametrize("text", ["demain", "J-7 25h", "0min", "J-90", "9 jours 2h", ""])
def test_bad_offsets_say_how_to_write_them(text: str) -> None:
    with pytest.raises(OffsetError) as caught:
        parse_offset(text)
    assert "rappel" in str(caught.value).lower()


def test_lists_and_none() -> None:
    assert parse_offsets("J-7, veille 18h et 2h") == (
        Offset(days=7),
        Offset(days=1, at=time(18)),
        Offset(minutes=120),
    )
    assert parse_offsets("aucun") == ()
    assert parse_offsets("2h, 2 heures") == (Offset(minutes=120),)


def test_keys_have_no_spaces_or_colons() -> None:
    assert Offset(days=1, at=time(18)).key() == "J-1-1800"
    assert Offset(minutes=90).key() == "1h30"


def test_labels_in_french() -> None:
    assert Offset(days=7).label() == "7 jours avant"
    assert Offset(days=1, at=time(18)).label() == "la veille à 18:00"
    assert Offset(days=0, at=time(9)).label() == "le jour même à 09:00"
    assert Offset(minutes=120).label() == "2 h avant"
    assert Offset(minutes=90).label() == "1 h 30 avant"


def test_day_offsets_keep_local_time_across_spring_change() -> None:
    # Sunday 29 March 2026, clocks jump 02:00 -> 03:00 in Paris.
    start = datetime(2026, 3, 30, 10, 0, tzinfo=PARIS)  # Monday, summer time (UTC+2)
    veille = Offset(days=1, at=time(18)).instant(start)
    assert veille == datetime(2026, 3, 29, 16, 0, tzinfo=UTC)  # 18:00 CEST
    week = Offset(days=7).instant(start)
    assert week == datetime(2026, 3, 23, 9, 0, tzinfo=UTC)  # 10:00 CET, one week earlier


def test_duration_offsets_are_real_time_across_the_change() -> None:
    start = datetime(2026, 3, 29, 4, 0, tzinfo=PARIS)  # 04:00 CEST = 02:00 UTC
    assert Offset(minutes=180).instant(start) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    # Three real hours before 04:00 CEST is 00:00 CET (the 02:00-03:00 hour does not exist).
    assert Offset(minutes=180).instant(start).astimezone(PARIS).hour == 0


def test_day_offset_landing_in_the_missing_hour_moves_forward() -> None:
    start = datetime(2026, 3, 30, 2, 30, tzinfo=PARIS)
    instant = Offset(days=1).instant(start)  # "02:30" on 29 March does not exist
    assert instant == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
