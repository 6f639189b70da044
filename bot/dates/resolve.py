"""Turn written days and hours into real dates and aware datetimes.

Rules (documented in `when.py` too):
- a weekday alone is the next such day; today counts only while the hour is still
  ahead (or when no hour is given); "samedi prochain" is the next Saturday, never today;
- "le 4" is this month's 4th if not yet past, else next month's;
- a day and month without a year is this year's, unless that day is more than about
  six months past, then next year's ("2/01" written on 31/12). A date only recently
  past stays in this year, so the caller reports it as past instead of silently
  moving it a year ahead;
- a written weekday must match the date; we never change the year to make it fit;
- in the spring daylight-saving gap the hour does not exist: error; in the autumn
  repeated hour we take the first one (fold=0, summer time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import describe as txt
from bot.dates.phrases import Clock, DayRef, TimeSpan

# Beyond this many days in the past, a date without a year means next year.
_RECENTLY_PAST_DAYS = 183


@dataclass(frozen=True)
class Context:
    now: datetime  # aware, already converted to tz
    tz: ZoneInfo

    @property
    def today(self) -> date:
        return self.now.date()


def make_date(day: int, month: int, year: int) -> date:
    if not 1 <= month <= 12:
        raise txt.invalid_month(month)
    try:
        return date(year, month, day)
    except ValueError:
        raise txt.invalid_date(day, month, year) from None


def check_weekday(found: date, weekday: int | None) -> date:
    if weekday is not None and found.weekday() != weekday:
        raise txt.weekday_mismatch(found, weekday)
    return found


def still_ahead(ctx: Context, clock: Clock | None) -> bool:
    """Whether today still has this hour ahead; without an hour, today counts."""
    if clock is None:
        return True
    return clock.hour * 60 + clock.minute > ctx.now.hour * 60 + ctx.now.minute


def guess_year(day: int, month: int, today: date) -> int:
    if not 1 <= month <= 12:
        raise txt.invalid_month(month)
    # An approximate date is enough to compare; validity is checked afterwards.
    this_year = date(today.year, month, 1) + timedelta(days=day - 1)
    if this_year >= today or (today - this_year).days < _RECENTLY_PAST_DAYS:
        return today.year
    return today.year + 1


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def resolve_day(ref: DayRef, ctx: Context, clock: Clock | None) -> date:
    today = ctx.today
    if ref.kind == "rel":
        return today + timedelta(days=ref.offset)
    if ref.kind == "wd":
        assert ref.weekday is not None
        found = next_weekday(today, ref.weekday)
        if found == today and (ref.following or not still_ahead(ctx, clock)):
            found += timedelta(days=7)
        return found
    if ref.kind == "dom":
        year, month = today.year, today.month
        if ref.day < today.day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return check_weekday(make_date(ref.day, month, year), ref.weekday)
    year = ref.year if ref.year is not None else guess_year(ref.day, ref.month, today)
    return check_weekday(make_date(ref.day, ref.month, year), ref.weekday)


def resolve_range_start(ref: DayRef, last: date) -> date:
    """The first day of "du 3 au 7 août": month and year come from the last day."""
    return check_weekday(make_date(ref.day, last.month, last.year), ref.weekday)


def resolve_range_end(ref: DayRef, first: date, ctx: Context, clock: Clock | None) -> date:
    """The last day of "du … au …": the first such day on or after the first day."""
    if ref.kind == "wd" and ref.weekday is not None:
        return next_weekday(first, ref.weekday)
    if ref.kind == "abs" and ref.year is None:
        # Cross into next year only for a span over the new year ("du 28/12 au 3/01");
        # "du 2 juin au 30 mai" stays a mistake, not a year-long event.
        last = make_date(ref.day, ref.month, first.year)
        if last < first:
            wrapped = make_date(ref.day, ref.month, first.year + 1)
            last = wrapped if (wrapped - first).days < _RECENTLY_PAST_DAYS else last
        return check_weekday(last, ref.weekday)
    if ref.kind == "dom":
        year, month = first.year, first.month
        if ref.day < first.day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return check_weekday(make_date(ref.day, month, year), ref.weekday)
    return resolve_day(ref, ctx, clock)


def make_datetime(day: date, clock: Clock, tz: ZoneInfo) -> datetime:
    """An aware datetime; "minuit" (hour 24) is the start of the next day."""
    if clock.hour == 24:
        day, hour = day + timedelta(days=1), 0
    else:
        hour = clock.hour
    naive = datetime(day.year, day.month, day.day, hour, clock.minute)
    aware = naive.replace(tzinfo=tz)  # fold=0: the first of two repeated hours
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise txt.nonexistent_time(day, hour, clock.minute)
    return aware


def _adjust_clock(clock: Clock, period: str) -> Clock:
    hour = clock.hour
    if period == "matin":
        ok = hour <= 12
    elif period == "apres-midi":
        hour = hour + 12 if 1 <= hour <= 7 else hour
        ok = 12 <= hour <= 19
    else:
        hour = hour + 12 if 5 <= hour <= 11 else hour
        ok = 17 <= hour <= 23 or hour in (0, 24)
    if not ok:
        raise txt.unclear_period(clock.text, period)
    return Clock(hour, clock.minute, clock.text)


def adjust_period(time: Clock | TimeSpan, period: str) -> Clock | TimeSpan:
    """ "ce soir 8h" is 20:00; "demain matin 15h" is a contradiction."""
    if isinstance(time, Clock):
        return _adjust_clock(time, period)
    start = _adjust_clock(time.start, period) if time.start is not None else None
    return TimeSpan(start, _adjust_clock(time.end, period))
