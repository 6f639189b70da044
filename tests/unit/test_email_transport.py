"""The e-mail transport against a real SMTP server on 127.0.0.1 (aiosmtpd, STARTTLS with a
test CA, a login): the message as parsed MIME, once per Message-ID across a crash, and the
server's refusals sorted into "try again" and "give up"."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import parse_config
from bot.configcheck import ConfigError, ConfigReader
from bot.message import Channel, Outgoing, ReplyKind
from bot.netconfig import EmailConfig, parse_email
from bot.outbox import OutgoingDraft, PermanentDeliveryError, TransientDeliveryError
from bot.store import Store
from bot.transports.email.mime import message_id
from bot.transports.email.transport import EmailTransport
from tests.kit.smtp import SmtpServer
from tests.kit.store import open_store

LIST = "lettre-lemans@listes.exemple.org"
HTML = '<!doctype html><html lang="fr"><body><h1>La lettre de la semaine</h1></body></html>'


def email_config(server: SmtpServer, **extra: Any) -> EmailConfig:
    reader = ConfigReader({"email": server.config(**extra)}, environ={})
    config = parse_email(reader, None)
    assert not reader.problems and config is not None
    return config


def item(key: str = "lettre-le-mans-2026-22-email", **context: Any) -> Outgoing:
    return Outgoing(
        id=7,
        key=key,
        channel=Channel("email", LIST, group="le-mans"),
        text="La lettre de la semaine\n\nLundi 25 mai : réunion publique, 18:30.",
        kind=ReplyKind.ANNOUNCEMENT,
        in_reply_to=None,
        reply_context={
            "subject": "La lettre de la semaine du 25 mai — Le Mans",
            "html": HTML,
            "date": "2026-05-25T09:00:00+02:00",
            "list_unsubscribe": ["mailto:lettre-lemans-leave@listes.exemple.org"],
            **context,
        },
        attempts=0,
    )


@pytest.fixture
async def store(tmp_path: Path) -> Any:
    opened = await open_store(tmp_path / "relais.sqlite3")
    yield opened
    await opened.close()


async def test_the_letter_arrives_as_mime_over_starttls_after_a_login(
    smtp_server: SmtpServer, store: Store
) -> None:
    transport = EmailTransport(email_config(smtp_server), store)
    remote = await transport.deliver(item())
    assert remote == "2.0.0 Ok: queued as Q1"
    (got,) = smtp_server.received
    assert smtp_server.state.logins == ["relais@listes.exemple.org"]
    assert got.envelope_from == "lettre@listes.exemple.org" and got.envelope_to == [LIST]
    message = got.message
    assert message["Subject"] == "La lettre de la semaine du 25 mai — Le Mans"
    assert message["From"] == "Relais 72 <lettre@listes.exemple.org>"
    assert message["To"] == LIST
    assert message["Date"] == "Mon, 25 May 2026 09:00:00 +0200"
    assert message["Message-ID"] == message_id(item().key, "listes.exemple.org")
    assert message["List-Unsubscribe"] == "<mailto:lettre-lemans-leave@listes.exemple.org>"
    assert message["Content-Language"] == "fr"
    assert "Auto-Submitted" not in message  # Sympa drops automatic messages sent to a list
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    page = message.get_body(("html",))
    assert plain is not None and page is not None
    text = plain.get_content().replace("\r\n", "\n").strip()
    assert text == "La lettre de la semaine\n\nLundi 25 mai : réunion publique, 18:30."
    assert page.get_content().strip() == HTML


async def test_without_html_the_text_is_shown_escaped(
    smtp_server: SmtpServer, store: Store
) -> None:
    transport = EmailTransport(email_config(smtp_server), store)
    await transport.deliver(item(html=None, subject=None, list_unsubscribe=None))
    (got,) = smtp_server.received
    page = got.message.get_body(("html",))
    assert page is not None
    assert "<p>Lundi 25 mai : réunion publique, 18:30.</p>" in page.get_content()
    assert got.message["Subject"] == "Message de Relais"
    assert "List-Unsubscribe" not in got.message


async def test_accepted_once_is_not_sent_again(smtp_server: SmtpServer, store: Store) -> None:
    """A crash after the server's 250 was written, before the outbox heard of it."""
    first = await EmailTransport(email_config(smtp_server), store).deliver(item())
    again = await EmailTransport(email_config(smtp_server), store).deliver(item())
    assert first == again
    assert len(smtp_server.received) == 1


