"""The letter's queries (tables in schema.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.store import Store

PREVIEWED, SKIPPED, SENT = "previewed", "skipped", "sent"


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Stored:
    id: str
    group: str
    week: str
    status: str
    issued: datetime
    subject: str
    markdown: str
    plain: str
    html: str


_COLUMNS = "id, grp, week, status, issued_utc, subject, markdown, plain, html"


def _stored(r: sqlite3.Row) -> Stored:
    return Stored(
        str(r["id"]),
        str(r["grp"]),
        str(r["week"]),
        str(r["status"]),
        parse_utc(r["issued_utc"]),
        str(r["subject"]),
        str(r["markdown"]),
        str(r["plain"]),
        str(r["html"]),
    )


class LetterRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def get(self, letter_id: str) -> Stored | None:
        row = await self.store.fetchone(
            f"SELECT {_COLUMNS} FROM lettre_letters WHERE id = ?", (letter_id,)
        )
        return None if row is None else _stored(row)

    async def mark(
        self,
        letter_id: str,
        group: str,
        week: str,
        status: str,
        now: datetime,
        *,
        issued: datetime,
    ) -> bool:
        """Record a preview or a skip; False when the letter was already decided further."""
        changed = await self.store.execute(
            "INSERT INTO lettre_letters (id, grp, week, status, issued_utc, decided_utc)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status,"
            " decided_utc = excluded.decided_utc WHERE lettre_letters.status = 'previewed'",
            (letter_id, group, week, status, utc_text(issued), utc_text(now)),
        )
        return changed > 0

    async def record_sent(self, letter: Stored, now: datetime) -> bool:
        """Inside the caller's transaction: the letter as sent; False if already decided."""
        changed = await self.store.execute(
            "INSERT INTO lettre_letters (id, grp, week, status, issued_utc, subject, markdown,"
            " plain, html, decided_utc) VALUES (?, ?, ?, 'sent', ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET status = 'sent', subject = excluded.subject,"
            " markdown = excluded.markdown, plain = excluded.plain, html = excluded.html,"
            " decided_utc = excluded.decided_utc WHERE lettre_letters.status = 'previewed'",
            (
                letter.id,
                letter.group,
                letter.week,
                utc_text(letter.issued),
                letter.subject,
                letter.markdown,
                letter.plain,
                letter.html,
                utc_text(now),
            ),
        )
        return changed > 0

    async def sent(self, *, week: str | None = None, limit: int = 20) -> list[Stored]:
        where, params = "status = 'sent'", list[str]()
        if week is not None:
            where += " AND week = ?"
            params.append(week)
        rows = await self.store.fetchall(
            f"SELECT {_COLUMNS} FROM lettre_letters WHERE {where}"
            " ORDER BY issued_utc DESC, grp LIMIT ?",
            (*params, limit),
        )
        return [_stored(r) for r in rows]

    async def editorial(self, group: str) -> str:
        row = await self.store.fetchone("SELECT text FROM lettre_editos WHERE grp = ?", (group,))
        return "" if row is None else str(row["text"])

    async def set_editorial(self, group: str, text: str, now: datetime) -> None:
        await self.store.execute(
            "INSERT INTO lettre_editos (grp, text, updated_utc) VALUES (?, ?, ?)"
            " ON CONFLICT (grp) DO UPDATE SET text = excluded.text,"
            " updated_utc = excluded.updated_utc",
            (group, text, utc_text(now)),
        )

    async def clear_editorial(self, group: str) -> None:
        await self.store.execute("DELETE FROM lettre_editos WHERE grp = ?", (group,))
