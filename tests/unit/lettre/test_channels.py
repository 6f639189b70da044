"""The letter on every channel at once: the rooms, Mastodon (followers), the e-mail list
through a real SMTP server (aiosmtpd, STARTTLS, parsed MIME), the web page and the Atom
feed fetched from the running web server (feedparser), once each, even after a restart."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import aiohttp
import feedparser

from bot.app import App
from bot.config import Config
from bot.transports.email.transport import EmailTransport
from tests.helpers import RecordingTransport
from tests.kit.clock import Clock
from tests.kit.smtp import SmtpServer
from tests.unit.lettre.conftest import PARIS, make_config, running, seed

WEDNESDAY = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
MONDAY_9 = datetime(2026, 5, 25, 9, 0, tzinfo=PARIS)
LIST = "lettre-le-mans@listes.exemple.org"


def config(tmp_path: Path, smtp: SmtpServer) -> Config:
    return make_config(
        tmp_path,
        letter={
            "email_to": {"le-mans": LIST},
            "list_unsubscribe": ["mailto:lettre-le-mans-unsubscribe@listes.exemple.org"],
        },
        web={"bind": "127.0.0.1", "port": 0},
        email=smtp.config(),
        mastodon={"api_base_url": "https://mastodon.example", "access_token": "x"},
    )


def add_email(app: App) -> None:
    assert app.config.email is not None
    app.add_transport(EmailTransport(app.config.email, app.services.store))


async def fetch(session: aiohttp.ClientSession, url: str) -> tuple[int, str, str]:
    async with session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def check_web_and_feed(app: App) -> None:
    port = app.services.web.addresses[0].actual_port
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        status, kind, latest = await fetch(session, f"{base}/lettre")
        assert status == 200 and kind.startswith("text/html")
        assert "<h1>La lettre de la semaine — le-mans</h1>" in latest
        assert "Place de la République" in latest
        status, _, archived = await fetch(session, f"{base}/lettre/2026-22")
        assert status == 200 and "Réunion publique" in archived
        status, _, _ = await fetch(session, f"{base}/lettre/2026-30")
        assert status == 404
        status, kind, atom = await fetch(session, f"{base}/lettre.atom")
        assert status == 200 and kind.startswith("application/atom+xml")
    feed = feedparser.parse(atom)
    assert not feed.bozo
    assert feed.feed.title == "La lettre de la semaine"
    (entry,) = feed.entries
    assert entry.title == "La lettre de la semaine — semaine du lundi 25 mai"
    assert entry.link.endswith("/lettre/2026-22")
    assert "Réunion publique" in entry.content[0].value


async def test_one_letter_on_every_channel_web_and_feed(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    clock = Clock(WEDNESDAY)
    settings = config(tmp_path, smtp_server)
    async with running(settings, clock) as bot:
        mastodon = RecordingTransport("mastodon")
        bot.app.add_transport(mastodon)
        add_email(bot.app)
        await seed(bot.app, WEDNESDAY)
        clock.set(MONDAY_9)
        await bot.engine.tick()
        assert await bot.app.services.outbox.drain(20)
        rooms = [i for i in bot.transport.sent if i.channel.id == "salon:general"]
        assert len(rooms) == 1
        (post,) = mastodon.sent
        assert post.channel.id == "announce" and "Réunion publique" in post.text
        (mail,) = smtp_server.received
        assert mail.envelope_to == [LIST]
        message = mail.message
        assert message["Subject"] == "La lettre de la semaine — semaine du lundi 25 mai"
        assert message["List-Unsubscribe"] == (
            "<mailto:lettre-le-mans-unsubscribe@listes.exemple.org>"
        )
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        page = message.get_body(("html",)).get_content()
        assert "Mardi 26 mai\n- 18:30–20:30 : Réunion publique, Salle Guy Môquet" in text
        assert "LES APPELS EN COURS" in text
        assert "<strong>Réunion publique</strong>, Salle Guy Môquet" in page

        await check_web_and_feed(bot.app)

    # A restart the same morning: nothing goes out again, anywhere.
    clock.advance(minutes=10)
    async with running(settings, clock) as bot:
        mastodon = RecordingTransport("mastodon")
        bot.app.add_transport(mastodon)
        add_email(bot.app)
        await bot.engine.tick()
        assert await bot.app.services.outbox.drain(20)
        assert bot.transport.sent == [] and mastodon.sent == []
        assert len(smtp_server.received) == 1
