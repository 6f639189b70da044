"""Where an e-mail stands with the SMTP server, written before and after the end of DATA.

States of one Message-ID: "committing" is written (and committed) just before the message
body and its final "." go to the server; "accepted" as soon as the server said 250.
A crash leaves one of three situations, told apart at the next attempt:

- no row, or "committing" after the server refused the body: nothing was accepted;
  send (again).
- "accepted": the server took it and only the outbox did not hear of it: do not send.
- "committing" with the outcome unknown (the connection or the process died after the
  "." went out): the server may hold it. SMTP has no way to ask (RFC 1047, RFC 5321
  §4.1.1.4), so it is sent again with the same Message-ID, and the attempt is logged.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.store import Store

COMMITTING, ACCEPTED = "committing", "accepted"


class Journal:
    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock

    async def state(self, message_id: str) -> tuple[str, str | None] | None:
        row = await self._store.fetchone(
            "SELECT state, response FROM email_sends WHERE message_id = ?", (message_id,)
        )
        return None if row is None else (str(row["state"]), row["response"])

    async def mark(self, message_id: str, state: str, response: str | None = None) -> None:
        await self._store.execute(
            "INSERT INTO email_sends (message_id, state, response, attempts, updated_at)"
            " VALUES (?, ?, ?, 1, ?) ON CONFLICT(message_id) DO UPDATE SET"
            " state = excluded.state, response = excluded.response, updated_at ="
            " excluded.updated_at, attempts = attempts + (excluded.state = 'committing')",
            (message_id, state, response, self._clock()),
        )

    async def forget(self, message_id: str) -> None:
        """The server refused the body: nothing is pending with it."""
        await self._store.execute("DELETE FROM email_sends WHERE message_id = ?", (message_id,))

    async def purge(self, older_than_seconds: float) -> int:
        return await self._store.execute(
            "DELETE FROM email_sends WHERE state = 'accepted' AND updated_at < ?",
            (self._clock() - older_than_seconds,),
        )
