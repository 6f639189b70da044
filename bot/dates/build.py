"""Combine parsed phrases into one start, end and optional recurrence rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.dates import describe as txt
from bot.dates.lexicon import RRULE_DAYS, WEEKDAY_NAMES
from bot.dates.phrases import (
    Clock,
    DayRange,
    DayRef,
    Period,
    Phrase,
    Recur,
    Since,
    TimeSpan,
    Until,
    Weekend,
)
from bot.dates.resolve import (
    Context,
    adjust_period,
    make_datetime,
    next_weekday,
    resolve_day,
    resolve_range_end,
    resolve_range_start,
    still_ahead,
)


@dataclass(frozen=True)
class Resolved:
    start: datetime | date
    end: datetime | date | None
    all_day: bool
    rrule: str | None = None


Time = Clock | TimeSpan


def _merge_times(items: Sequence[Time]) -> Time | None:
    """One hour or one span; "15h jusqu'à 18h" is a span, "15h 16h" a conflict."""
    if not items:
        return None
    if len(items) == 2:
        first, second = items
        if isinstance(first, Clock) and isinstance(second, TimeSpan) and second.start is None:
            return TimeSpan(first, second.end)
    if len(items) > 1:
        raise txt.conflict_times()
    return items[0]


def _period_of(phrases: Sequence[Phrase]) -> str | None:
    names = {p.name for p in phrases if isinstance(p, Period)}
    if len(names) > 1:
        raise txt.conflict_times()
    return names.pop() if names else None


def _with_period(found: Time | None, period: str | None) -> Time | None:
    if found is None or period is None:
        return found
    return adjust_period(found, period)


def _start_clock(found: Time) -> Clock:
    if isinstance(found, Clock):
        return found
    if found.start is None:
        raise txt.no_start_time()
    return found.start


def _timed(
    day: date, found: Time, ctx: Context, *, day_given: bool
) -> tuple[datetime, datetime | None]:
    start = make_datetime(day, _start_clock(found), ctx.tz)
    if start < ctx.now:
        if day < ctx.today:
            raise txt.past_day(day, year_given=True)
        raise txt.past_time(start, day_given=day_given)
    if isinstance(found, Clock):
        return start, None
    end = make_datetime(day, found.end, ctx.tz)
    if end <= start:
        raise txt.end_before_start_time(start, end)
    return start, end


def _year_given(refs: Sequence[DayRef]) -> bool:
    """Whether "add the year" would not help: a year was written, or the day is relative."""
    return any(ref.kind != "abs" or ref.year is not None for ref in refs)


# --- one event, or one span of days ---------------------------------------------------


def build_single(phrases: Sequence[Phrase], ctx: Context) -> Resolved:
    period = _period_of(phrases)
    found = _with_period(
        _merge_times([p for p in phrases if isinstance(p, Clock | TimeSpan)]), period
    )
    days: list[DayRef] = []
    untils: list[DayRef] = []
    spans: list[DayRange | Weekend] = []
    for p in phrases:
        if isinstance(p, DayRef):
            days.append(p)
        elif isinstance(p, Since):
            days.append(p.day)
        elif isinstance(p, Until):
            untils.append(p.day)
        elif isinstance(p, DayRange | Weekend):
            spans.append(p)
    if untils:
        if len(untils) > 1 or len(days) != 1 or spans:
            raise txt.unclear_until()
        spans.append(DayRange(days.pop(), None, untils[0], None))
    if spans:
        if len(spans) > 1 or days:
            raise txt.conflict_spans()
        return _build_span(spans[0], found, period, ctx)

    start_clock = _start_clock(found) if found is not None else None
    resolved = list(dict.fromkeys(resolve_day(ref, ctx, start_clock) for ref in days))
    if len(resolved) > 1:
        raise txt.conflict_days(resolved[0], resolved[1])
    if found is None:
        if not resolved:
            raise txt.no_date()
        if period is not None:
            raise txt.no_time(resolved[0], period)
        day = resolved[0]
        if day < ctx.today:
            raise txt.past_day(day, year_given=_year_given(days))
        return Resolved(day, day, True)
    day = resolved[0] if resolved else ctx.today
    if days and day < ctx.today:
        raise txt.past_day(day, year_given=_year_given(days))
    start, end = _timed(day, found, ctx, day_given=bool(days))
    return Resolved(start, end, False)


def _span_days(span: DayRange | Weekend, ctx: Context) -> tuple[date, date]:
    if isinstance(span, Weekend):
        if span.day is None:
            saturday = next_weekday(ctx.today, 5)
            return (
                (ctx.today, ctx.today)
                if ctx.today.weekday() == 6
                else (saturday, saturday + timedelta(days=1))
            )
        day = resolve_day(span.day, ctx, None)
        if day.weekday() == 5:
            return day, day + timedelta(days=1)
        if day.weekday() == 6:
            return day - timedelta(days=1), day
        raise txt.weekend_mismatch(day)
    if span.start.kind == "dom":
        # "du 3 au 7 août": the first day takes its month and year from the last.
        last = resolve_day(span.end, ctx, span.end_time)
        return resolve_range_start(span.start, last), last
    first = resolve_day(span.start, ctx, span.start_time)
    return first, resolve_range_end(span.end, first, ctx, span.end_time)


def _build_span(
    span: DayRange | Weekend, found: Time | None, period: str | None, ctx: Context
) -> Resolved:
    first, last = _span_days(span, ctx)
    start_time = span.start_time if isinstance(span, DayRange) else None
    end_time = span.end_time if isinstance(span, DayRange) else None
    if start_time is not None and end_time is not None:
        # "du samedi 22h au dimanche 2h": one continuous event.
        if found is not None:
            raise txt.conflict_times()
        begin = make_datetime(first, start_time, ctx.tz)
        finish = make_datetime(last, end_time, ctx.tz)
        if last < first:
            raise txt.end_before_start_days(first, last)
        if finish <= begin:
            raise txt.end_before_start_time(begin, finish)
        if begin < ctx.now:
            raise txt.past_time(begin, day_given=True)
        return Resolved(begin, finish, False)
    if start_time is not None or end_time is not None:
        raise txt.range_needs_both_times()
    if last < first:
        raise txt.end_before_start_days(first, last)
    if found is None:
        if period is not None:
            raise txt.no_time(first, period)
        if first < ctx.today:
            raise txt.past_day(first, year_given=True)
        return Resolved(first, last, True)
    # "du 3 au 7 août de 10h à 18h": the same hours every day of the span.
    start, end = _timed(first, found, ctx, day_given=True)
    count = (last - first).days + 1
    return Resolved(start, end, False, f"FREQ=DAILY;COUNT={count}" if count > 1 else None)


# --- recurring slots ------------------------------------------------------------------


@dataclass
class _Slot:
    weekdays: tuple[int, ...]
    times: list[Time] = field(default_factory=list)
    time: Time | None = None


def _slot_label(slot: _Slot) -> str:
    days = " et ".join(f"{WEEKDAY_NAMES[d]}s" for d in slot.weekdays) or "jours"
    label = f"tous les {days}"
    found = slot.time
    if isinstance(found, Clock):
        label += f" {txt.fmt_hint(found.hour, found.minute)}"
    elif isinstance(found, TimeSpan) and found.start is not None:
        start = txt.fmt_hint(found.start.hour, found.start.minute)
        label += f" de {start} à {txt.fmt_hint(found.end.hour, found.end.minute)}"
    return label


def _time_key(found: Time | None) -> tuple[int, ...]:
    if found is None:
        return ()
    if isinstance(found, Clock):
        return (found.hour, found.minute)
    start = found.start
    head = (start.hour, start.minute) if start is not None else (-1, -1)
    return (*head, found.end.hour, found.end.minute)


def _slots(phrases: Sequence[Phrase]) -> tuple[list[_Slot], DayRef | None, DayRef | None]:
    slots: list[_Slot] = []
    pending: list[Time] = []
    since: DayRef | None = None
    until: DayRef | None = None
    for p in phrases:
        if isinstance(p, Recur):
            slots.append(_Slot(p.weekdays, pending))
            pending = []
        elif isinstance(p, Clock | TimeSpan):
            (slots[-1].times if slots else pending).append(p)
        elif isinstance(p, Since):
            since = p.day
        elif isinstance(p, Until):
            until = p.day
        elif isinstance(p, DayRange) and p.start_time is None and p.end_time is None:
            since, until = p.start, p.end
        elif isinstance(p, DayRef | DayRange | Weekend):
            raise txt.unclear_recurrence()
    if pending:
        slots[0].times.extend(pending)
    return slots, since, until


def build_recurrence(phrases: Sequence[Phrase], ctx: Context) -> Resolved:
    slots, since, until = _slots(phrases)
    period = _period_of(phrases)
    for slot in slots:
        slot.time = _with_period(_merge_times(slot.times), period)
    # "les mercredis et les samedis de 10h à 18h": a slot without hours takes the next ones.
    for index, slot in enumerate(slots):
        if slot.time is None:
            donors = [s.time for s in slots[index + 1 :] + slots[:index] if s.time is not None]
            slot.time = donors[0] if donors else None
    if len({_time_key(slot.time) for slot in slots}) > 1:
        raise txt.several_slots([_slot_label(slot) for slot in slots])
    if len(slots) > 1 and any(not slot.weekdays for slot in slots):
        raise txt.unclear_interval()
    weekdays = sorted({day for slot in slots for day in slot.weekdays})
    found = slots[0].time
    if found is None and period is not None:
        raise txt.no_time(ctx.today, period)

    first = ctx.today
    if since is not None:
        first = max(first, resolve_day(since, ctx, None))
    start_clock = _start_clock(found) if found is not None else None
    day = first
    while (weekdays and day.weekday() not in weekdays) or (
        day == ctx.today and not still_ahead(ctx, start_clock)
    ):
        day += timedelta(days=1)

    rrule = f"FREQ=WEEKLY;BYDAY={','.join(RRULE_DAYS[d] for d in weekdays)}"
    if not weekdays:
        rrule = "FREQ=DAILY"
    return finish_recurrence(day, found, rrule, until, ctx)


def finish_recurrence(
    day: date, found: Time | None, rrule: str, until: DayRef | None, ctx: Context
) -> Resolved:
    """A recurrence's first date and its rule, with the end date when one was given."""
    if until is not None:
        last = resolve_day(until, ctx, None)
        if last < day:
            raise txt.end_before_start_days(day, last)
        if found is None:
            rrule += f";UNTIL={last:%Y%m%d}"
        else:
            end_of_day = datetime.combine(last, time(23, 59, 59), tzinfo=ctx.tz)
            rrule += f";UNTIL={end_of_day.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    if found is None:
        return Resolved(day, day, True, rrule)
    start, end = _timed(day, found, ctx, day_given=True)
    return Resolved(start, end, False, rrule)
