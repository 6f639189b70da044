"""Read `!appel [--tags a,b] [--expire DATE] [--groupe NOM] [--local] texte`. Pure.

Phones turn "--" into a dash ("—tags"): both are accepted. Options come before the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.dates.parse import WhenError, parse_when
from bot.french import normalize
from commands.appel import texts
from commands.appel.model import clean_tags

_DASHES = ("--", "—", "–", "−")
_TAGS = {"tags", "tag", "etiquettes", "etiquette"}
_EXPIRY = {"expire", "expiration", "jusqua", "jusquau", "fin"}
_GROUP = {"groupe", "de"}
_LOCAL = {"local", "ici"}


class OptionError(ValueError):
    """A French message saying what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LaunchOptions:
    text: str
    tags: tuple[str, ...] | None = None
    expiry: datetime | None = None
    group: str | None = None
    local: bool = False


def _option_name(word: str) -> str | None:
    for dash in _DASHES:
        if word.startswith(dash) and len(word) > len(dash):
            return normalize(word[len(dash) :]).replace("'", "").replace("-", "")
    return None


def parse_options(raw: str, now: datetime, tz: ZoneInfo, prefix: str = "!") -> LaunchOptions:
    # Words with their positions: the text keeps the organiser's line breaks.
    words = [(m.group(), m.start()) for m in re.finditer(r"\S+", raw)]
    tags: tuple[str, ...] | None = None
    expiry: datetime | None = None
    group: str | None = None
    local = False
    while words:
        name = _option_name(words[0][0])
        if name is None:
            break
        words.pop(0)
        if name in _LOCAL:
            local = True
            continue
        if not words:
            raise OptionError(texts.OPTION_NEEDS_VALUE.format(option=name, p=prefix))
        value = words.pop(0)[0]
        if name in _TAGS:
            while value.endswith(",") and words:
                value += words.pop(0)[0]
            tags = clean_tags(value.split(","))
            if not tags:
                raise OptionError(texts.OPTION_NEEDS_VALUE.format(option=name, p=prefix))
        elif name in _EXPIRY:
            expiry = parse_expiry(value, now, tz)
        elif name in _GROUP:
            group = value.lower()
        else:
            raise OptionError(texts.OPTION_UNKNOWN.format(option=name, p=prefix))
    text = raw[words[0][1] :].strip() if words else ""
    if not text:
        raise OptionError(texts.TEXT_MISSING.format(p=prefix))
    return LaunchOptions(text, tags, expiry, group, local)


def parse_expiry(value: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A day ("30/05", "samedi", "2026-05-30") is valid until its end, in the group's zone."""
    try:
        when = parse_when(value, now, tz)
    except WhenError as exc:
        raise OptionError(texts.EXPIRY_UNREADABLE.format(reason=str(exc))) from None
    start = when.start
    if isinstance(start, datetime):
        moment = start
    else:
        assert isinstance(start, date)
        moment = datetime.combine(start + timedelta(days=1), time(0, 0), tz)
    if moment <= now:
        raise OptionError(texts.EXPIRY_PAST)
    return moment


def default_expiry(now: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The end of the day, `days` days from now, in the group's zone."""
    last = (now.astimezone(tz) + timedelta(days=days)).date()
    return datetime.combine(last + timedelta(days=1), time(0, 0), tz)
