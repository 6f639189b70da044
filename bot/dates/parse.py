"""Read when an event happens from French typed in a hurry.

    parse_when("samedi 30 mai de 10h à 18h", now, ZoneInfo("Europe/Paris"))

Pure: no I/O, no engine imports. Everything is interpreted in `tz`.

Choices (each one is tested in tests/unit/agenda/test_when.py):
- A day without an hour is an all-day event (`end` is its last day, inclusive).
- A weekday alone ("samedi") is the next such day; today counts only while the hour is
  still ahead (and, without an hour, today counts). "samedi prochain" is also the next
  Saturday, as in common French usage, but never today: said on a Saturday it means in
  seven days. "samedi dernier" is an error (past).
- An hour without a day ("15h") is today if still ahead, else an error suggesting
  « demain 15h ». "minuit" is the end of the day: "samedi minuit" is Sunday 00:00,
  "minuit" alone is tonight; "0h" is the start of the day.
- "demain soir" (a part of the day without an hour) is an error asking for the hour;
  with an hour, "soir" and "après-midi" turn "8h" into 20:00, and a contradiction
  ("demain matin 15h") is an error.
- A day and month without a year: this year's, or next year's if this year's is more
  than six months past ("2/01" on 31/12). A date only recently past is an error (with a
  hint to add the year), never silently moved a year ahead.
- A weekday that contradicts the date is an error naming the real weekday; the year is
  never changed to make it fit.
- Spring daylight-saving gap ("29 mars 2026 2h30"): error (the hour does not exist).
  Autumn repeated hour ("25 octobre 2026 2h30"): the first one, summer time (fold=0).
- An end time before (or equal to) the start is an error; to end after midnight, write
  "de 20h à minuit" or "du samedi 22h au dimanche 2h".
- "du 3 au 7 août" is an all-day span; "du 3 au 7 août de 10h à 18h" is the same hours
  every day (RRULE FREQ=DAILY;COUNT=5).
- Recurrences: "tous les mercredis", "chaque mercredi", "les mercredis et samedis",
  "tous les jours", with optional "à partir du …" and "jusqu'au …" (UTC UNTIL).
  Monthly ones ("le premier samedi du mois", "le 15 de chaque mois"): see monthly.py. Several
  weekdays with the same hours give one BYDAY list. Different hours per weekday ("les
  mercredis de 14h à 21h et les samedis de 10h à 18h") are an error of kind
  SEVERAL_SLOTS whose message gives the two texts to add as two separate events: an
  RRULE carries one set of hours, and one event per slot keeps reminders and
  cancellations simple.
- Unknown words are skipped ("rassemblement le samedi 4 juin à 15h00 au bois"), but a
  number we cannot place ("13 rue …") is an error: we never guess what it meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.dates import describe as when_text
from bot.dates.build import build_recurrence, build_single
from bot.dates.errors import WhenError, WhenErrorKind
from bot.dates.grammar import parse_phrases
from bot.dates.lexicon import normalize
from bot.dates.monthly import build_monthly
from bot.dates.phrases import Monthly, Recur
from bot.dates.resolve import Context
from bot.dates.tokens import tokenize

__all__ = ["MAX_WHEN_CHARS", "When", "WhenError", "WhenErrorKind", "parse_when"]

# A date is a few words: longer text is refused before parsing (bounded cost), and so is
# a number longer than a year (nobody means "dans 9999999999 jours").
MAX_WHEN_CHARS = 200
_LONG_NUMBER = re.compile(r"\d{5,}")


@dataclass(frozen=True)
class When:
    start: datetime | date  # aware datetime in tz, or a date when all_day
    end: datetime | date | None  # aware datetime, or last day (inclusive) when all_day
    all_day: bool
    rrule: str | None = None  # RFC 5545 RRULE text, e.g. "FREQ=WEEKLY;BYDAY=WE"

    def describe(self) -> str:
        """French, e.g. "samedi 30 mai 2026, de 10:00 à 18:00"."""
        return when_text.describe(self.start, self.end, self.all_day, self.rrule)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end is not None else None,
            "all_day": self.all_day,
        }
        if self.rrule:
            out["rrule"] = self.rrule
        return out


def parse_when(text: str, now: datetime, tz: ZoneInfo) -> When:
    """Parse `text` relative to `now` (aware); raise WhenError with a French message."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if len(text) > MAX_WHEN_CHARS:
        raise WhenError(WhenErrorKind.UNCLEAR, when_text.too_long(MAX_WHEN_CHARS))
    if _LONG_NUMBER.search(text):
        raise WhenError(WhenErrorKind.UNCLEAR, when_text.number_too_long())
    ctx = Context(now.astimezone(tz), tz)
    phrases = parse_phrases(tokenize(normalize(text)))
    try:
        if any(isinstance(p, Monthly) for p in phrases):
            found = build_monthly(phrases, ctx)
        elif any(isinstance(p, Recur) for p in phrases):
            found = build_recurrence(phrases, ctx)
        else:
            found = build_single(phrases, ctx)
    except OverflowError:  # a date beyond the calendar (year 9999 and over)
        raise WhenError(WhenErrorKind.INVALID_DATE, when_text.too_far()) from None
    return When(found.start, found.end, found.all_day, found.rrule)
