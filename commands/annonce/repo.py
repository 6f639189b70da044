"""The announcements' queries (tables in schema.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store import Store
from commands.annonce.model import (
    ACTIVE,
    Announcement,
    Change,
    here_from_json,
    here_to_json,
    parse_utc,
    utc_text,
)

_COLUMNS = "id, groups, here, text, start_utc, tz, rrule, status, sequence"


class AnnonceRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def create(self, item: Announcement, now: datetime) -> int:
        row_id = await self.store.insert(
            "INSERT INTO annonce_items (groups, here, text, start_utc, tz, rrule,"
            " checked_until, next_due, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                json.dumps(list(item.groups)),
                here_to_json(item.here),
                item.text,
                utc_text(item.start),
                item.tz,
                item.rrule,
                utc_text(now),
                utc_text(item.start),
                utc_text(now),
            ),
        )
        assert row_id is not None
        return row_id

    async def get(self, item_id: int) -> Announcement | None:
        row = await self.store.fetchone(
            f"SELECT {_COLUMNS} FROM annonce_items WHERE id = ?", (item_id,)
        )
        if row is None:
            return None
        return _item(row, await self._changes(item_id))

    async def active(self) -> list[Announcement]:
        rows = await self.store.fetchall(
            f"SELECT {_COLUMNS} FROM annonce_items WHERE status = ? ORDER BY id", (ACTIVE,)
        )
        return [_item(row, await self._changes(int(row["id"]))) for row in rows]

    async def due(self, now: datetime) -> list[tuple[Announcement, datetime]]:
        """Active announcements with something to look at by `now`, and where to look from."""
        rows = await self.store.fetchall(
            f"SELECT {_COLUMNS}, checked_until FROM annonce_items"
            " WHERE status = ? AND next_due IS NOT NULL AND next_due <= ? ORDER BY next_due",
            (ACTIVE, utc_text(now)),
        )
        return [
            (_item(row, await self._changes(int(row["id"]))), parse_utc(row["checked_until"]))
            for row in rows
        ]

    async def earliest_due(self) -> datetime | None:
        row = await self.store.fetchone(
            "SELECT MIN(next_due) AS due FROM annonce_items WHERE status = ?", (ACTIVE,)
        )
        return None if row is None or row["due"] is None else parse_utc(row["due"])

    async def _changes(self, item_id: int) -> tuple[Change, ...]:
        rows = await self.store.fetchall(
            "SELECT occurrence, moved_utc, text, cancelled FROM annonce_exceptions"
            " WHERE item_id = ? ORDER BY occurrence",
            (item_id,),
        )
        return tuple(
            Change(
                str(r["occurrence"]),
                None if r["moved_utc"] is None else parse_utc(r["moved_utc"]),
                r["text"],
                bool(r["cancelled"]),
            )
            for r in rows
        )

    # -- changes (each bumps the sequence, so a confirmation given on an old view fails) --
    async def update(
        self,
        item_id: int,
        *,
        text: str | None = None,
        start: datetime | None = None,
        rrule: str | None = None,
        status: str | None = None,
        next_due: datetime | None = None,
    ) -> None:
        sets: list[str] = ["sequence = sequence + 1"]
        params: list[str | None] = []
        if text is not None:
            sets.append("text = ?")
            params.append(text)
        if start is not None:
            sets += ["start_utc = ?", "rrule = ?"]
            params += [utc_text(start), rrule]
        if status is not None:
            sets.append("status = ?")
            params.append(status)
        sets.append("next_due = ?")
        params.append(None if next_due is None else utc_text(next_due))
        await self.store.execute(
            f"UPDATE annonce_items SET {', '.join(sets)} WHERE id = ?", (*params, item_id)
        )

    async def set_change(self, item_id: int, change: Change) -> None:
        await self.store.execute(
            "INSERT INTO annonce_exceptions (item_id, occurrence, moved_utc, text, cancelled)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (item_id, occurrence) DO UPDATE SET"
            " moved_utc = excluded.moved_utc, text = excluded.text,"
            " cancelled = excluded.cancelled",
            (
                item_id,
                change.occurrence,
                None if change.moved is None else utc_text(change.moved),
                change.text,
                int(change.cancelled),
            ),
        )
        await self.store.execute(
            "UPDATE annonce_items SET sequence = sequence + 1 WHERE id = ?", (item_id,)
        )

    async def clear_changes(self, item_id: int) -> None:
        await self.store.execute("DELETE FROM annonce_exceptions WHERE item_id = ?", (item_id,))

    # -- the sender's decisions --------------------------------------------------------
    async def decide_in(
        self,
        db: aiosqlite.Connection,
        item_id: int,
        occurrence: str,
        status: str,
        *,
        late: bool,
        due: datetime,
        now: datetime,
    ) -> bool:
        """Record what was decided for one date; False when it was decided before."""
        cursor = await db.execute(
            "INSERT INTO annonce_sends (item_id, occurrence, status, late, due_utc, decided_utc)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (item_id, occurrence, status, int(late), utc_text(due), utc_text(now)),
        )
        return bool(cursor.rowcount)

    async def unchanged_in(self, db: aiosqlite.Connection, item: Announcement) -> bool:
        cursor = await db.execute(
            "SELECT sequence, status FROM annonce_items WHERE id = ?", (item.id,)
        )
        row = await cursor.fetchone()
        await cursor.close()
        return row is not None and int(row[0]) == item.sequence and row[1] == item.status

    async def set_progress_in(
        self,
        db: aiosqlite.Connection,
        item_id: int,
        checked_until: datetime,
        next_due: datetime | None,
        *,
        done: bool,
    ) -> None:
        await db.execute(
            "UPDATE annonce_items SET checked_until = ?, next_due = ?,"
            " status = CASE WHEN ? THEN 'done' ELSE status END WHERE id = ?",
            (
                utc_text(checked_until),
                None if next_due is None else utc_text(next_due),
                int(done),
                item_id,
            ),
        )

    async def sends(self, item_id: int) -> list[dict[str, Any]]:
        rows = await self.store.fetchall(
            "SELECT occurrence, status, late FROM annonce_sends WHERE item_id = ?"
            " ORDER BY occurrence",
            (item_id,),
        )
        return [dict(r) for r in rows]


def _item(row: Any, changes: tuple[Change, ...]) -> Announcement:
    return Announcement(
        id=int(row["id"]),
        groups=tuple(json.loads(row["groups"])),
        text=str(row["text"]),
        start=parse_utc(row["start_utc"]),
        tz=str(row["tz"]),
        rrule=row["rrule"],
        here=here_from_json(row["here"]),
        status=str(row["status"]),
        sequence=int(row["sequence"]),
        changes=changes,
    )
