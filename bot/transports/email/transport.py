"""Sending e-mail through an SMTP server (aiosmtplib): a send-only transport of the outbox.

A channel's id is the address written to (a list address, "lettre@listes.exemple.org").
One connection per message: STARTTLS (or TLS from the first byte, or nothing towards a
server on this machine), then the login when configured; the password comes from the
environment (RELAIS_EMAIL_PASSWORD) or the file.

Once, even after a crash (see journal.py for the three situations):
1. before the body goes out, the journal says "committing" for its Message-ID;
2. the server's 250 is written as "accepted" at once, before the outbox hears of it;
3. a later attempt of the same item finds "accepted" and does not send again.
The only window left is the server's 250 on its way back while the process dies (or the
connection drops): SMTP cannot close it. The message is then sent again, with the same
Message-ID, so that list managers that drop a known Message-ID (Sympa keeps them per
list) and mail readers that fold duplicates show it once; the log says it happened.

Errors: no connection, a timeout, a 4xx answer are transient (retried as long as it takes);
a refused login, sender or address (5xx) are permanent (the organisers are told).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable

import aiosmtplib

from bot.message import Outgoing
from bot.netconfig import EmailConfig
from bot.outbox import PermanentDeliveryError, TransientDeliveryError
from bot.store import Store
from bot.transports.email import mime
from bot.transports.email.journal import ACCEPTED, COMMITTING, Journal

logger = logging.getLogger(__name__)

NAME = "email"
NETWORK_ERRORS = (
    OSError,
    TimeoutError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
)


def _reason(code: int) -> str:
    return f"refusé par le serveur e-mail (code {code})"


class EmailTransport:
    name = NAME

    def __init__(
        self, config: EmailConfig, store: Store, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._config = config
        self.journal = Journal(store, clock)
        self.sent = 0  # messages the server accepted, in this process

    def _tls(self) -> ssl.SSLContext:
        ca = self._config.ca_file
        return ssl.create_default_context(cafile=str(ca) if ca is not None else None)

    def _client(self) -> aiosmtplib.SMTP:
        security = self._config.security
        return aiosmtplib.SMTP(
            hostname=self._config.host,
            port=self._config.port,
            timeout=self._config.timeout_seconds,
            use_tls=security == "tls",
            start_tls=security == "starttls",
            tls_context=self._tls() if security != "none" else None,
        )

    async def deliver(self, item: Outgoing) -> str | None:
        message_id = mime.message_id(item.key, self._config.domain)
        known = await self.journal.state(message_id)
        if known is not None and known[0] == ACCEPTED:
            logger.info("outbox #%d: the e-mail server had already accepted it", item.id)
            return known[1] or message_id
        if known is not None and known[0] == COMMITTING:
            logger.warning(
                "outbox #%d: an earlier attempt stopped after the message went out; sending "
                "it again with the same Message-ID",
                item.id,
            )
        message = mime.build(
            item,
            from_address=self._config.from_address,
            from_name=self._config.from_name,
            domain=self._config.domain,
        )
        client = self._client()
        try:
            await client.connect()
            if self._config.username and self._config.password:
                await client.login(self._config.username, self._config.password)
            await client.mail(self._config.from_address)
            await client.rcpt(item.channel.id)
            await self.journal.mark(message_id, COMMITTING)
            response = await self._data(client, message_id, message.as_bytes())
        except asyncio.CancelledError:
            client.close()  # stopping: no goodbye to wait for
            raise
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise PermanentDeliveryError(
                f"identifiants refusés par le serveur e-mail (code {exc.code})"
            ) from None
        except aiosmtplib.SMTPResponseException as exc:
            if 400 <= exc.code < 500:
                raise TransientDeliveryError(_reason(exc.code)) from None
            raise PermanentDeliveryError(_reason(exc.code)) from None
        except (*NETWORK_ERRORS, aiosmtplib.SMTPConnectError) as exc:
            raise TransientDeliveryError(
                f"serveur e-mail injoignable ({type(exc).__name__})"
            ) from None
        finally:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, *NETWORK_ERRORS):
                    client.close()
        self.sent += 1
        logger.info("outbox #%d: e-mail accepted by the server", item.id)
        return response

    async def _data(self, client: aiosmtplib.SMTP, message_id: str, body: bytes) -> str:
        try:
            reply = await client.data(body)
        except aiosmtplib.SMTPResponseException:
            await self.journal.forget(message_id)  # refused: nothing was accepted
            raise
        # No await between the server's answer and this line but the write itself.
        response = (reply.message or "").strip()[:200] or message_id
        await self.journal.mark(message_id, ACCEPTED, response)
        return response

    def close(self) -> None:
        """Nothing stays open between messages."""
