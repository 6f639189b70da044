"""What is due when, as pure functions of an instant: windows, next checks, verdicts,
recurrence with exceptions and daylight-saving days."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from commands.agenda.model import Event
from commands.agenda.offsets import Offset
from commands.agenda.reminders import Due, Verdict, decide, due_between, next_check, next_instant
from tests.unit.agenda.conftest import PARIS

J7, VEILLE, TWO_HOURS = Offset(days=7), Offset(days=1, at=time(18)), Offset(minutes=120)
OFFSETS = (J7, VEILLE, TWO_HOURS)
HORIZON = timedelta(days=366)


def single(start: datetime, **kwargs: object) -> Event:
    return Event(
        id=7,
        group="le-mans",
        kind="manifestation",
        title="Manifestation",
        start=start.astimezone(UTC),
        end=None,
        tz="Europe/Paris",
        **kwargs,  # type: ignore[arg-type]
    )


SATURDAY = datetime(2026, 6, 6, 15, 0, tzinfo=PARIS)


def paris(due: list[Due]) -> list[str]:
    return [d.instant.astimezone(PARIS).strftime("%m-%d %H:%M") for d in due]


def test_all_three_reminders_of_a_single_event() -> None:
    due = due_between(single(SATURDAY), OFFSETS, SATURDAY - timedelta(days=30), SATURDAY)
    assert paris(due) == ["05-30 15:00", "06-05 18:00", "06-06 13:00"]
    assert {d.occurrence.key for d in due} == {"20260606T130000Z"}


def test_window_bounds_are_after_exclusive_until_inclusive() -> None:
    event = single(SATURDAY)
    veille = datetime(2026, 6, 5, 18, 0, tzinfo=PARIS)
    assert paris(due_between(event, OFFSETS, veille - timedelta(seconds=1), veille)) == [
        "06-05 18:00"
    ]
    assert due_between(event, OFFSETS, veille, veille + timedelta(hours=1)) == []


def test_reminders_after_the_start_are_never_due() -> None:
    # Created on Saturday at 14:00 for 15:00: "la veille" and "J-7" lie in the past and
    # "2h" (13:00) too; nothing is due after the creation instant.
    event = single(SATURDAY)
    created = datetime(2026, 6, 6, 14, 0, tzinfo=PARIS)
    assert due_between(event, OFFSETS, created, SATURDAY + timedelta(days=1)) == []
    assert next_check(event, OFFSETS, created, HORIZON) is None


def test_next_instant_and_next_check() -> None:
    event = single(SATURDAY)
    start = datetime(2026, 5, 1, tzinfo=PARIS)
    assert next_instant(event, OFFSETS, start, start + HORIZON) == datetime(
        2026, 5, 30, 13, 0, tzinfo=UTC
    )
    after_first = datetime(2026, 5, 30, 15, 0, tzinfo=PARIS)
    assert next_check(event, OFFSETS, after_first, HORIZON) == datetime(
        2026, 6, 5, 16, 0, tzinfo=UTC
    )


def test_weekly_event_with_an_exception_skips_that_date() -> None:
    wednesday = datetime(2026, 5, 20, 14, 0, tzinfo=PARIS)
    event = single(wednesday, rrule="FREQ=WEEKLY;BYDAY=WE", exdates=frozenset({"20260527T120000Z"}))
    due = due_between(event, (VEILLE,), wednesday, wednesday + timedelta(days=14))
    assert paris(due) == ["06-02 18:00"]  # the reminder for 27 May is gone with its date
    assert next_check(event, (VEILLE,), wednesday, HORIZON) == datetime(
        2026, 6, 2, 16, 0, tzinfo=UTC
    )


def test_endless_rule_with_nothing_in_horizon_is_looked_at_again_later() -> None:
    # Yearly, far ahead: no reminder within a short horizon, but the rule goes on.
    event = single(datetime(2027, 6, 6, 15, tzinfo=PARIS), rrule="FREQ=YEARLY")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_check(event, (TWO_HOURS,), now, timedelta(days=30)) == now + timedelta(days=30)


def test_cancelled_events_and_no_offsets_have_nothing_due() -> None:
    now = SATURDAY - timedelta(days=30)
    assert due_between(single(SATURDAY, status="cancelled"), OFFSETS, now, SATURDAY) == []
    assert due_between(single(SATURDAY), (), now, SATURDAY) == []
    assert next_check(single(SATURDAY, status="cancelled"), OFFSETS, now, HORIZON) is None


def test_reminders_on_the_spring_daylight_saving_day() -> None:
    # Sunday 29 March 2026 at 10:00 CEST; the night before had no 02:00-03:00.
    sunday = datetime(2026, 3, 29, 10, 0, tzinfo=PARIS)
    due = due_between(single(sunday), OFFSETS, sunday - timedelta(days=8), sunday)
    assert [d.instant for d in due] == [
        datetime(2026, 3, 22, 9, 0, tzinfo=UTC),  # J-7 at 10:00 CET
        datetime(2026, 3, 28, 17, 0, tzinfo=UTC),  # la veille à 18:00 CET
        datetime(2026, 3, 29, 6, 0, tzinfo=UTC),  # 2 h before 08:00 UTC
    ]


def test_reminders_on_the_autumn_daylight_saving_day() -> None:
    # Sunday 25 October 2026: at 03:00 CEST clocks go back to 02:00 CET, so 02:xx
    # happens twice. Event at 03:30 CET (02:30 UTC): two real hours before is the
    # first 02:30 (summer time), not the second one.
    sunday = datetime(2026, 10, 25, 3, 30, tzinfo=PARIS)
    due = due_between(single(sunday), (TWO_HOURS,), sunday - timedelta(days=1), sunday)
    assert [d.instant for d in due] == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]
    assert due[0].instant.astimezone(PARIS).strftime("%H:%M%z") == "02:30+0200"


def test_all_day_events_count_from_nine_in_the_morning() -> None:
    camp = Event(
        id=3,
        group="le-mans",
        kind="autre",
        title="Camp climat",
        start=datetime(2026, 8, 3, tzinfo=PARIS).astimezone(UTC),
        end=datetime(2026, 8, 8, tzinfo=PARIS).astimezone(UTC),
        tz="Europe/Paris",
        all_day=True,
    )
    due = due_between(
        camp,
        (Offset(days=1), TWO_HOURS),
        datetime(2026, 7, 1, tzinfo=UTC),
        datetime(2026, 8, 4, tzinfo=UTC),
    )
    assert paris(due) == ["08-02 09:00", "08-03 07:00"]


def test_verdicts() -> None:
    due = due_between(single(SATURDAY), (TWO_HOURS,), SATURDAY - timedelta(days=1), SATURDAY)[0]
    grace = timedelta(hours=1)
    assert decide(due, due.instant, grace) is Verdict.SEND
    assert decide(due, due.instant + timedelta(minutes=1), grace) is Verdict.SEND
    assert decide(due, due.instant + timedelta(minutes=30), grace) is Verdict.LATE
    assert decide(due, due.instant + timedelta(minutes=61), grace) is Verdict.TOO_LATE
    assert decide(due, SATURDAY, timedelta(hours=5)) is Verdict.STARTED
