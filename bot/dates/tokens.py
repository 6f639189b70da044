"""Tokenizer for the French date parser: normalised text in, typed tokens out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.dates.lexicon import (
    KEYWORDS,
    MONTHS,
    NUMBER_WORDS,
    PERIODS,
    RELATIVE_DAYS,
    WEEKDAYS,
    WEEKDAYS_PLURAL,
)


class Kind(Enum):
    NUM = "num"  # digits: value
    NUMWORD = "numword"  # "trois": value (a number only where one is expected)
    DATE = "date"  # 31/05[/2026], 2026-05-31: day, month, year or None
    TIME = "time"  # 15h30, 15:30, midi: hour, minute (minuit is 24:00)
    WEEKDAY = "weekday"  # value; plural when "mercredis"
    MONTH = "month"  # value
    RELDAY = "relday"  # demain: value is the offset in days
    PERIOD = "period"  # word is "matin", "apres-midi" or "soir"
    WORD = "word"  # grammar word: word is its canonical spelling
    DASH = "dash"  # "10h-18h"
    OTHER = "other"  # anything else: ignored by the grammar


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    value: int = 0
    minute: int = 0
    year: int | None = None
    word: str = ""
    plural: bool = False
    month: int = 0


_TOKEN_RE = re.compile(
    r"""
    (?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})
        (?:t(?P<ih>\d{1,2}):(?P<imin>\d{2})(?::\d{2})?)?)(?![\d-])
    | (?P<dmy>(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?)(?![\d/])
    | (?P<hm>(?P<h>\d{1,2})
        (?:h(?P<m1>\d{1,2})?                     # 15h, 15h30
        | \s+h(?:\s+(?P<m2>\d{2}))?              # 15 h, 15 h 30
        | \s*heures?(?:\s+(?P<m3>\d{2}))?))       # 15 heures, 15 heures 30
        (?![a-z\d])
    | (?P<clock>(?P<ch>\d{1,2}):(?P<cm>\d{2}))(?![\d:])
    | (?P<num>\d+)
    | (?P<word>[a-z]+(?:[-'][a-z]+)*)
    | (?P<dash>-)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _word_token(word: str) -> Token:
    if word in WEEKDAYS:
        return Token(Kind.WEEKDAY, word, value=WEEKDAYS[word])
    if word in WEEKDAYS_PLURAL:
        return Token(Kind.WEEKDAY, word, value=WEEKDAYS_PLURAL[word], plural=True)
    if word in MONTHS:
        return Token(Kind.MONTH, word, value=MONTHS[word])
    if word in RELATIVE_DAYS:
        return Token(Kind.RELDAY, word, value=RELATIVE_DAYS[word])
    if word in PERIODS:
        return Token(Kind.PERIOD, word, word=PERIODS[word])
    if word == "midi":
        return Token(Kind.TIME, word, value=12, word="midi")
    if word == "minuit":
        return Token(Kind.TIME, word, value=24, word="minuit")
    if word in NUMBER_WORDS:
        return Token(Kind.NUMWORD, word, value=NUMBER_WORDS[word])
    if word in KEYWORDS:
        return Token(Kind.WORD, word, word=KEYWORDS[word])
    return Token(Kind.OTHER, word)


def tokenize(normalized: str) -> list[Token]:
    """Split normalised text into tokens; values are not range-checked here."""
    tokens: list[Token] = []
    for match in _TOKEN_RE.finditer(normalized):
        group = match.lastgroup
        text = match.group(0)
        if match.group("iso"):
            tokens.append(
                Token(
                    Kind.DATE,
                    text,
                    value=int(match.group("id")),
                    month=int(match.group("im")),
                    year=int(match.group("iy")),
                )
            )
            if match.group("ih"):
                hour, minute = int(match.group("ih")), int(match.group("imin"))
                tokens.append(Token(Kind.TIME, text, value=hour, minute=minute))
        elif match.group("dmy"):
            tokens.append(
                Token(
                    Kind.DATE,
                    text,
                    value=int(match.group("d")),
                    month=int(match.group("m")),
                    year=_year(match.group("y")),
                )
            )
        elif match.group("hm"):
            hmin = match.group("m1") or match.group("m2") or match.group("m3")
            tokens.append(
                Token(Kind.TIME, text, value=int(match.group("h")), minute=int(hmin or 0))
            )
        elif match.group("clock"):
            hour, minute = int(match.group("ch")), int(match.group("cm"))
            tokens.append(Token(Kind.TIME, text, value=hour, minute=minute))
        elif group == "num":
            tokens.append(Token(Kind.NUM, text, value=int(text)))
        elif group == "word":
            tokens.append(_word_token(text))
        elif group == "dash":
            tokens.append(Token(Kind.DASH, text))
        else:
            tokens.append(Token(Kind.OTHER, text))
    return tokens
