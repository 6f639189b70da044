"""The testimonies table: sealed payloads, a receipt hash, a theme and a day. Nothing else.

No sender id, no room, no time of day. The table has no rowid (WITHOUT ROWID, keyed by
the receipt hash), so even the order of arrival within a day is not kept.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date

from bot.store import Migration, Store
from commands.temoignage.crypto import Sealed

logger = logging.getLogger(__name__)

CONSENT_READ = "lecture"
CONSENT_PUBLISH = "publication"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "testimonies sealed to the collective's public keys",
        (
            """CREATE TABLE temoignages (
                receipt_hash BLOB PRIMARY KEY,
                theme TEXT NOT NULL,
                consent TEXT NOT NULL CHECK (consent IN ('lecture', 'publication')),
                received_on TEXT NOT NULL,
                payload BLOB NOT NULL,
                recipients TEXT NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX temoignages_age ON temoignages (received_on)",
        ),
    ),
)


@dataclass(frozen=True)
class Summary:
    theme: str
    consent: str
    received_on: date


@dataclass(frozen=True)
class SealedRecord:
    theme: str
    consent: str
    received_on: date
    payload: bytes
    recipients: str


@dataclass(frozen=True)
class Counts:
    total: int
    by_theme: list[tuple[str, int]]
    by_month: list[tuple[str, int]]


async def insert(
    store: Store,
    receipt_hash: bytes,
    *,
    theme: str,
    consent: str,
    received_on: date,
    sealed: Sealed,
) -> bool:
    """False when the hash is already taken (then draw another code)."""
    try:
        await store.execute(
            "INSERT INTO temoignages (receipt_hash, theme, consent, received_on, payload,"
            " recipients) VALUES (?, ?, ?, ?, ?, ?)",
            (
                receipt_hash,
                theme,
                consent,
                received_on.isoformat(),
                sealed.payload,
                sealed.recipients_json(),
            ),
        )
    except sqlite3.IntegrityError:
        return False
    return True


async def find(store: Store, receipt_hash: bytes) -> Summary | None:
    row = await store.fetchone(
        "SELECT theme, consent, received_on FROM temoignages WHERE receipt_hash = ?",
        (receipt_hash,),
    )
    if row is None:
        return None
    return Summary(str(row["theme"]), str(row["consent"]), date.fromisoformat(row["received_on"]))


async def delete(store: Store, receipt_hash: bytes) -> bool:
    count = await store.execute("DELETE FROM temoignages WHERE receipt_hash = ?", (receipt_hash,))
    return count > 0


async def purge(store: Store, last_day_to_delete: date) -> int:
    """Delete every testimony received on or before that day."""
    return await store.execute(
        "DELETE FROM temoignages WHERE received_on <= ?", (last_day_to_delete.isoformat(),)
    )


async def counts(store: Store) -> Counts:
    themes = await store.fetchall(
        "SELECT theme, COUNT(*) AS n FROM temoignages GROUP BY theme ORDER BY n DESC, theme"
    )
    months = await store.fetchall(
        "SELECT substr(received_on, 1, 7) AS month, COUNT(*) AS n FROM temoignages"
        " GROUP BY month ORDER BY month"
    )
    by_theme = [(str(r["theme"]), int(r["n"])) for r in themes]
    return Counts(
        total=sum(n for _, n in by_theme),
        by_theme=by_theme,
        by_month=[(str(r["month"]), int(r["n"])) for r in months],
    )


async def all_sealed(store: Store) -> list[SealedRecord]:
    rows = await store.fetchall(
        "SELECT theme, consent, received_on, payload, recipients FROM temoignages"
        " ORDER BY received_on, theme"
    )
    return [
        SealedRecord(
            str(r["theme"]),
            str(r["consent"]),
            date.fromisoformat(r["received_on"]),
            bytes(r["payload"]),
            str(r["recipients"]),
        )
        for r in rows
    ]


async def wipe_journal(store: Store) -> bool:
    """Remove older copies of deleted testimony pages from the `-wal` (see Store)."""
    return await store.truncate_journal()
