"""Clocks that tests move by hand (the code under test takes its clock as a parameter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)


class Clock:
    """A frozen clock returning aware datetimes."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


class Seconds:
    """A frozen clock returning seconds (like time.monotonic or time.time)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