async def test_a_crash_while_the_server_answers_sends_the_same_message_again(
    smtp_server: SmtpServer, store: Store
) -> None:
    """The process dies after the body and its final '.' went out, before the 250 came
    back: the server holds the message, the journal says 'committing'. The next attempt
    sends the very same bytes (same Message-ID): the list distributes it once."""
    holding = smtp_server.hold_next_data()
    transport = EmailTransport(email_config(smtp_server), store)
    attempt = asyncio.create_task(transport.deliver(item()))
    assert await asyncio.to_thread(holding.wait, 20)
    attempt.cancel()  # what a kill -9 does to the waiting sender, here in-process
    with pytest.raises(asyncio.CancelledError):
        await attempt
    smtp_server.release()
    state = await transport.journal.state(message_id(item().key, "listes.exemple.org"))
    assert state == ("committing", None)

    await EmailTransport(email_config(smtp_server), store).deliver(item())
    first, second = smtp_server.received
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert first.raw == second.raw
    assert len(smtp_server.distributed) == 1
    # Once accepted, it stays sent.
    await EmailTransport(email_config(smtp_server), store).deliver(item())
    assert len(smtp_server.received) == 2


async def test_refusals_are_sorted(smtp_server: SmtpServer, store: Store, tmp_path: Path) -> None:
    transport = EmailTransport(email_config(smtp_server), store)
    smtp_server.refuse_next_data("451 4.3.0 Try again later")
    with pytest.raises(TransientDeliveryError):
        await transport.deliver(item("a"))
    # Refused body: nothing is pending with the server; the retry goes through.
    assert await transport.journal.state(message_id("a", "listes.exemple.org")) is None
    await transport.deliver(item("a"))
    smtp_server.refuse_next_data("554 5.7.1 Message rejected")
    with pytest.raises(PermanentDeliveryError) as refused:
        await transport.deliver(item("b"))
    assert "554" in refused.value.reason
    wrong = EmailTransport(email_config(smtp_server, password="faux"), store)
    with pytest.raises(PermanentDeliveryError) as login:
        await wrong.deliver(item("c"))
    assert "identifiants" in login.value.reason
    smtp_server.stop()
    with pytest.raises(TransientDeliveryError) as down:
        await transport.deliver(item("d"))
    assert "injoignable" in down.value.reason
    assert [r.message["Message-ID"] for r in smtp_server.received] == [
        message_id("a", "listes.exemple.org")
    ]


async def test_through_the_outbox_once(smtp_server: SmtpServer, tmp_path: Path) -> None:
    config = parse_config(
        {"relais": {"data_dir": str(tmp_path / "data")}, "email": smtp_server.config()},
        environ={},
    )
    assert config.email is not None
    async with App(config, []) as app:
        app.add_transport(EmailTransport(config.email, app.services.store))
        draft = OutgoingDraft(
            Channel("email", LIST),
            "Bonjour",
            ReplyKind.ANNOUNCEMENT,
            key="test-once",
            reply_context={"subject": "Essai"},
        )
        await app.services.outbox.enqueue_many([draft, draft])
        assert await app.services.outbox.drain(20)
        status = await app.services.outbox.status("test-once")
        assert status is not None and status["status"] == "delivered"
    assert len(smtp_server.received) == 1


def test_email_settings_are_checked() -> None:
    base = {"relais": {"data_dir": "/tmp/x"}}
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {
                **base,
                "email": {
                    "host": "smtp.exemple.org",
                    "security": "none",
                    "from_address": "pas une adresse",
                    "username": "lettre",
                },
            },
            environ={},
        )
    problems = "\n".join(caught.value.problems)
    assert "email.security:" in problems and "127.0.0.1" in problems
    assert "email.from_address: doit être une adresse e-mail" in problems
    assert "email.password: manquant" in problems and "RELAIS_EMAIL_PASSWORD" in problems
    config = parse_config(
        {
            **base,
            "email": {"host": "smtp.exemple.org", "from_address": "a@b.org", "username": "u"},
        },
        environ={"RELAIS_EMAIL_PASSWORD": "secret"},
    )
    assert config.email is not None
    assert (config.email.password, config.email.port, config.email.security) == (
        "secret",
        587,
        "starttls",
    )
    local = parse_config(
        {**base, "email": {"host": "127.0.0.1", "security": "none", "from_address": "a@b.org"}},
        environ={},
    )
    assert local.email is not None and local.email.port == 25
