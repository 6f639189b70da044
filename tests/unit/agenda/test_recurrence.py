"""Recurrence expansion: weekly slots in local time across DST, EXDATE, moved dates,
UNTIL/COUNT, all-day spans, and the window queries listings use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from commands.agenda.model import Event, Override, occurrence_key
from commands.agenda.recurrence import (
    iter_occurrences,
    last_end,
    occurrence_for_key,
    occurrences_between,
    rrule_for_all_day,
    rrule_with_utc_until,
)
from tests.unit.agenda.conftest import PARIS


def event(start: datetime, end: datetime | None = None, **kwargs: Any) -> Event:
    return Event(
        id=1,
        group="le-mans",
        kind="chantier",
        title="Chantier participatif",
        start=start.astimezone(UTC),
        end=None if end is None else end.astimezone(UTC),
        tz="Europe/Paris",
        **kwargs,
    )


def local(occurrences: list[Any]) -> list[str]:
    return [o.start.astimezone(PARIS).strftime("%Y-%m-%d %H:%M%z") for o in occurrences]


WEDNESDAY = datetime(2026, 3, 18, 14, 0, tzinfo=PARIS)
WEEKLY = event(WEDNESDAY, WEDNESDAY.replace(hour=21), rrule="FREQ=WEEKLY;BYDAY=WE")


def test_weekly_slot_keeps_its_local_hours_across_the_spring_change() -> None:
    found = list(zip(range(3), iter_occurrences(WEEKLY), strict=False))
    occurrences = [o for _, o in found]
    assert local(occurrences) == [
        "2026-03-18 14:00+0100",
        "2026-03-25 14:00+0100",
        "2026-04-01 14:00+0200",  # after 29 March: still 14:00, now summer time
    ]
    ends = [o.end.astimezone(PARIS).strftime("%H:%M") for o in occurrences if o.end]
    assert ends == ["21:00", "21:00", "21:00"]


def test_weekly_slot_across_the_autumn_change() -> None:
    start = datetime(2026, 10, 21, 18, 30, tzinfo=PARIS)
    weekly = event(start, rrule="FREQ=WEEKLY")
    occurrences = occurrences_between(
        weekly, datetime(2026, 10, 20, tzinfo=PARIS), datetime(2026, 11, 1, tzinfo=PARIS)
    )
    assert local(occurrences) == ["2026-10-21 18:30+0200", "2026-10-28 18:30+0100"]


def test_exdate_removes_one_date_only() -> None:
    cancelled = occurrence_key(datetime(2026, 3, 25, 14, 0, tzinfo=PARIS), False, PARIS)
    assert cancelled == "20260325T130000Z"
    weekly = event(
        WEDNESDAY, WEDNESDAY.replace(hour=21), rrule="FREQ=WEEKLY", exdates=frozenset({cancelled})
    )
    window = occurrences_between(weekly, WEDNESDAY, WEDNESDAY + timedelta(days=15))
    assert local(window) == ["2026-03-18 14:00+0100", "2026-04-01 14:00+0200"]


def test_override_moves_one_date_and_keeps_its_key() -> None:
    key = "20260325T130000Z"
    moved_start = datetime(2026, 3, 26, 10, 0, tzinfo=PARIS)
    override = Override(
        key,
        moved_start.astimezone(UTC),
        (moved_start + timedelta(hours=3)).astimezone(UTC),
        title="Chantier (déplacé)",
        place="Salle des fêtes",
    )
    weekly = event(
        WEDNESDAY, WEDNESDAY.replace(hour=21), rrule="FREQ=WEEKLY", overrides=(override,)
    )
    window = occurrences_between(weekly, WEDNESDAY, WEDNESDAY + timedelta(days=10))
    assert local(window) == ["2026-03-18 14:00+0100", "2026-03-26 10:00+0100"]
    assert window[1].key == key
    assert window[1].title == "Chantier (déplacé)"
    assert window[1].place == "Salle des fêtes"
    assert occurrence_for_key(weekly, key) == window[1]


def test_until_as_date_or_local_time_is_made_utc_for_expansion() -> None:
    assert rrule_with_utc_until("FREQ=WEEKLY;UNTIL=20260401", PARIS) == (
        "FREQ=WEEKLY;UNTIL=20260401T215959Z"
    )
    assert rrule_with_utc_until("FREQ=DAILY;UNTIL=20260101T100000", PARIS) == (
        "FREQ=DAILY;UNTIL=20260101T090000Z"
    )
    assert rrule_for_all_day("FREQ=DAILY;UNTIL=20260807T215959Z", PARIS) == (
        "FREQ=DAILY;UNTIL=20260807"
    )
    weekly = event(WEDNESDAY, rrule="FREQ=WEEKLY;UNTIL=20260401")
    assert len(list(iter_occurrences(weekly))) == 3
    assert last_end(weekly) == datetime(2026, 4, 1, 14, 0, tzinfo=PARIS).astimezone(UTC)


def test_count_and_never_ending_rules() -> None:
    daily = event(
        datetime(2026, 8, 3, 10, tzinfo=PARIS),
        datetime(2026, 8, 3, 18, tzinfo=PARIS),
        rrule="FREQ=DAILY;COUNT=5",
    )
    assert local(list(iter_occurrences(daily)))[-1] == "2026-08-07 10:00+0200"
    assert last_end(daily) == datetime(2026, 8, 7, 18, tzinfo=PARIS).astimezone(UTC)
    assert last_end(WEEKLY) is None


def test_all_day_span_counts_as_ongoing_in_a_window() -> None:
    camp = event(
        datetime(2026, 8, 3, tzinfo=PARIS), datetime(2026, 8, 8, tzinfo=PARIS), all_day=True
    )
    window = occurrences_between(
        camp, datetime(2026, 8, 5, 12, tzinfo=PARIS), datetime(2026, 8, 6, tzinfo=PARIS)
    )
    assert len(window) == 1
    assert window[0].key == "20260803"
    assert window[0].last_day.isoformat() == "2026-08-07"
    assert (
        occurrences_between(
            camp, datetime(2026, 8, 8, tzinfo=PARIS), datetime(2026, 8, 9, tzinfo=PARIS)
        )
        == []
    )


def test_iterating_from_an_instant_skips_earlier_dates() -> None:
    after = datetime(2026, 3, 20, tzinfo=PARIS)
    first = next(iter_occurrences(WEEKLY, after))
    assert local([first]) == ["2026-03-25 14:00+0100"]


def test_a_broken_rule_yields_nothing_instead_of_failing() -> None:
    broken = event(WEDNESDAY, rrule="FREQ=WEEKLY;BYDAY=XX")
    assert list(iter_occurrences(broken)) == []
