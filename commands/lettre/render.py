"""A letter as people read it: Markdown for the rooms (and Mastodon, which the transport
turns into a numbered thread within the instance's limit), plain text and HTML for the
e-mail and the web page. Short lines, one item per line, no jargon."""

from __future__ import annotations

import html
from datetime import datetime

from bot.dates.describe import fmt_clock, fmt_day
from bot.digest import DigestItem
from bot.french import escape_markdown
from commands.lettre import texts
from commands.lettre.compose import Letter


def _when(item: DigestItem, letter: Letter) -> str:
    if item.all_day or item.start is None:
        return texts.ALL_DAY
    start = item.start.astimezone(letter.zone)
    if item.end is not None and item.end.astimezone(letter.zone).date() == start.date():
        return f"{fmt_clock(start)}–{fmt_clock(item.end.astimezone(letter.zone))}"
    return fmt_clock(start)


def _group(item: DigestItem, letter: Letter) -> str:
    """In a letter of several groups, whose event it is: " (le-mans)"."""
    return f" ({item.group})" if letter.several and item.group else ""


def _day(moment: datetime) -> str:
    return fmt_day(moment.date() if isinstance(moment, datetime) else moment, year=False)


def week_of(letter: Letter) -> str:
    return texts.WEEK_OF.format(day=fmt_day(letter.issued.date()))


def subject(letter: Letter) -> str:
    return texts.SUBJECT.format(title=letter.title, day=fmt_day(letter.issued.date(), year=False))


def _call_line(item: DigestItem, letter: Letter) -> tuple[str, list[str]]:
    extras = []
    if item.category:
        extras.append(texts.FROM.format(origin=item.category))
    if item.until is not None:
        extras.append(texts.UNTIL.format(day=_day(item.until.astimezone(letter.zone))))
    return item.title, extras


def markdown(letter: Letter) -> str:
    e = escape_markdown
    lines = [f"**{e(letter.title)}** — {e(letter.group)}", week_of(letter), ""]
    if letter.editorial:
        lines += [f"**{texts.EDITORIAL}**", e(letter.editorial), ""]
    lines.append(f"**{texts.EVENTS}**")
    if not letter.days:
        lines.append(texts.NO_EVENTS)
    for day in letter.days:
        lines += ["", f"**{fmt_day(day.day, year=False).capitalize()}**"]
        for item in day.events:
            line = f"- {_when(item, letter)} : **{e(item.title)}**"
            if item.place:
                line += f", {e(item.place)}"
            lines.append(line + e(_group(item, letter)))
    if letter.calls:
        lines += ["", f"**{texts.CALLS}**"]
        for item in letter.calls:
            title, extras = _call_line(item, letter)
            line = f"- {e(title)}" + (f" ({', '.join(e(x) for x in extras)})" if extras else "")
            if item.link:
                line += f" {item.link}"
            lines.append(line)
    if letter.page_url:
        lines += ["", texts.READ_ONLINE.format(url=letter.page_url)]
    return "\n".join(lines)


def plain(letter: Letter) -> str:
    lines = [f"{letter.title} — {letter.group}", week_of(letter), ""]
    if letter.editorial:
        lines += [texts.EDITORIAL.upper(), letter.editorial, ""]
    lines.append(texts.EVENTS.upper())
    if not letter.days:
        lines.append(texts.NO_EVENTS)
    for day in letter.days:
        lines += ["", fmt_day(day.day, year=False).capitalize()]
        for item in day.events:
            line = f"- {_when(item, letter)} : {item.title}"
            if item.place:
                line += f", {item.place}"
            lines.append(line + _group(item, letter))
    if letter.calls:
        lines += ["", texts.CALLS.upper()]
        for item in letter.calls:
            title, extras = _call_line(item, letter)
            lines.append(f"- {title}" + (f" ({', '.join(extras)})" if extras else ""))
            if item.link:
                lines.append(f"  {item.link}")
    if letter.page_url:
        lines += ["", texts.READ_ONLINE.format(url=letter.page_url)]
    return "\n".join(lines) + "\n"


def html_body(letter: Letter) -> str:
    """The letter as an HTML fragment (an <article>), for the page, the feed and e-mail."""
    h = html.escape
    out = [
        "<article>",
        f"<h1>{h(letter.title)} — {h(letter.group)}</h1>",
        f'<p><time datetime="{letter.issued.date().isoformat()}">{h(week_of(letter))}</time></p>',
    ]
    if letter.editorial:
        paragraphs = [p for p in letter.editorial.split("\n\n") if p.strip()]
        out.append(f"<h2>{h(texts.EDITORIAL)}</h2>")
        out += [f"<p>{h(p).replace(chr(10), '<br>')}</p>" for p in paragraphs]
    out.append(f"<h2>{h(texts.EVENTS)}</h2>")
    if not letter.days:
        out.append(f"<p>{h(texts.NO_EVENTS)}</p>")
    for day in letter.days:
        out.append(f"<h3>{h(fmt_day(day.day, year=False).capitalize())}</h3>\n<ul>")
        for item in day.events:
            title = h(item.title)
            if item.link:
                title = f'<a href="{h(item.link)}">{title}</a>'
            place = f", {h(item.place)}" if item.place else ""
            place += h(_group(item, letter))
            out.append(f"<li>{h(_when(item, letter))} : <strong>{title}</strong>{place}</li>")
        out.append("</ul>")
    if letter.calls:
        out.append(f"<h2>{h(texts.CALLS)}</h2>\n<ul>")
        for item in letter.calls:
            title, extras = _call_line(item, letter)
            text = h(title)
            if item.link:
                text = f'<a href="{h(item.link)}">{text}</a>'
            suffix = f" ({h(', '.join(extras))})" if extras else ""
            out.append(f"<li>{text}{suffix}</li>")
        out.append("</ul>")
    out.append("</article>")
    return "\n".join(out)


PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40em;margin:1em auto;padding:0 1em;"
    "line-height:1.5;color:#111}h1{font-size:1.4em}h2{font-size:1.2em;margin-top:1.5em}"
    "h3{font-size:1em}a{color:#0645ad}"
)


def html_page(title: str, body: str, *, feed_url: str = "/lettre.atom") -> str:
    return (
        '<!doctype html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="alternate" type="application/atom+xml" href="{html.escape(feed_url)}">\n'
        f"<style>{PAGE_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
