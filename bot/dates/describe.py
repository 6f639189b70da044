"""Everything the date parser says in French: date formatting, `describe()`, errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from bot.dates.errors import WhenError, WhenErrorKind
from bot.dates.lexicon import MONTH_NAMES, RRULE_DAYS, WEEKDAY_NAMES

_EXAMPLE = "Écrivez par exemple « samedi 15h » ou « 31/05 18h30 »."
_PERIOD_EXAMPLE_HOUR = {"matin": "9h", "apres-midi": "14h", "soir": "20h"}
_PERIOD_NAMES = {"matin": "matin", "apres-midi": "après-midi", "soir": "soir"}
_PERIOD_PHRASES = {"matin": "Le matin", "apres-midi": "L'après-midi", "soir": "Le soir"}


# --- formatting -------------------------------------------------------------------


def day_number(d: date) -> str:
    return "1er" if d.day == 1 else str(d.day)


def fmt_day(d: date, *, weekday: bool = True, year: bool = True) -> str:
    """'samedi 23 mai 2026', 'lundi 1er juin 2026'."""
    parts = [WEEKDAY_NAMES[d.weekday()]] if weekday else []
    parts += [day_number(d), MONTH_NAMES[d.month - 1]]
    if year:
        parts.append(str(d.year))
    return " ".join(parts)


def fmt_time(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def fmt_clock(dt: datetime) -> str:
    return fmt_time(dt.hour, dt.minute)


def fmt_hint(hour: int, minute: int) -> str:
    """How a person would type it: '9h', '18h30'."""
    return f"{hour}h" if minute == 0 else f"{hour}h{minute:02d}"


def fmt_range(first: date, last: date) -> str:
    """'du lundi 3 au vendredi 7 août 2026', years and months only where they differ."""
    if first.year != last.year:
        return f"du {fmt_day(first)} au {fmt_day(last)}"
    if first.month != last.month:
        return f"du {fmt_day(first, year=False)} au {fmt_day(last)}"
    return f"du {WEEKDAY_NAMES[first.weekday()]} {day_number(first)} au {fmt_day(last)}"


def _time_part(start: datetime, end: datetime | None) -> str:
    if end is None:
        return fmt_clock(start)
    if end.date() == start.date():
        return f"de {fmt_clock(start)} à {fmt_clock(end)}"
    if end.date() == start.date() + timedelta(days=1) and (end.hour, end.minute) == (0, 0):
        return f"de {fmt_clock(start)} à minuit"
    return ""


def _weekday_plural(codes: Sequence[str]) -> str:
    names = [f"{WEEKDAY_NAMES[RRULE_DAYS.index(code)]}s" for code in codes]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " et " + names[-1]


def _rrule_parts(rrule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rrule.split(";") if "=" in part)


def _until_date(value: str, start: date | datetime) -> date:
    if "T" not in value:
        return datetime.strptime(value, "%Y%m%d").date()
    moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if isinstance(start, datetime) and start.tzinfo is not None:
        moment = moment.astimezone(start.tzinfo)
    return moment.date()


_RANKS = {"1": "premier", "2": "deuxième", "3": "troisième", "4": "quatrième", "-1": "dernier"}


def _monthly_head(parts: dict[str, str]) -> str:
    """ "le premier samedi du mois", "le 15 de chaque mois" ("" for other rules)."""
    day = parts.get("BYMONTHDAY", "")
    if day.isdigit():
        return f"le {'1er' if day == '1' else day} de chaque mois"
    byday = parts.get("BYDAY", "")
    rank, code = byday[:-2], byday[-2:]
    if rank in _RANKS and code in RRULE_DAYS:
        return f"le {_RANKS[rank]} {WEEKDAY_NAMES[RRULE_DAYS.index(code)]} du mois"
    return ""


def _describe_rrule(
    start: date | datetime, end: date | datetime | None, all_day: bool, rrule: str
) -> str:
    parts = _rrule_parts(rrule)
    if parts.get("FREQ") == "DAILY":
        head = "tous les jours"
    elif parts.get("FREQ") == "WEEKLY" and parts.get("BYDAY"):
        head = f"tous les {_weekday_plural(parts['BYDAY'].split(','))}"
    elif parts.get("FREQ") == "MONTHLY" and _monthly_head(parts):
        head = _monthly_head(parts)
    else:
        head = f"répété ({rrule})"
    if not all_day and isinstance(start, datetime):
        end_dt = end if isinstance(end, datetime) else None
        head += f", {_time_part(start, end_dt) or fmt_clock(start)}"
    first = start.date() if isinstance(start, datetime) else start
    if "COUNT" in parts and parts.get("FREQ") == "DAILY":
        last = first + timedelta(days=int(parts["COUNT"]) - 1)
        return f"{head} ({fmt_range(first, last)})"
    if "UNTIL" in parts:
        return f"{head} ({fmt_range(first, _until_date(parts['UNTIL'], start))})"
    return f"{head} (à partir du {fmt_day(first)})"


def describe(
    start: date | datetime, end: date | datetime | None, all_day: bool, rrule: str | None
) -> str:
    """The French sentence `When.describe()` returns."""
    if rrule:
        return _describe_rrule(start, end, all_day, rrule)
    if all_day or not isinstance(start, datetime):
        if end is None or end == start:
            return fmt_day(start)
        return fmt_range(start, end)
    end_dt = end if isinstance(end, datetime) else None
    time_part = _time_part(start, end_dt)
    if time_part:
        return f"{fmt_day(start)}, {time_part}"
    assert end_dt is not None
    return (
        f"du {fmt_day(start)}, {fmt_clock(start)} au {fmt_day(end_dt.date())}, {fmt_clock(end_dt)}"
    )


# --- errors -----------------------------------------------------------------------


def no_date() -> WhenError:
    return WhenError(WhenErrorKind.NO_DATE, f"Je n'ai pas trouvé de date. {_EXAMPLE}")


def no_time(day: date, period: str | None) -> WhenError:
    hour = _PERIOD_EXAMPLE_HOUR.get(period or "", "18h")
    said = f"{_PERIOD_PHRASES[period]}, à" if period in _PERIOD_PHRASES else "À"
    return WhenError(
        WhenErrorKind.NO_TIME,
        f"{said} quelle heure ? Ajoutez l'heure, par exemple "
        f"« {fmt_day(day, year=False)} {hour} ».",
    )


def range_needs_both_times() -> WhenError:
    return WhenError(
        WhenErrorKind.NO_TIME,
        "Donnez l'heure du début et celle de la fin, par exemple « du 3 juin 18h au 5 juin 12h ».",
    )


def invalid_month(month: int) -> WhenError:
    return WhenError(
        WhenErrorKind.INVALID_DATE,
        f"Il n'y a pas de mois {month}. Écrivez le jour puis le mois, par exemple « 31/05 ».",
    )


def invalid_date(day: int, month: int, year: int | None) -> WhenError:
    if not 1 <= month <= 12:
        return invalid_month(month)
    said = f"{'1er' if day == 1 else day} {MONTH_NAMES[month - 1]}"
    if year is not None:
        said += f" {year}"
    return WhenError(
        WhenErrorKind.INVALID_DATE,
        f"Le {said} n'existe pas. Vérifiez le jour et le mois.",
    )


def invalid_time(text: str) -> WhenError:
    return WhenError(
        WhenErrorKind.INVALID_TIME,
        f"« {text} » n'est pas une heure valable. Écrivez une heure entre 0h et 23h59, "
        "par exemple « 18h30 ».",
    )


def weekday_mismatch(real: date, said_weekday: int) -> WhenError:
    return WhenError(
        WhenErrorKind.WEEKDAY_MISMATCH,
        f"Le {fmt_day(real, weekday=False)} est un {WEEKDAY_NAMES[real.weekday()]}, "
        f"pas un {WEEKDAY_NAMES[said_weekday]}. Vérifiez la date.",
    )


def weekend_mismatch(real: date) -> WhenError:
    return WhenError(
        WhenErrorKind.WEEKDAY_MISMATCH,
        f"Le {fmt_day(real, weekday=False)} est un {WEEKDAY_NAMES[real.weekday()]}, "
        "pas un jour de week-end. Vérifiez la date.",
    )


def past_day(day: date, *, year_given: bool) -> WhenError:
    message = f"Le {fmt_day(day)} est déjà passé. Choisissez une date à venir."
    if not year_given:
        message += (
            " Si c'est pour l'an prochain, ajoutez l'année : "
            f"« {day.day:02d}/{day.month:02d}/{day.year + 1} »."
        )
    return WhenError(WhenErrorKind.PAST, message)


def past_time(moment: datetime, *, day_given: bool) -> WhenError:
    hint = fmt_hint(moment.hour, moment.minute)
    if not day_given:
        return WhenError(
            WhenErrorKind.PAST,
            f"{fmt_clock(moment)} est déjà passé aujourd'hui. "
            f"Pour demain, écrivez « demain {hint} ».",
        )
    return WhenError(
        WhenErrorKind.PAST,
        f"Le {fmt_day(moment.date())} à {fmt_clock(moment)} est déjà passé. "
        "Choisissez un moment à venir.",
    )


def past_weekday_word(weekday: int) -> WhenError:
    name = WEEKDAY_NAMES[weekday]
    return WhenError(
        WhenErrorKind.PAST,
        f"« {name} dernier » est déjà passé. Choisissez une date à venir, "
        f"par exemple « {name} prochain ».",
    )


def end_before_start_time(start: datetime, end: datetime) -> WhenError:
    return WhenError(
        WhenErrorKind.END_BEFORE_START,
        f"La fin ({fmt_clock(end)}) doit venir après le début ({fmt_clock(start)}). "
        "Écrivez le début puis la fin, par exemple « de 10h à 18h ». Pour finir après "
        "minuit, écrivez par exemple « du samedi 22h au dimanche 2h ».",
    )


def end_before_start_days(first: date, last: date) -> WhenError:
    return WhenError(
        WhenErrorKind.END_BEFORE_START,
        f"Le dernier jour ({fmt_day(last)}) vient avant le premier ({fmt_day(first)}). "
        "Écrivez le premier jour puis le dernier, par exemple « du 30 mai au 2 juin ».",
    )


def nonexistent_time(day: date, hour: int, minute: int) -> WhenError:
    return WhenError(
        WhenErrorKind.NONEXISTENT_TIME,
        f"Le {fmt_day(day)}, {fmt_time(hour, minute)} n'existe pas : cette nuit-là, on "
        "passe à l'heure d'été et les horloges sautent de 02:00 à 03:00. Choisissez une "
        f"autre heure, par exemple « {fmt_hint(hour + 1, minute)} ».",
    )


def several_slots(slots: Sequence[str]) -> WhenError:
    quoted = ", puis ".join(f"« {slot} »" for slot in slots)
    return WhenError(
        WhenErrorKind.SEVERAL_SLOTS,
        "Ces jours n'ont pas les mêmes heures. Ajoutez-les séparément, un événement "
        f"par créneau : {quoted}.",
    )


def conflict_days(first: date, second: date) -> WhenError:
    return WhenError(
        WhenErrorKind.CONFLICT,
        f"J'ai trouvé deux dates différentes : {fmt_day(first)} et {fmt_day(second)}. "
        "Gardez-en une seule.",
    )


def conflict_spans() -> WhenError:
    return WhenError(
        WhenErrorKind.CONFLICT,
        "J'ai trouvé plusieurs dates. Gardez-en une seule, par exemple « du 3 au 7 août ».",
    )


def conflict_times() -> WhenError:
    return WhenError(
        WhenErrorKind.CONFLICT,
        "J'ai trouvé plusieurs heures. Pour un début et une fin, écrivez par exemple "
        "« de 10h à 18h ».",
    )


def unclear_number(text: str) -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        f"Je ne sais pas quoi faire de « {text} ». Écrivez seulement la date et l'heure, "
        "par exemple « samedi 4 juin 15h ».",
    )


def unclear_month() -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        "Il me faut le jour, pas seulement le mois. Écrivez par exemple « 6 juin » ou "
        "« samedi 6 juin 15h ».",
    )


def unclear_relative() -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        "Je sais compter en jours ou en semaines (« dans 3 jours »). Pour une heure "
        "précise, écrivez par exemple « aujourd'hui 18h ».",
    )


def unclear_interval() -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        "Je sais répéter un événement chaque jour, chaque semaine ou chaque mois, par exemple "
        "« tous les mercredis 18h » ou « le premier samedi du mois 10h ». Pour un autre "
        "rythme, ajoutez les dates une par une.",
    )


def unclear_period(text: str, period: str) -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        f"« {text} » et « {_PERIOD_NAMES.get(period, period)} » ne vont pas ensemble. "
        "Écrivez l'heure seule, par exemple « 9h » ou « 20h ».",
    )


def unclear_weekend() -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        "De quel week-end s'agit-il ? Écrivez par exemple « le week-end du 6 juin » ou "
        "« du samedi 6 au dimanche 7 juin ».",
    )


def unclear_recurrence() -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        "Pour un événement qui se répète, donnez le premier jour avec « à partir du », "
        "par exemple « tous les mercredis 18h à partir du 3 juin ».",
    )


def unclear_until() -> WhenError:
    return WhenError(
        WhenErrorKind.UNCLEAR,
        "À partir de quand ? Écrivez le premier et le dernier jour, par exemple "
        "« du 3 au 7 août ».",
    )


def no_start_time() -> WhenError:
    return WhenError(
        WhenErrorKind.NO_TIME,
        "À quelle heure ça commence ? Écrivez par exemple « samedi de 14h à 18h ».",
    )


def too_long(limit: int) -> str:
    return (
        f"C'est trop long pour une date ({limit} caractères au plus). Écrivez seulement le "
        "jour et l'heure, par exemple « samedi 15h » ou « 31/05 10h30 »."
    )


def number_too_long() -> str:
    return (
        "Je ne comprends pas ce nombre : il est bien trop grand pour une date. Écrivez par "
        "exemple « samedi 15h », « dans 3 jours 10h » ou « 31/05/2027 18h »."
    )


def too_far() -> str:
    return "Cette date est bien trop loin. Écrivez une date des prochaines années."
