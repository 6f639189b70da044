"""The one error the date parser raises, and its kinds."""

from __future__ import annotations

from enum import StrEnum


class WhenErrorKind(StrEnum):
    NO_DATE = "no_date"  # nothing that looks like a day or an hour
    NO_TIME = "no_time"  # "demain soir": a part of the day but no hour
    INVALID_DATE = "invalid_date"  # 31/02, 30 février, month 13
    INVALID_TIME = "invalid_time"  # 25h, 14h75
    WEEKDAY_MISMATCH = "weekday_mismatch"  # "samedi 4 juin" when 4 June is a Thursday
    PAST = "past"  # before now
    END_BEFORE_START = "end_before_start"
    NONEXISTENT_TIME = "nonexistent_time"  # inside the spring daylight-saving gap
    SEVERAL_SLOTS = "several_slots"  # two recurring slots with different hours
    CONFLICT = "conflict"  # two different days, or two hours without "de … à"
    UNCLEAR = "unclear"  # a number or phrase we will not guess about


class WhenError(ValueError):
    """A date the parser will not guess about.

    `str(error)` is a short French message saying what to type instead; `kind` lets
    callers and tests tell the cases apart.
    """

    def __init__(self, kind: WhenErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message
