"""What the grammar finds in a text: small values, one per piece of meaning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class DayRef:
    """A day as written. `abs`: day+month(+year); `dom`: "le 4"; `rel`: "demain"; `wd`: "samedi"."""

    kind: Literal["abs", "dom", "rel", "wd"]
    day: int = 0
    month: int = 0
    year: int | None = None
    weekday: int | None = None
    offset: int = 0
    following: bool = False  # "samedi prochain": never today


@dataclass(frozen=True)
class Clock:
    """An hour of the day; hour 24 is "minuit", the end of the day."""

    hour: int
    minute: int
    text: str


@dataclass(frozen=True)
class TimeSpan:
    start: Clock | None  # None for "jusqu'à 18h"
    end: Clock


@dataclass(frozen=True)
class DayRange:
    start: DayRef
    start_time: Clock | None
    end: DayRef
    end_time: Clock | None


@dataclass(frozen=True)
class Weekend:
    day: DayRef | None  # None: the coming week-end


@dataclass(frozen=True)
class Period:
    name: str  # "matin", "apres-midi", "soir"


@dataclass(frozen=True)
class Recur:
    weekdays: tuple[int, ...]  # empty: every day


LAST = -1  # Monthly.nth for "le dernier … du mois"


@dataclass(frozen=True)
class Monthly:
    """Every month: the `nth` `weekday` (nth LAST: the last one), or day `day`."""

    nth: int = 0
    weekday: int | None = None
    day: int | None = None


@dataclass(frozen=True)
class Since:
    day: DayRef


@dataclass(frozen=True)
class Until:
    day: DayRef


@dataclass(frozen=True)
class Sep:
    """A lone "et" between phrases: separates recurring slots."""


Phrase = (
    DayRef | Clock | TimeSpan | DayRange | Weekend | Period | Recur | Monthly | Since | Until | Sep
)
