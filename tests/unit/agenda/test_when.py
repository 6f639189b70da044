"""French natural date parsing: a table of expressions with a fixed `now`, then errors,
daylight-saving days, year end, `describe()` and `to_json()`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates.parse import When, WhenError, WhenErrorKind, parse_when

PARIS = ZoneInfo("Europe/Paris")
# A Wednesday morning.
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)

K = WhenErrorKind

# (text, start, end, all_day, rrule); timed values are ISO with offset, all-day "YYYY-MM-DD".
OK_TABLE: list[tuple[str, str, str | None, bool, str | None]] = [
    ("samedi 15h", "2026-05-23T15:00:00+02:00", None, False, None),
    ("demain 10h30", "2026-05-21T10:30:00+02:00", None, False, None),
    ("après-demain à 9h", "2026-05-22T09:00:00+02:00", None, False, None),
    ("apres-demain 9h", "2026-05-22T09:00:00+02:00", None, False, None),
    ("mardi prochain 17h", "2026-05-26T17:00:00+02:00", None, False, None),
    ("dans 3 jours à 14h", "2026-05-23T14:00:00+02:00", None, False, None),
    ("dans trois jours à 14h", "2026-05-23T14:00:00+02:00", None, False, None),
    ("ce soir 20h", "2026-05-20T20:00:00+02:00", None, False, None),
    ("ce soir 8h", "2026-05-20T20:00:00+02:00", None, False, None),
    ("mercredi 27 mai à 18h30", "2026-05-27T18:30:00+02:00", None, False, None),
    ("31/05 10h", "2026-05-31T10:00:00+02:00", None, False, None),
    ("le 12/06 à 18h", "2026-06-12T18:00:00+02:00", None, False, None),
    ("1er juin 2026 18h30", "2026-06-01T18:30:00+02:00", None, False, None),
    ("premier juin 18h30", "2026-06-01T18:30:00+02:00", None, False, None),
    ("samedi midi", "2026-05-23T12:00:00+02:00", None, False, None),
    ("minuit", "2026-05-21T00:00:00+02:00", None, False, None),
    ("du 3 au 7 août", "2026-08-03", "2026-08-07", True, None),
    ("du 3 au 7 aout", "2026-08-03", "2026-08-07", True, None),
    (
        "samedi 30 mai de 10h à 18h",
        "2026-05-30T10:00:00+02:00",
        "2026-05-30T18:00:00+02:00",
        False,
        None,
    ),
    ("23 mai 15 heures", "2026-05-23T15:00:00+02:00", None, False, None),
    (
        "tous les mercredis de 14h à 21h",
        "2026-05-20T14:00:00+02:00",
        "2026-05-20T21:00:00+02:00",
        False,
        "FREQ=WEEKLY;BYDAY=WE",
    ),
    ("15h00", "2026-05-20T15:00:00+02:00", None, False, None),
    ("15:00", "2026-05-20T15:00:00+02:00", None, False, None),
    ("15h", "2026-05-20T15:00:00+02:00", None, False, None),
    ("15 h 30", "2026-05-20T15:30:00+02:00", None, False, None),
    ("15 heures 30", "2026-05-20T15:30:00+02:00", None, False, None),
    ("à 11h", "2026-05-20T11:00:00+02:00", None, False, None),
    ("aujourd'hui 18h", "2026-05-20T18:00:00+02:00", None, False, None),
    ("aujourd’hui 18h", "2026-05-20T18:00:00+02:00", None, False, None),
    ("lundi 25 mai", "2026-05-25", "2026-05-25", True, None),
    ("le 4", "2026-06-04", "2026-06-04", True, None),
    ("le 25", "2026-05-25", "2026-05-25", True, None),
    ("le 1er", "2026-06-01", "2026-06-01", True, None),
    ("2026-06-01 18:30", "2026-06-01T18:30:00+02:00", None, False, None),
    ("2026-06-01T18:30", "2026-06-01T18:30:00+02:00", None, False, None),
    ("2026-06-01", "2026-06-01", "2026-06-01", True, None),
    ("1/6/26", "2026-06-01", "2026-06-01", True, None),
    ("1/6/2026 18h", "2026-06-01T18:00:00+02:00", None, False, None),
    ("3 aout", "2026-08-03", "2026-08-03", True, None),
    ("15 fevrier 2027", "2027-02-15", "2027-02-15", True, None),
    ("24 decembre 19h", "2026-12-24T19:00:00+01:00", None, False, None),
    ("15 sept 2026", "2026-09-15", "2026-09-15", True, None),
    ("jeudi 31 décembre", "2026-12-31", "2026-12-31", True, None),
    ("SAMEDI 15H", "2026-05-23T15:00:00+02:00", None, False, None),
    ("Samedi 30 Mai À 15H00", "2026-05-30T15:00:00+02:00", None, False, None),
    ("samedi 30 mai 2026 à 15h00", "2026-05-30T15:00:00+02:00", None, False, None),
    ("dimanche 31 mai 10h", "2026-05-31T10:00:00+02:00", None, False, None),
    ("le samedi 13 juin à 9h", "2026-06-13T09:00:00+02:00", None, False, None),
    ("vendredi 5 juin 2026 à 20h30", "2026-06-05T20:30:00+02:00", None, False, None),
    (
        "rassemblement le samedi 30 mai à 15h00 au bois du fouillet",
        "2026-05-30T15:00:00+02:00",
        None,
        False,
        None,
    ),
    (
        "réunion mercredi 27 mai à 18h30 à la salle Guy Môquet",
        "2026-05-27T18:30:00+02:00",
        None,
        False,
        None,
    ),
    # Parts of the day.
    ("demain soir 8h", "2026-05-21T20:00:00+02:00", None, False, None),
    ("demain matin 9h", "2026-05-21T09:00:00+02:00", None, False, None),
    ("samedi après-midi 3h", "2026-05-23T15:00:00+02:00", None, False, None),
    ("ce matin 11h", "2026-05-20T11:00:00+02:00", None, False, None),
    (
        "l'après-midi de 2h à 5h",
        "2026-05-20T14:00:00+02:00",
        "2026-05-20T17:00:00+02:00",
        False,
        None,
    ),
    # End times.
    (
        "samedi 15h jusqu'à 18h",
        "2026-05-23T15:00:00+02:00",
        "2026-05-23T18:00:00+02:00",
        False,
        None,
    ),
    (
        "samedi de 10h à 18h",
        "2026-05-23T10:00:00+02:00",
        "2026-05-23T18:00:00+02:00",
        False,
        None,
    ),
    ("samedi 10h-18h", "2026-05-23T10:00:00+02:00", "2026-05-23T18:00:00+02:00", False, None),
    (
        "samedi entre 10h et 12h",
        "2026-05-23T10:00:00+02:00",
        "2026-05-23T12:00:00+02:00",
        False,
        None,
    ),
    (
        "samedi de 20h à minuit",
        "2026-05-23T20:00:00+02:00",
        "2026-05-24T00:00:00+02:00",
        False,
        None,
    ),
    ("samedi minuit", "2026-05-24T00:00:00+02:00", None, False, None),
    ("demain 0h", "2026-05-21T00:00:00+02:00", None, False, None),
    ("midi et demi", "2026-05-20T12:30:00+02:00", None, False, None),
    ("15h et quart", "2026-05-20T15:15:00+02:00", None, False, None),
    ("quinze heures samedi", "2026-05-23T15:00:00+02:00", None, False, None),
    ("dès 18h samedi", "2026-05-23T18:00:00+02:00", None, False, None),
    ("à partir de 18h samedi", "2026-05-23T18:00:00+02:00", None, False, None),
    # Spans of days.
    ("du 30 mai au 2 juin", "2026-05-30", "2026-06-02", True, None),
    ("du lundi 3 au vendredi 7 août", "2026-08-03", "2026-08-07", True, None),
    ("du 28 décembre au 3 janvier", "2026-12-28", "2027-01-03", True, None),
    ("du samedi au lundi", "2026-05-23", "2026-05-25", True, None),
    ("le week-end du 6 juin", "2026-06-06", "2026-06-07", True, None),
    ("ce week-end", "2026-05-23", "2026-05-24", True, None),
    (
        "du samedi 22h au dimanche 2h",
        "2026-05-23T22:00:00+02:00",
        "2026-05-24T02:00:00+02:00",
        False,
        None,
    ),
    (
        "du 3 juin 18h au 5 juin 12h",
        "2026-06-03T18:00:00+02:00",
        "2026-06-05T12:00:00+02:00",
        False,
        None,
    ),
    (
        "du 3 au 7 août de 10h à 18h",
        "2026-08-03T10:00:00+02:00",
        "2026-08-03T18:00:00+02:00",
        False,
        "FREQ=DAILY;COUNT=5",
    ),
    # Weekdays: the next one; today only while the hour is ahead; "prochain" never today.
    ("samedi prochain", "2026-05-23", "2026-05-23", True, None),
    ("prochain samedi 10h", "2026-05-23T10:00:00+02:00", None, False, None),
    ("ce samedi 10h", "2026-05-23T10:00:00+02:00", None, False, None),
    ("mercredi prochain 9h", "2026-05-27T09:00:00+02:00", None, False, None),
    ("mercredi prochain 18h", "2026-05-27T18:00:00+02:00", None, False, None),
    ("mercredi 9h", "2026-05-27T09:00:00+02:00", None, False, None),
    ("mercredi 11h", "2026-05-20T11:00:00+02:00", None, False, None),
    ("mercredi", "2026-05-20", "2026-05-20", True, None),
    ("jeudi demain", "2026-05-21", "2026-05-21", True, None),
    ("dans une semaine", "2026-05-27", "2026-05-27", True, None),
    ("dans 2 semaines 10h", "2026-06-03T10:00:00+02:00", None, False, None),
    # Recurrences.
    ("chaque mercredi 18h", "2026-05-20T18:00:00+02:00", None, False, "FREQ=WEEKLY;BYDAY=WE"),
    ("tous les mercredis", "2026-05-20", "2026-05-20", True, "FREQ=WEEKLY;BYDAY=WE"),
    (
        "les mercredis et samedis de 10h à 18h",
        "2026-05-23T10:00:00+02:00",
        "2026-05-23T18:00:00+02:00",
        False,
        "FREQ=WEEKLY;BYDAY=WE,SA",
    ),
    (
        "les mercredis et les samedis de 11h à 18h",
        "2026-05-20T11:00:00+02:00",
        "2026-05-20T18:00:00+02:00",
        False,
        "FREQ=WEEKLY;BYDAY=WE,SA",
    ),
    (
        "tous les lundis, mercredis et vendredis 18h",
        "2026-05-20T18:00:00+02:00",
        None,
        False,
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    ),
    ("tous les jours à 18h", "2026-05-20T18:00:00+02:00", None, False, "FREQ=DAILY"),
    (
        "tous les mercredis de 14h à 21h à partir du 3 juin",
        "2026-06-03T14:00:00+02:00",
        "2026-06-03T21:00:00+02:00",
        False,
        "FREQ=WEEKLY;BYDAY=WE",
    ),
    (
        "tous les mercredis 18h jusqu'au 30 juin",
        "2026-05-20T18:00:00+02:00",
        None,
        False,
        "FREQ=WEEKLY;BYDAY=WE;UNTIL=20260630T215959Z",
    ),
    (
        "tous les mercredis jusqu'au 30 juin",
        "2026-05-20",
        "2026-05-20",
        True,
        "FREQ=WEEKLY;BYDAY=WE;UNTIL=20260630",
    ),
    # The autumn repeated hour: the first one (summer time).
    ("25 octobre 2026 2h30", "2026-10-25T02:30:00+02:00", None, False, None),
    ("25 octobre 2026 3h", "2026-10-25T03:00:00+01:00", None, False, None),
]

ERROR_TABLE: list[tuple[str, WhenErrorKind]] = [
    ("", K.NO_DATE),
    ("bientôt", K.NO_DATE),
    ("réunion à la salle", K.NO_DATE),
    ("demain soir", K.NO_TIME),
    ("samedi après-midi", K.NO_TIME),
    ("ce matin", K.NO_TIME),
    ("jusqu'à 18h", K.NO_TIME),
    ("du 3 juin 18h au 5 juin", K.NO_TIME),
    ("samedi 4 juin", K.WEEKDAY_MISMATCH),
    ("rassemblement le samedi 4 juin à 15h00", K.WEEKDAY_MISMATCH),
    ("vendredi 23/05 15h", K.WEEKDAY_MISMATCH),
    ("le week-end du 4 juin", K.WEEKDAY_MISMATCH),
    ("31/02", K.INVALID_DATE),
    ("30 février", K.INVALID_DATE),
    ("31 juin", K.INVALID_DATE),
    ("le 31 juin", K.INVALID_DATE),
    ("12/13", K.INVALID_DATE),
    ("32 mai", K.INVALID_DATE),
    ("25h", K.INVALID_TIME),
    ("14h75", K.INVALID_TIME),
    ("demain 25h", K.INVALID_TIME),
    ("16/05", K.PAST),
    ("lundi 4 mai", K.PAST),
    ("4 juin 2025", K.PAST),
    ("à 9h", K.PAST),
    ("ce matin 9h", K.PAST),
    ("aujourd'hui 9h30", K.PAST),
    ("20/05 9h", K.PAST),
    ("samedi dernier", K.PAST),
    ("hier", K.PAST),
    ("avant-hier 18h", K.PAST),
    ("samedi de 18h à 10h", K.END_BEFORE_START),
    ("de 10h à 10h", K.END_BEFORE_START),
    ("du 2 juin au 30 mai", K.END_BEFORE_START),
    ("du 30 au 2 juin", K.END_BEFORE_START),
    ("tous les mercredis jusqu'au 1er mai", K.END_BEFORE_START),
    ("les mercredis de 14h à 21h et les samedis de 10h à 18h", K.SEVERAL_SLOTS),
    ("les mercredis (de 14h à 21h) et samedis (de 10h à 18h)", K.SEVERAL_SLOTS),
    ("tous les jours 9h et tous les samedis 10h", K.SEVERAL_SLOTS),
    ("demain samedi", K.CONFLICT),
    ("demain 15h 16h", K.CONFLICT),
    ("demain, du 3 au 7 août", K.CONFLICT),
    ("jusqu'au 7 août", K.UNCLEAR),
    ("samedi 15h 13 rue de la paix", K.UNCLEAR),
    ("15h 30", K.UNCLEAR),
    ("dans 2 heures", K.UNCLEAR),
    ("tous les 15 jours", K.UNCLEAR),
    ("en juin", K.UNCLEAR),
    ("demain matin 15h", K.UNCLEAR),
    ("ce soir 15h", K.UNCLEAR),
    ("tous les mercredis 3 juin", K.UNCLEAR),
]


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _check(found: When, start: str, end: str | None, all_day: bool, rrule: str | None) -> None:
    assert (_iso(found.start), _iso(found.end), found.all_day, found.rrule) == (
        start,
        end,
        all_day,
        rrule,
    )
    if all_day:
        assert type(found.start) is date
    else:
        assert isinstance(found.start, datetime)
        assert found.start.tzinfo is PARIS


@pytest.mark.parametrize(("text", "start", "end", "all_day", "rrule"), OK_TABLE)
def test_parses(text: str, start: str, end: str | None, all_day: bool, rrule: str | None) -> None:
    _check(parse_when(text, NOW, PARIS), start, end, all_day, rrule)


@pytest.mark.parametrize(("text", "kind"), ERROR_TABLE)
def test_refuses(text: str, kind: WhenErrorKind) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW, PARIS)
    assert caught.value.kind is kind
    message = str(caught.value)
    # Every refusal says what to do: an example to type, or what to check or choose.
    assert any(hint in message for hint in ("«", "Vérifiez", "Choisissez", "Gardez"))
    assert "·" not in message


def test_tables_are_large_enough() -> None:
    assert len(OK_TABLE) + len(ERROR_TABLE) >= 80
    assert len({text for text, *_ in OK_TABLE}) == len(OK_TABLE)


# --- other moments: daylight saving, year end, the 2022 seed, a Saturday -----------------


@pytest.mark.parametrize(
    ("now", "text", "start", "end", "all_day"),
    [
        # Spring forward on Sunday 29 March 2026.
        ("2026-03-20T10:00", "dimanche 29 mars 10h", "2026-03-29T10:00:00+02:00", None, False),
        ("2026-03-20T10:00", "samedi 28 mars 10h", "2026-03-28T10:00:00+01:00", None, False),
        ("2026-03-20T10:00", "dimanche 29 mars 1h59", "2026-03-29T01:59:00+01:00", None, False),
        ("2026-03-20T10:00", "dimanche 29 mars 3h", "2026-03-29T03:00:00+02:00", None, False),
        (
            "2026-03-20T10:00",
            "du samedi 28 mars 22h au dimanche 29 mars 4h",
            "2026-03-28T22:00:00+01:00",
            "2026-03-29T04:00:00+02:00",
            False,
        ),
        # Fall back on Sunday 25 October 2026.
        ("2026-10-20T10:00", "dimanche 25 octobre 2h30", "2026-10-25T02:30:00+02:00", None, False),
        ("2026-10-20T10:00", "dimanche 25 octobre 1h30", "2026-10-25T01:30:00+02:00", None, False),
        ("2026-10-20T10:00", "samedi 24 octobre 10h", "2026-10-24T10:00:00+02:00", None, False),
        ("2026-10-20T10:00", "dimanche 10h", "2026-10-25T10:00:00+01:00", None, False),
        # Year end: a day without a year more than six months past is next year's.
        ("2026-12-31T10:00", "2/01 10h", "2027-01-02T10:00:00+01:00", None, False),
        ("2026-12-31T10:00", "du 31/12 au 2/01", "2026-12-31", "2027-01-02", True),
        ("2026-12-31T10:00", "demain 10h", "2027-01-01T10:00:00+01:00", None, False),
        ("2026-12-31T10:00", "samedi 2 janvier", "2027-01-02", "2027-01-02", True),
        ("2026-12-31T10:00", "le 5", "2027-01-05", "2027-01-05", True),
        ("2026-12-31T10:00", "31/12 20h", "2026-12-31T20:00:00+01:00", None, False),
        ("2026-12-31T10:00", "minuit", "2027-01-01T00:00:00+01:00", None, False),
        # The seed newsletter, read in May 2022.
        (
            "2022-05-20T10:00",
            "rassemblement le samedi 4 juin à 15h00",
            "2022-06-04T15:00:00+02:00",
            None,
            False,
        ),
        (
            "2022-05-20T10:00",
            "Mercredi 1er juin 2022 à 18h30",
            "2022-06-01T18:30:00+02:00",
            None,
            False,
        ),
        (
            "2022-05-20T10:00",
            "samedi 28 mai de 10h30 à 12h",
            "2022-05-28T10:30:00+02:00",
            "2022-05-28T12:00:00+02:00",
            False,
        ),
        ("2026-04-28T09:00", "lundi 4 mai", "2026-05-04", "2026-05-04", True),
        # On a Saturday afternoon.
        ("2026-05-23T16:00", "samedi prochain", "2026-05-30", "2026-05-30", True),
        ("2026-05-23T16:00", "samedi", "2026-05-23", "2026-05-23", True),
        ("2026-05-23T16:00", "samedi 15h", "2026-05-30T15:00:00+02:00", None, False),
        ("2026-05-23T16:00", "samedi 18h", "2026-05-23T18:00:00+02:00", None, False),
        ("2026-05-24T16:00", "ce week-end", "2026-05-24", "2026-05-24", True),
    ],
)
def test_parses_at_other_moments(
    now: str, text: str, start: str, end: str | None, all_day: bool
) -> None:
    moment = datetime.fromisoformat(now).replace(tzinfo=PARIS)
    _check(parse_when(text, moment, PARIS), start, end, all_day, None)


@pytest.mark.parametrize(
    ("now", "text", "kind"),
    [
        ("2026-03-20T10:00", "29 mars 2026 2h30", K.NONEXISTENT_TIME),
        ("2026-03-20T10:00", "dimanche 29 mars 2h", K.NONEXISTENT_TIME),
        ("2026-12-31T10:00", "30/12", K.PAST),
        ("2026-12-31T10:00", "ce matin 9h", K.PAST),
        (
            "2022-05-20T10:00",
            "les mercredis (de 14h à 21h) et samedis (de 10h à 18h)",
            K.SEVERAL_SLOTS,
        ),
    ],
)
def test_refuses_at_other_moments(now: str, text: str, kind: WhenErrorKind) -> None:
    moment = datetime.fromisoformat(now).replace(tzinfo=PARIS)
    with pytest.raises(WhenError) as caught:
        parse_when(text, moment, PARIS)
    assert caught.value.kind is kind


def test_now_in_another_zone_is_converted() -> None:
    # 23:30 UTC on 20 May is already 21 May in Paris.
    now_utc = datetime(2026, 5, 20, 23, 30, tzinfo=UTC)
    found = parse_when("demain 10h", now_utc, PARIS)
    assert _iso(found.start) == "2026-05-22T10:00:00+02:00"


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("demain 10h", datetime(2026, 5, 20, 10, 0), PARIS)


# --- messages ----------------------------------------------------------------------------


def test_weekday_contradiction_names_the_real_weekday() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("samedi 4 juin", NOW, PARIS)
    assert str(caught.value) == "Le 4 juin 2026 est un jeudi, pas un samedi. Vérifiez la date."


def test_several_slots_message_gives_both_events_to_add() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("les mercredis de 14h à 21h et les samedis de 10h à 18h", NOW, PARIS)
    message = str(caught.value)
    assert "« tous les mercredis de 14h à 21h »" in message
    assert "« tous les samedis de 10h à 18h »" in message


def test_hour_already_past_today_suggests_tomorrow() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("9h", NOW, PARIS)
    assert "« demain 9h »" in str(caught.value)


def test_recently_past_date_suggests_adding_the_year() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("16/05", NOW, PARIS)
    assert "« 16/05/2027 »" in str(caught.value)


def test_daylight_saving_gap_message_offers_a_later_hour() -> None:
    moment = datetime(2026, 3, 20, 10, 0, tzinfo=PARIS)
    with pytest.raises(WhenError) as caught:
        parse_when("dimanche 29 mars 2h30", moment, PARIS)
    assert "« 3h30 »" in str(caught.value)


def test_evening_without_hour_asks_for_one() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("demain soir", NOW, PARIS)
    assert str(caught.value) == (
        "Le soir, à quelle heure ? Ajoutez l'heure, par exemple « jeudi 21 mai 20h »."
    )


# --- describe() --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("samedi 15h", "samedi 23 mai 2026, 15:00"),
        ("demain 9h", "jeudi 21 mai 2026, 09:00"),
        ("1er juin 2026 18h30", "lundi 1er juin 2026, 18:30"),
        ("lundi 25 mai", "lundi 25 mai 2026"),
        ("du 3 au 7 août", "du lundi 3 au vendredi 7 août 2026"),
        ("du 30 mai au 2 juin", "du samedi 30 mai au mardi 2 juin 2026"),
        ("du 28 décembre au 3 janvier", "du lundi 28 décembre 2026 au dimanche 3 janvier 2027"),
        ("samedi 30 mai de 10h à 18h", "samedi 30 mai 2026, de 10:00 à 18:00"),
        ("samedi de 20h à minuit", "samedi 23 mai 2026, de 20:00 à minuit"),
        (
            "du samedi 22h au dimanche 2h",
            "du samedi 23 mai 2026, 22:00 au dimanche 24 mai 2026, 02:00",
        ),
        (
            "tous les mercredis de 14h à 21h à partir du 27 mai",
            "tous les mercredis, de 14:00 à 21:00 (à partir du mercredi 27 mai 2026)",
        ),
        (
            "les mercredis et samedis de 10h à 18h",
            "tous les mercredis et samedis, de 10:00 à 18:00 (à partir du samedi 23 mai 2026)",
        ),
        (
            "tous les lundis, mercredis et vendredis 18h",
            "tous les lundis, mercredis et vendredis, 18:00 (à partir du mercredi 20 mai 2026)",
        ),
        (
            "tous les mercredis 18h jusqu'au 30 juin",
            "tous les mercredis, 18:00 (du mercredi 20 mai au mardi 30 juin 2026)",
        ),
        ("tous les mercredis", "tous les mercredis (à partir du mercredi 20 mai 2026)"),
        (
            "du 3 au 7 août de 10h à 18h",
            "tous les jours, de 10:00 à 18:00 (du lundi 3 au vendredi 7 août 2026)",
        ),
    ],
)
def test_describe(text: str, expected: str) -> None:
    assert parse_when(text, NOW, PARIS).describe() == expected


def test_describe_a_value_built_by_hand() -> None:
    assert When(date(2026, 5, 23), None, True).describe() == "samedi 23 mai 2026"
    start = datetime(2026, 3, 29, 10, 0, tzinfo=PARIS)
    assert When(start, None, False).describe() == "dimanche 29 mars 2026, 10:00"


# --- to_json() ---------------------------------------------------------------------------


def test_to_json_timed() -> None:
    found = parse_when("samedi 30 mai de 10h à 18h", NOW, PARIS)
    assert found.to_json() == {
        "start": "2026-05-30T10:00:00+02:00",
        "end": "2026-05-30T18:00:00+02:00",
        "all_day": False,
    }


def test_to_json_all_day_and_no_end() -> None:
    assert parse_when("du 3 au 7 août", NOW, PARIS).to_json() == {
        "start": "2026-08-03",
        "end": "2026-08-07",
        "all_day": True,
    }
    assert parse_when("samedi 15h", NOW, PARIS).to_json() == {
        "start": "2026-05-23T15:00:00+02:00",
        "end": None,
        "all_day": False,
    }


def test_to_json_recurrence_round_trips_through_json() -> None:
    data = parse_when("tous les mercredis de 14h à 21h", NOW, PARIS).to_json()
    assert data["rrule"] == "FREQ=WEEKLY;BYDAY=WE"
    assert json.loads(json.dumps(data)) == data
    assert datetime.fromisoformat(str(data["start"])) == datetime(2026, 5, 20, 14, 0, tzinfo=PARIS)
