"""A letter's week, its instants and its id: pure, no I/O.

A letter belongs to a group and an ISO week. Its id ("le-mans-2026-W22") is stable: every
channel's outbox key derives from it, so whatever happens (a restart, `!lettre envoyer`
then the scheduled time), each channel gets one letter per week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from commands.lettre.config import LetterConfig


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @staticmethod
    def of(moment: datetime | date) -> Week:
        day = moment.date() if isinstance(moment, datetime) else moment
        iso = day.isocalendar()
        return Week(iso.year, iso.week)

    @staticmethod
    def parse(text: str) -> Week | None:
        """'2026-22' (as in /lettre/2026-22) → Week(2026, 22)."""
        year, sep, number = text.partition("-")
        if not sep or not (year.isdigit() and number.isdigit()) or len(year) != 4:
            return None
        try:
            date.fromisocalendar(int(year), int(number), 1)
        except ValueError:
            return None
        return Week(int(year), int(number))

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.number:02d}"

    def day(self, weekday: int) -> date:
        return date.fromisocalendar(self.year, self.number, weekday + 1)

    def next(self) -> Week:
        return Week.of(self.day(0) + timedelta(days=7))


def letter_id(group: str, week: Week) -> str:
    return f"{group}-{week.year}-W{week.number:02d}"


def _local(day: date, clock: object, zone: ZoneInfo) -> datetime:
    # A wall time that does not exist (a spring change at that hour) moves forward.
    moment = datetime.combine(day, clock, tzinfo=zone)  # type: ignore[arg-type]
    return moment.astimezone(UTC).astimezone(zone)


def send_at(week: Week, settings: LetterConfig, zone: ZoneInfo) -> datetime:
    return _local(week.day(settings.weekday), settings.at, zone)


def preview_at(week: Week, settings: LetterConfig, zone: ZoneInfo) -> datetime:
    day = week.day(settings.weekday) - timedelta(days=settings.preview_days_before)
    return _local(day, settings.preview_at, zone)


def window(week: Week, settings: LetterConfig, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """What a letter covers: from its send time, `days_ahead` days."""
    start = send_at(week, settings, zone)
    end = datetime.combine(
        start.date() + timedelta(days=settings.days_ahead), datetime.min.time(), tzinfo=zone
    )
    return start, end
