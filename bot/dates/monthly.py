"""Monthly recurrences: "le premier samedi du mois 10h", "le 15 de chaque mois".

Reading (`read_monthly`, called by the grammar before anything else) and building
(`build_monthly`, called by `parse_when` when a `Monthly` phrase was found):

- "le premier samedi du mois", "chaque 2e mardi du mois", "tous les premiers samedis du
  mois", "le dernier vendredi du mois" → RRULE FREQ=MONTHLY;BYDAY=1SA (or -1FR); the
  first to fourth weekday of a month, or the last one (a fifth does not exist every
  month: refused with a hint).
- "le 15 de chaque mois", "tous les mois le 15", "chaque mois le 1er" →
  FREQ=MONTHLY;BYMONTHDAY=15. Days 29 to 31 are refused: some months lack them and the
  rule would silently skip those months.
- Hours, "à partir du", "jusqu'au" work as for the weekly recurrences; without an hour
  the event is all-day. "tous les mois" without a day is an error asking for one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

from bot.dates import describe as txt
from bot.dates.build import Resolved, _merge_times, _period_of, _with_period, finish_recurrence
from bot.dates.errors import WhenError, WhenErrorKind
from bot.dates.lexicon import RRULE_DAYS
from bot.dates.phrases import (
    LAST,
    Clock,
    DayRange,
    DayRef,
    Monthly,
    Phrase,
    Recur,
    Since,
    TimeSpan,
    Until,
    Weekend,
)
from bot.dates.resolve import Context, resolve_day, still_ahead
from bot.dates.tokens import Kind, Token

MAX_NTH = 4
MAX_MONTH_DAY = 28
_SCAN_DAYS = 400  # a matching day always comes within 13 months


class _Reader(Protocol):
    pos: int

    def at(self, offset: int = 0) -> Token | None: ...

    def word(self, offset: int, *words: str) -> bool: ...

    def number(self, offset: int) -> int | None: ...


def needs_day() -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        "Quel jour du mois ? Écrivez par exemple « le premier samedi du mois 10h » ou "
        "« le 15 de chaque mois 18h ».",
    )


def bad_rank() -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        "Je sais répéter le premier, deuxième, troisième, quatrième ou dernier jour de la "
        "semaine du mois, par exemple « le dernier vendredi du mois 18h ».",
    )


def day_too_late(day: int) -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        f"Certains mois n'ont pas de {day} : choisissez un jour du 1er au 28, ou par "
        "exemple « le dernier vendredi du mois ».",
    )


def _of_every_month(p: _Reader, offset: int) -> int:
    """Length of "du mois", "de chaque mois", "de tous les mois" at `offset` (0: none)."""
    if not p.word(offset, "du", "de"):
        return 0
    if p.word(offset + 1, "mois"):
        return 2
    if p.word(offset + 1, "tous") and p.word(offset + 2, "les") and p.word(offset + 3, "mois"):
        return 4
    if p.word(offset + 1, "tous") and p.word(offset + 2, "mois"):
        return 3
    return 0


def read_monthly(p: _Reader) -> Monthly | None:
    start = p.pos
    found = _nth_weekday(p) or _day_of_month(p)
    if found is None:
        p.pos = start
    return found


def _nth_weekday(p: _Reader) -> Monthly | None:
    offset = 0
    if p.word(0, "le", "tous"):
        offset = 2 if p.word(1, "les") else 1
    nth = LAST if p.word(offset, "dernier") else (p.number(offset) or 0)
    weekday = p.at(offset + 1)
    if not nth or weekday is None or weekday.kind is not Kind.WEEKDAY:
        return None
    tail = _of_every_month(p, offset + 2)
    if not tail:
        return None
    if nth != LAST and not 1 <= nth <= MAX_NTH:
        raise bad_rank()
    p.pos += offset + 2 + tail
    return Monthly(nth=nth, weekday=weekday.value)


def _day_of_month(p: _Reader) -> Monthly | None:
    # "tous les mois le 15", "chaque mois le 1er"
    if p.word(0, "tous") and (p.word(1, "mois") or (p.word(1, "les") and p.word(2, "mois"))):
        offset = 2 if p.word(1, "mois") else 3
        if p.word(offset, "le") and p.number(offset + 1) is not None:
            day = p.number(offset + 1) or 0
            p.pos += offset + 2
            return _checked(day)
        raise needs_day()
    # "le 15 de chaque mois", "le 1er de tous les mois"
    if p.word(0, "le") and p.number(1) is not None:
        tail = _of_every_month(p, 2)
        if tail and not p.word(2, "du"):  # "le 15 du mois" could mean this month's 15th
            day = p.number(1) or 0
            p.pos += 2 + tail
            return _checked(day)
    return None


def _checked(day: int) -> Monthly:
    if not 1 <= day <= MAX_MONTH_DAY:
        raise day_too_late(day) if 28 < day <= 31 else needs_day()
    return Monthly(day=day)


# --- building --------------------------------------------------------------------------


def _matches(day: date, rule: Monthly) -> bool:
    if rule.day is not None:
        return day.day == rule.day
    if day.weekday() != rule.weekday:
        return False
    if rule.nth == LAST:
        return (day + timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 + 1 == rule.nth


def rrule_of(rule: Monthly) -> str:
    if rule.day is not None:
        return f"FREQ=MONTHLY;BYMONTHDAY={rule.day}"
    assert rule.weekday is not None
    return f"FREQ=MONTHLY;BYDAY={rule.nth}{RRULE_DAYS[rule.weekday]}"


def build_monthly(phrases: Sequence[Phrase], ctx: Context) -> Resolved:
    rules = [p for p in phrases if isinstance(p, Monthly)]
    if len(rules) > 1 or any(isinstance(p, Recur | DayRef | DayRange | Weekend) for p in phrases):
        raise txt.unclear_recurrence()
    rule = rules[0]
    found = _with_period(
        _merge_times([p for p in phrases if isinstance(p, Clock | TimeSpan)]), _period_of(phrases)
    )
    since = next((p.day for p in phrases if isinstance(p, Since)), None)
    until = next((p.day for p in phrases if isinstance(p, Until)), None)
    first = ctx.today if since is None else max(ctx.today, resolve_day(since, ctx, None))
    clock = None
    if found is not None:
        clock = found if isinstance(found, Clock) else found.start
    day = first
    for _ in range(_SCAN_DAYS):
        if _matches(day, rule) and (day != ctx.today or still_ahead(ctx, clock)):
            break
        day += timedelta(days=1)
    return finish_recurrence(day, found, rrule_of(rule), until, ctx)
