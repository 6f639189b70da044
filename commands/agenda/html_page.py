"""The public agenda page: plain semantic HTML, no JavaScript, readable on a phone,
printable. Every text from the store or a feed is escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates.describe import fmt_clock, fmt_day, fmt_range
from commands.agenda import texts
from commands.agenda.model import Occurrence

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:42rem;
margin:0 auto;padding:1rem;line-height:1.5;font-size:1.1rem;color:#111;background:#fff}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #222}
h3{font-size:1.1rem;margin:.25rem 0}
article{margin:1rem 0;padding-bottom:.75rem;border-bottom:1px solid #bbb}
p{margin:.25rem 0}
a{color:#0645ad;text-decoration:underline}
a:focus{outline:3px solid #111;outline-offset:2px}
nav ul{padding-left:1.2rem}
@media print{body{font-size:11pt;max-width:none}a{color:#000}.abonnement,nav{display:none}
article{break-inside:avoid}}
"""


def escape(text: str) -> str:
    """Text between tags: <, > and & are enough; quotes stay readable."""
    return html.escape(text, quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _safe_link(url: str | None) -> str | None:
    if url and url.startswith(("https://", "http://")) and not any(c in url for c in "\n\r\"'<>"):
        return url
    return None


def _when(occurrence: Occurrence, tz: ZoneInfo) -> str:
    if occurrence.all_day:
        first, last = occurrence.start.date(), occurrence.last_day
        if first == last:
            return escape(texts.ALL_DAY)
        return escape(fmt_range(first, last))
    start = occurrence.start.astimezone(tz)
    start_tag = f'<time datetime="{_attr(start.isoformat())}">{fmt_clock(start)}</time>'
    if occurrence.end is None:
        return start_tag
    end = occurrence.end.astimezone(tz)
    shown = (
        fmt_clock(end) if end.date() == start.date() else f"{fmt_day(end.date())}, {fmt_clock(end)}"
    )
    end_tag = f'<time datetime="{_attr(end.isoformat())}">{escape(shown)}</time>'
    return f"de {start_tag} à {end_tag}"


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())


def _article(occurrence: Occurrence, tz: ZoneInfo, show_group: bool) -> str:
    event = occurrence.event
    parts = [f"<article><h3>{escape(occurrence.title)}</h3>", f"<p>{_when(occurrence, tz)}</p>"]
    if occurrence.place or event.map_url:
        place = escape(occurrence.place)
        link = _safe_link(event.map_url)
        if link:
            place += f' (<a href="{_attr(link)}">{escape(texts.PAGE_MAP)}</a>)'
        parts.append(f"<p>{escape(texts.PAGE_PLACE)} : {place}</p>")
    if show_group:
        parts.append(f"<p>{escape(texts.LABEL_GROUP)} : {escape(event.group)}</p>")
    if occurrence.description:
        parts.append(_paragraphs(occurrence.description))
    link = _safe_link(event.link)
    if link:
        parts.append(f'<p><a href="{_attr(link)}">{escape(texts.PAGE_MORE)}</a></p>')
    parts.append("</article>")
    return "".join(parts)


def render_page(
    occurrences: Sequence[Occurrence],
    *,
    title: str,
    tz: ZoneInfo,
    now: datetime,
    days: int,
    ics_href: str,
    groups: Sequence[tuple[str, str]] = (),
    show_group: bool = False,
) -> str:
    """`groups`: (name, href) pairs for the navigation of the global page."""
    today = now.astimezone(tz).date()
    by_day: dict[date, list[Occurrence]] = {}
    for occurrence in occurrences:
        start = occurrence.start.astimezone(tz).date()
        by_day.setdefault(max(start, today), []).append(occurrence)
    body: list[str] = []
    for day in sorted(by_day):
        anchor = f"jour-{day.isoformat()}"
        body.append(f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">')
        body.append(f"{escape(fmt_day(day))}</h2>")
        body += [_article(o, tz, show_group) for o in by_day[day]]
        body.append("</section>")
    if not by_day:
        body.append(f"<p>{escape(texts.PAGE_EMPTY)}</p>")
    nav = ""
    if groups:
        items = "".join(f'<li><a href="{_attr(h)}">{escape(n)}</a></li>' for n, h in groups)
        label = escape(texts.PAGE_GROUPS)
        nav = f'<nav aria-label="{label}"><h2>{label}</h2><ul>{items}</ul></nav>'
    updated = f"{fmt_day(today)}, {fmt_clock(now.astimezone(tz))}"
    return (
        '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f'<link rel="alternate" type="text/calendar" href="{_attr(ics_href)}">'
        f"<style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        f"<p>{escape(texts.PAGE_INTRO.format(days=days))}</p>"
        f'<p class="abonnement"><a href="{_attr(ics_href)}">{escape(texts.PAGE_SUBSCRIBE)}</a></p>'
        f"</header><main>{''.join(body)}</main>{nav}"
        f"<footer><p>{escape(texts.PAGE_UPDATED.format(when=updated))}</p></footer>"
        "</body></html>\n"
    )


def not_found_page() -> str:
    return (
        '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(texts.PAGE_NOT_FOUND)}</title><style>{STYLE}</style></head>"
        f'<body><main><h1>{escape(texts.PAGE_NOT_FOUND)}</h1><p><a href="/agenda">'
        f"{escape(texts.PAGE_TITLE)}</a></p></main></body></html>\n"
    )


def page_window(now: datetime, days: int) -> tuple[datetime, datetime]:
    return now, now + timedelta(days=days)
