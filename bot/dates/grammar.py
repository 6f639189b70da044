"""Small grammar for the French date parser: tokens in, a flat list of phrases out.

Each phrase is a piece of meaning ("samedi 4 juin", "de 10h à 18h", "tous les
mercredis"); `when.py` decides how the phrases combine. Unknown words are skipped,
but a number we cannot place is an error: we never guess what it meant.
"""

from __future__ import annotations

from bot.dates import describe as txt
from bot.dates.monthly import read_monthly
from bot.dates.phrases import (
    Clock,
    DayRange,
    DayRef,
    Period,
    Phrase,
    Recur,
    Sep,
    Since,
    TimeSpan,
    Until,
    Weekend,
)
from bot.dates.tokens import Kind, Token

_NUMBER_KINDS = (Kind.NUM, Kind.NUMWORD)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        # Punctuation carries no meaning here; words we do not know stay as fences.
        self.toks = [t for t in tokens if t.kind is not Kind.OTHER or t.text.isalpha()]
        self.pos = 0

    # --- helpers ---

    def at(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.toks[index] if index < len(self.toks) else None

    def word(self, offset: int, *words: str) -> bool:
        tok = self.at(offset)
        return tok is not None and tok.kind is Kind.WORD and tok.word in words

    def kind(self, offset: int, *kinds: Kind) -> bool:
        tok = self.at(offset)
        return tok is not None and tok.kind in kinds

    def number(self, offset: int) -> int | None:
        """A number where one is expected: digits, "trois", or "sept" read as a month."""
        tok = self.at(offset)
        if tok is None:
            return None
        if tok.kind in _NUMBER_KINDS:
            return tok.value
        if tok.kind is Kind.MONTH and tok.text == "sept":
            return 7
        return None

    # --- phrases ---

    def parse(self) -> list[Phrase]:
        out: list[Phrase] = []
        while self.pos < len(self.toks):
            phrase = (
                read_monthly(self)
                or self.recur()
                or self.since()
                or self.until()
                or self.day_range()
                or self.weekend()
                or self.span()
                or self.day()
                or self.period()
                or self.relative()
            )
            if phrase is not None:
                out.append(phrase)
                continue
            tok = self.toks[self.pos]
            if tok.kind is Kind.NUM:
                raise txt.unclear_number(tok.text)
            if tok.kind is Kind.MONTH:
                raise txt.unclear_month()
            if tok.kind is Kind.WORD and tok.word == "et":
                out.append(Sep())
            self.pos += 1
        return out

    def clock(self) -> Clock | None:
        tok = self.at()
        if tok is None:
            return None
        if tok.kind is Kind.TIME:
            hour, minute, text = tok.value, tok.minute, tok.text
            self.pos += 1
        elif tok.kind is Kind.NUMWORD and self.word(1, "heures"):
            hour, minute, text = tok.value, 0, f"{tok.text} heures"
            self.pos += 2
        else:
            return None
        if minute == 0 and self.word(0, "et") and self.word(1, "demie", "quart"):
            minute = 30 if self.word(1, "demie") else 15
            self.pos += 2
        if tok.word == "minuit":
            return Clock(24, minute, text)
        if hour == 24 and minute == 0:
            return Clock(24, 0, text)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise txt.invalid_time(text)
        return Clock(hour, minute, text)

    def span(self) -> Clock | TimeSpan | None:
        start = self.pos
        opener = self.at() if self.word(0, "de", "entre") else None
        if opener is not None:
            self.pos += 1
        first = self.clock()
        if first is None:
            self.pos = start
            return None
        after_first = self.pos
        if opener is not None and opener.word == "entre" and self.word(0, "et"):
            joined = True
            self.pos += 1
        elif self.word(0, "jusqu"):
            joined = True
            self.pos += 2 if self.word(1, "a", "au") else 1
        else:
            joined = self.word(0, "a") or self.kind(0, Kind.DASH)
            self.pos += 1 if joined else 0
        second = self.clock() if joined else None
        if second is None:
            self.pos = after_first
            return first
        return TimeSpan(first, second)

    def day(self, *, bare_number: bool = False) -> DayRef | None:
        """A day; `bare_number` lets "3" alone be a day (as in "du 3 au 7 août")."""
        start = self.pos
        tok = self.at()
        if tok is None:
            return None
        if tok.kind is Kind.RELDAY:
            self.pos += 1
            return DayRef("rel", offset=tok.value)
        if tok.kind is Kind.DATE:
            self.pos += 1
            return DayRef("abs", day=tok.value, month=tok.month, year=tok.year)
        if self.word(0, "ce") and self.kind(1, Kind.PERIOD):
            self.pos += 1
            return DayRef("rel", offset=0)
        following = False
        if self.word(0, "ce", "prochain") and self.kind(1, Kind.WEEKDAY):
            following = self.word(0, "prochain")
            self.pos += 1
        elif self.word(0, "le") and self.number(1) is not None:
            self.pos += 1
            found = self.day_number(None, allow_dom=True)
            if found is None:
                self.pos = start
            return found
        tok = self.at()
        if tok is not None and tok.kind is Kind.WEEKDAY and not tok.plural:
            return self.after_weekday(tok.value, following)
        self.pos = start
        return self.day_number(None, allow_dom=bare_number)

    def after_weekday(self, weekday: int, following: bool) -> DayRef:
        self.pos += 1
        tok = self.at()
        if tok is not None and tok.kind is Kind.DATE:
            self.pos += 1
            return DayRef("abs", day=tok.value, month=tok.month, year=tok.year, weekday=weekday)
        if self.word(0, "le") and self.number(1) is not None:
            self.pos += 1
        found = self.day_number(weekday, allow_dom=True)
        if found is not None:
            return found
        if self.word(0, "prochain"):
            self.pos += 1
            following = True
        elif self.word(0, "dernier"):
            raise txt.past_weekday_word(weekday)
        return DayRef("wd", weekday=weekday, following=following)

    def day_number(self, weekday: int | None, *, allow_dom: bool) -> DayRef | None:
        tok = self.at()
        value = self.number(0)
        if tok is None or value is None:
            return None
        month_tok = self.at(1)
        if month_tok is not None and month_tok.kind is Kind.MONTH:
            if not 1 <= value <= 31:
                raise txt.invalid_date(value, month_tok.value, None)
            self.pos += 2
            year: int | None = None
            year_tok = self.at()
            if year_tok is not None and year_tok.kind is Kind.NUM and len(year_tok.text) == 4:
                year = year_tok.value
                self.pos += 1
            return DayRef("abs", day=value, month=month_tok.value, year=year, weekday=weekday)
        bare_ok = tok.kind is Kind.NUM or tok.text == "premier"
        if allow_dom and bare_ok and not self.word(1, "heures"):
            if not 1 <= value <= 31:
                raise txt.unclear_number(tok.text)
            self.pos += 1
            return DayRef("dom", day=value, weekday=weekday)
        return None

    def day_range(self) -> DayRange | None:
        if not self.word(0, "du"):
            return None
        start = self.pos
        self.pos += 1
        first = self.day(bare_number=True)
        if first is not None:
            first_time = self.optional_clock()
            if self.word(0, "jusqu"):
                self.pos += 2 if self.word(1, "au", "a") else 1
                last = self.day(bare_number=True)
            elif self.word(0, "au", "a"):
                self.pos += 1
                last = self.day(bare_number=True)
            else:
                last = None
            if last is not None:
                return DayRange(first, first_time, last, self.optional_clock())
        self.pos = start
        return None

    def optional_clock(self) -> Clock | None:
        start = self.pos
        if self.word(0, "a"):
            self.pos += 1
        found = self.clock()
        if found is None:
            self.pos = start
        return found

    def weekend(self) -> Weekend | None:
        if not self.word(0, "week-end"):
            return None
        self.pos += 1
        if self.word(0, "prochain"):
            self.pos += 1
        if self.word(0, "du", "de"):
            self.pos += 1
            found = self.day(bare_number=True)
            if found is None:
                raise txt.unclear_weekend()
            return Weekend(found)
        return Weekend(None)

    def weekday_list(self) -> tuple[int, ...]:
        days: list[int] = []
        while True:
            tok = self.at()
            if tok is not None and tok.kind is Kind.WEEKDAY:
                days.append(tok.value)
                self.pos += 1
            elif days and self.word(0, "et") and self.kind(1, Kind.WEEKDAY):
                self.pos += 1
            elif days and self.word(0, "et") and self.word(1, "les") and self.kind(2, Kind.WEEKDAY):
                self.pos += 2
            else:
                return tuple(days)

    def recur(self) -> Recur | None:
        start = self.pos
        if self.word(0, "tous"):
            self.pos += 1
            if self.word(0, "les"):
                self.pos += 1
            if self.word(0, "jour"):
                self.pos += 1
                return Recur(())
            days = self.weekday_list()
            if days:
                return Recur(days)
            if self.number(0) is not None:
                raise txt.unclear_interval()
            self.pos = start
            return None
        tok = self.at(1) if self.word(0, "les") else self.at()
        if tok is not None and tok.kind is Kind.WEEKDAY and (tok.plural or self.word(0, "les")):
            if self.word(0, "les"):
                self.pos += 1
            return Recur(self.weekday_list())
        return None

    def since(self) -> Phrase | None:
        if not (self.word(0, "a") and self.word(1, "partir")):
            return None
        start = self.pos
        self.pos += 2
        if self.word(0, "du", "de", "le"):
            self.pos += 1
        found_clock = self.clock()
        if found_clock is not None:
            return found_clock
        found = self.day(bare_number=True)
        if found is None:
            self.pos = start
            return None
        return Since(found)

    def until(self) -> Phrase | None:
        if not self.word(0, "jusqu"):
            return None
        start = self.pos
        self.pos += 1
        if self.word(0, "a", "au", "le"):
            self.pos += 1
        found_clock = self.clock()
        if found_clock is not None:
            return TimeSpan(None, found_clock)
        found = self.day(bare_number=True)
        if found is None:
            self.pos = start
            return None
        return Until(found)

    def period(self) -> Period | None:
        tok = self.at()
        if tok is None or tok.kind is not Kind.PERIOD:
            return None
        self.pos += 1
        return Period(tok.word)

    def relative(self) -> DayRef | None:
        """ "dans 3 jours", "dans une semaine"."""
        if not self.word(0, "dans"):
            return None
        count = self.number(1)
        if count is not None and self.word(2, "jour", "semaine"):
            unit = 7 if self.word(2, "semaine") else 1
            self.pos += 3
            return DayRef("rel", offset=count * unit)
        if count is not None or self.kind(1, Kind.TIME):
            raise txt.unclear_relative()
        return None


def parse_phrases(tokens: list[Token]) -> list[Phrase]:
    return _Parser(tokens).parse()
