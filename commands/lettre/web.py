"""The letters on the bot's web server: /lettre (the latest), /lettre/AAAA-SS (the letters
of a week) and /lettre.atom (an Atom feed, built with feedgen). Only letters that went
out are shown, exactly as they were sent."""

from __future__ import annotations

import asyncio
import html

from aiohttp import web
from feedgen.feed import FeedGenerator

from bot.web import WebHost, html_response
from commands.lettre import render, texts
from commands.lettre.model import Week
from commands.lettre.repo import LetterRepo, Stored

FEED_ENTRIES = 20
ARCHIVE_LINKS = 12


class LetterWeb:
    def __init__(self, repo: LetterRepo, title: str, host: WebHost) -> None:
        self.repo = repo
        self.title = title
        self.host = host

    def register(self, host: WebHost) -> None:
        host.add_get("/lettre", self.latest)
        host.add_get("/lettre.atom", self.feed)
        host.add_get("/lettre/{week}", self.week)

    async def latest(self, request: web.Request) -> web.Response:
        found = await self.repo.sent(limit=ARCHIVE_LINKS * 4)
        if not found:
            return html_response(render.html_page(self.title, f"<p>{texts.PAGE_NONE}</p>"))
        newest = found[0].week
        shown = [s for s in found if s.week == newest]
        return html_response(self._page(shown, found))

    async def week(self, request: web.Request) -> web.Response:
        wanted = Week.parse(request.match_info["week"])
        found = [] if wanted is None else await self.repo.sent(week=wanted.slug)
        if not found:
            body = f"<p>{html.escape(texts.PAGE_NOT_FOUND)}</p>"
            return html_response(render.html_page(self.title, body), status=404)
        others = await self.repo.sent(limit=ARCHIVE_LINKS * 4)
        return html_response(self._page(found, others))

    def _page(self, shown: list[Stored], others: list[Stored]) -> str:
        body = "\n".join(s.html for s in shown)
        weeks = list(dict.fromkeys(s.week for s in others))[:ARCHIVE_LINKS]
        if len(weeks) > 1:
            links = "".join(f'<li><a href="/lettre/{w}">{w}</a></li>' for w in weeks)
            body += f"\n<h2>{html.escape(texts.ARCHIVE)}</h2>\n<ul>{links}</ul>"
        return render.html_page(f"{self.title} — {shown[0].week}", body)

    async def feed(self, request: web.Request) -> web.Response:
        found = await self.repo.sent(limit=FEED_ENTRIES)
        base = (self.host.base_url() or f"{request.scheme}://{request.host}").rstrip("/")
        body = await asyncio.to_thread(atom, found, title=self.title, base=base)
        return web.Response(
            body=body,
            headers={
                "Content-Type": "application/atom+xml; charset=utf-8",
                "Cache-Control": "public, max-age=300",
            },
        )


def atom(letters: list[Stored], *, title: str, base: str) -> bytes:
    feed = FeedGenerator()
    feed.id(f"{base}/lettre")
    feed.title(title)
    feed.subtitle(texts.FEED_SUBTITLE)
    feed.language("fr")
    feed.link(href=f"{base}/lettre", rel="alternate")
    feed.link(href=f"{base}/lettre.atom", rel="self")
    if letters:
        feed.updated(max(s.issued for s in letters))
    for stored in reversed(letters):  # feedgen puts the last added first
        entry = feed.add_entry()
        entry.id(f"{base}/lettre/{stored.week}#{stored.id}")
        entry.title(stored.subject)
        entry.link(href=f"{base}/lettre/{stored.week}")
        entry.updated(stored.issued)
        entry.published(stored.issued)
        entry.author({"name": stored.group})
        entry.content(stored.html, type="html")
    return bytes(feed.atom_str(pretty=True))
