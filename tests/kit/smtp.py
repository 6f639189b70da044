"""A real SMTP server on 127.0.0.1 (aiosmtpd), with STARTTLS (a test CA made by trustme)
and a login, that keeps what it receives as parsed MIME.

It also plays a list manager's part the way Sympa does: a message whose Message-ID it has
already taken is received but not distributed again (`distributed` vs `received`), so a
test can tell "the server got it twice" from "the list's members got it twice".

`hold_next_data()` makes the server keep its answer to the next DATA until `release()`:
the message is in the server's hands, the client is still waiting for "250". That is the
instant a crash between SMTP and the database happens.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USERNAME = "relais@listes.exemple.org"
PASSWORD = "mot-de-passe-de-test"


@dataclass
class Received:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class _State:
    received: list[Received] = field(default_factory=list)
    distributed: list[Received] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)
    hold: threading.Event | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    refuse_next: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler:
    def __init__(self, state: _State) -> None:
        self.state = state

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        state = self.state
        with state.lock:
            refusal, state.refuse_next = state.refuse_next, None
        if refusal is not None:
            return refusal
        raw = bytes(envelope.original_content or envelope.content or b"")
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        item = Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed, raw)
        with state.lock:
            state.received.append(item)
            message_id = str(parsed.get("Message-ID", ""))
            if message_id not in state.seen_ids:
                state.seen_ids.add(message_id)
                state.distributed.append(item)
            hold, state.hold = state.hold, None
        if hold is not None:
            state.holding.set()
            await asyncio.to_thread(hold.wait, 60)
        return f"250 2.0.0 Ok: queued as Q{len(state.received)}"


class _Login:
    def __init__(self, state: _State) -> None:
        self.state = state

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and (data.login, data.password) == (
            USERNAME.encode(),
            PASSWORD.encode(),
        ):
            self.state.logins.append(USERNAME)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self, folder: Path) -> None:
        self.state = _State()
        authority = trustme.CA()
        certificate = authority.issue_cert("127.0.0.1", "localhost")
        self.ca_file = folder / "smtp-ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_file))
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate.configure_cert(tls)
        self._release: threading.Event | None = None
        self.running = False
        self.port = _free_port()
        self._controller = Controller(
            _Handler(self.state),
            hostname="127.0.0.1",
            port=self.port,
            tls_context=tls,
            require_starttls=True,
            auth_required=True,
            authenticator=_Login(self.state),
        )

    def start(self) -> None:
        self._controller.start()
        self.running = True

    def stop(self) -> None:
        self.release()
        if self.running:
            self.running = False
            self._controller.stop()

    # -- what tests look at ---------------------------------------------------------------
    @property
    def received(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.received)

    @property
    def distributed(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.distributed)

    def config(self, **extra: Any) -> dict[str, Any]:
        """The `email:` section of a Relais configuration that sends here."""
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "security": "starttls",
            "username": USERNAME,
            "password": PASSWORD,
            "from_address": "lettre@listes.exemple.org",
            "from_name": "Relais 72",
            "ca_file": str(self.ca_file),
            **extra,
        }

    # -- faults ---------------------------------------------------------------------------
    def hold_next_data(self) -> threading.Event:
        """Keep the answer to the next DATA; returns the event set once it is held."""
        release = threading.Event()
        with self.state.lock:
            self.state.hold = release
            self.state.holding.clear()
        self._release = release
        return self.state.holding

    def release(self) -> None:
        if self._release is not None:
            self._release.set()

    def refuse_next_data(self, reply: str) -> None:
        with self.state.lock:
            self.state.refuse_next = reply


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
