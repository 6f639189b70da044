"""Reading and writing events in SQLite. No French, no decisions: the service decides."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store import Store
from commands.agenda.model import (
    CONFIRMED,
    Event,
    Override,
    parse_utc,
    targets_from_json,
    targets_to_json,
    utc_text,
)
from commands.agenda.occurrences import index_in

_EVENT_COLUMNS = (
    "group_name",
    "kind",
    "title",
    "place",
    "map_url",
    "description",
    "link",
    "tz",
    "all_day",
    "start_utc",
    "end_utc",
    "rrule",
    "exdates",
    "last_end_utc",
    "targets",
    "offsets",
    "uid",
    "source",
    "status",
    "sequence",
)


@dataclass(frozen=True)
class Schedule:
    """The reminder engine's bookkeeping for one event."""

    checked_until: datetime
    next_check: datetime | None


@dataclass(frozen=True)
class Marker:
    event_id: int
    occurrence: str
    offset_key: str
    target: str
    due: datetime
    late: bool


def _opt_utc(value: Any) -> datetime | None:
    return None if value is None else parse_utc(str(value))


def _event_values(event: Event, last_end: datetime | None) -> tuple[Any, ...]:
    return (
        event.group,
        event.kind,
        event.title,
        event.place,
        event.map_url,
        event.description,
        event.link,
        event.tz,
        int(event.all_day),
        utc_text(event.start),
        None if event.end is None else utc_text(event.end),
        event.rrule,
        json.dumps(sorted(event.exdates)),
        None if last_end is None else utc_text(last_end),
        targets_to_json(event.targets),
        None if event.offsets is None else json.dumps(list(event.offsets)),
        event.uid,
        event.source,
        event.status,
        event.sequence,
    )


def row_to_event(row: sqlite3.Row, overrides: Sequence[Override] = ()) -> Event:
    group = str(row["group_name"])
    offsets = row["offsets"]
    return Event(
        id=int(row["id"]),
        group=group,
        kind=str(row["kind"]),
        title=str(row["title"]),
        start=parse_utc(row["start_utc"]),
        end=_opt_utc(row["end_utc"]),
        tz=str(row["tz"]),
        all_day=bool(row["all_day"]),
        place=str(row["place"]),
        description=str(row["description"]),
        link=row["link"],
        map_url=row["map_url"],
        rrule=row["rrule"],
        exdates=frozenset(json.loads(row["exdates"])),
        overrides=tuple(overrides),
        targets=targets_from_json(row["targets"], group),
        offsets=None if offsets is None else tuple(json.loads(offsets)),
        uid=str(row["uid"]),
        source=row["source"],
        status=str(row["status"]),
        sequence=int(row["sequence"]),
    )


class EventRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- events ------------------------------------------------------------------------
    async def insert(
        self, event: Event, last_end: datetime | None, schedule: Schedule, now: datetime
    ) -> int:
        async with self.store.transaction() as db:
            return await self.insert_in(db, event, last_end, schedule, now)

    async def insert_in(
        self,
        db: aiosqlite.Connection,
        event: Event,
        last_end: datetime | None,
        schedule: Schedule,
        now: datetime,
    ) -> int:
        columns = (
            *_EVENT_COLUMNS,
            "checked_until_utc",
            "next_check_utc",
            "created_at",
            "updated_at",
        )
        marks = ", ".join("?" for _ in columns)
        cursor = await db.execute(
            f"INSERT INTO agenda_events ({', '.join(columns)}) VALUES ({marks})",
            (*_event_values(event, last_end), *_schedule_values(schedule), *[utc_text(now)] * 2),
        )
        event_id = int(cursor.lastrowid or 0)
        await cursor.close()
        await self._write_overrides(db, event_id, event.overrides)
        await write_block_in(db, event_id, event, now)
        await index_in(db, event_id, event, now)
        return event_id

    async def update(
        self, event: Event, last_end: datetime | None, schedule: Schedule | None, now: datetime
    ) -> None:
        async with self.store.transaction() as db:
            await self.update_in(db, event, last_end, schedule, now)

    async def update_in(
        self,
        db: aiosqlite.Connection,
        event: Event,
        last_end: datetime | None,
        schedule: Schedule | None,
        now: datetime,
    ) -> None:
        columns = list(_EVENT_COLUMNS)
        values = list(_event_values(event, last_end))
        if schedule is not None:
            columns += ["checked_until_utc", "next_check_utc"]
            values += _schedule_values(schedule)
        assignments = ", ".join(f"{c} = ?" for c in [*columns, "updated_at"])
        await db.execute(
            f"UPDATE agenda_events SET {assignments} WHERE id = ?",
            (*values, utc_text(now), event.id),
        )
        await db.execute("DELETE FROM agenda_overrides WHERE event_id = ?", (event.id,))
        await self._write_overrides(db, event.id, event.overrides)
        await write_block_in(db, event.id, event, now)
        await index_in(db, event.id, event, now)

    async def _write_overrides(
        self, db: aiosqlite.Connection, event_id: int, overrides: Iterable[Override]
    ) -> None:
        await db.executemany(
            "INSERT INTO agenda_overrides (event_id, occurrence, start_utc, end_utc, title,"
            " place, description) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    event_id,
                    o.key,
                    utc_text(o.start),
                    None if o.end is None else utc_text(o.end),
                    o.title,
                    o.place,
                    o.description,
                )
                for o in overrides
            ],
        )

    async def with_overrides(self, rows: Sequence[sqlite3.Row]) -> list[Event]:
        ids = [int(r["id"]) for r in rows]
        by_event: dict[int, list[Override]] = {}
        if ids:
            found = await self.store.fetchall(
                "SELECT * FROM agenda_overrides WHERE event_id IN"
                " (SELECT value FROM json_each(?)) ORDER BY occurrence",
                (json.dumps(ids),),
            )
            for o in found:
                by_event.setdefault(int(o["event_id"]), []).append(
                    Override(
                        key=str(o["occurrence"]),
                        start=parse_utc(o["start_utc"]),
                        end=_opt_utc(o["end_utc"]),
                        title=o["title"],
                        place=o["place"],
                        description=o["description"],
                    )
                )
        return [row_to_event(r, by_event.get(int(r["id"]), ())) for r in rows]

    async def get(self, event_id: int) -> Event | None:
        rows = await self.store.fetchall("SELECT * FROM agenda_events WHERE id = ?", (event_id,))
        events = await self.with_overrides(rows)
        return events[0] if events else None

    async def by_ids(self, ids: Sequence[int]) -> list[Event]:
        rows = await self.store.fetchall(
            "SELECT * FROM agenda_events WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return await self.with_overrides(rows)

    async def by_uid(self, group: str, uid: str) -> Event | None:
        rows = await self.store.fetchall(
            "SELECT * FROM agenda_events WHERE group_name = ? AND uid = ?", (group, uid)
        )
        events = await self.with_overrides(rows)
        return events[0] if events else None

    async def from_source(self, group: str, source: str) -> list[Event]:
        rows = await self.store.fetchall(
            "SELECT * FROM agenda_events WHERE group_name = ? AND source = ?", (group, source)
        )
        return await self.with_overrides(rows)

    async def in_window(
        self,
        groups: Sequence[str] | None,
        start: datetime,
        end: datetime,
        *,
        include_cancelled: bool = False,
    ) -> list[Event]:
        """Events that may have an occurrence in [start, end)."""
        sql = (
            "SELECT * FROM agenda_events WHERE start_utc < ?"
            " AND (last_end_utc IS NULL OR last_end_utc >= ?)"
        )
        params: list[Any] = [utc_text(end), utc_text(start)]
        if not include_cancelled:
            sql += " AND status = ?"
            params.append(CONFIRMED)
        if groups is not None:
            sql += " AND group_name IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(groups)))
        rows = await self.store.fetchall(sql + " ORDER BY start_utc, id", params)
        return await self.with_overrides(rows)

    async def all_events(self, groups: Sequence[str] | None, since: datetime) -> list[Event]:
        """Everything still running after `since`, cancelled ones included (for ICS)."""
        sql = "SELECT * FROM agenda_events WHERE (last_end_utc IS NULL OR last_end_utc >= ?)"
        params: list[Any] = [utc_text(since)]
        if groups is not None:
            sql += " AND group_name IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(groups)))
        rows = await self.store.fetchall(sql + " ORDER BY start_utc, id", params)
        return await self.with_overrides(rows)

    # -- reminder bookkeeping ------------------------------------------------------------
    async def schedule_of(self, event_id: int) -> Schedule | None:
        row = await self.store.fetchone(
            "SELECT checked_until_utc, next_check_utc FROM agenda_events WHERE id = ?",
            (event_id,),
        )
        if row is None:
            return None
        return Schedule(parse_utc(row[0]), _opt_utc(row[1]))

    async def due_for_check(self, now: datetime, limit: int = 2000) -> list[tuple[Event, Schedule]]:
        rows = await self.store.fetchall(
            "SELECT * FROM agenda_events WHERE next_check_utc IS NOT NULL"
            " AND next_check_utc <= ? ORDER BY next_check_utc LIMIT ?",
            (utc_text(now), limit),
        )
        events = await self.with_overrides(rows)
        return [
            (e, Schedule(parse_utc(r["checked_until_utc"]), _opt_utc(r["next_check_utc"])))
            for e, r in zip(events, rows, strict=True)
        ]

    async def earliest_check(self) -> datetime | None:
        row = await self.store.fetchone(
            "SELECT MIN(next_check_utc) FROM agenda_events WHERE next_check_utc IS NOT NULL"
        )
        return None if row is None or row[0] is None else parse_utc(row[0])

    async def set_schedule_in(
        self, db: aiosqlite.Connection, event_id: int, schedule: Schedule
    ) -> None:
        await db.execute(
            "UPDATE agenda_events SET checked_until_utc = ?, next_check_utc = ? WHERE id = ?",
            (*_schedule_values(schedule), event_id),
        )

    async def claim_in(
        self, db: aiosqlite.Connection, marker: Marker, status: str, now: str
    ) -> bool:
        """Record a decision; False when this reminder was already decided."""
        cursor = await db.execute(
            "INSERT INTO agenda_reminders (event_id, occurrence, offset_key, target, due_utc,"
            " status, late, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (
                marker.event_id,
                marker.occurrence,
                marker.offset_key,
                marker.target,
                utc_text(marker.due),
                status,
                int(marker.late),
                now,
            ),
        )
        inserted = cursor.rowcount > 0
        await cursor.close()
        return inserted

    async def set_marker_status(self, markers: Sequence[Marker], status: str) -> None:
        await self.store.executemany(
            "UPDATE agenda_reminders SET status = ? WHERE event_id = ? AND occurrence = ?"
            " AND offset_key = ? AND target = ? AND status = 'claimed'",
            [(status, m.event_id, m.occurrence, m.offset_key, m.target) for m in markers],
        )

    async def claimed(self) -> list[Marker]:
        rows = await self.store.fetchall(
            "SELECT * FROM agenda_reminders WHERE status = 'claimed' ORDER BY due_utc"
        )
        return [
            Marker(
                int(r["event_id"]),
                str(r["occurrence"]),
                str(r["offset_key"]),
                str(r["target"]),
                parse_utc(r["due_utc"]),
                bool(r["late"]),
            )
            for r in rows
        ]

    async def marker_counts(self) -> dict[str, int]:
        rows = await self.store.fetchall(
            "SELECT status, COUNT(*) FROM agenda_reminders GROUP BY status"
        )
        return {str(r[0]): int(r[1]) for r in rows}


async def write_block_in(
    db: aiosqlite.Connection, event_id: int, event: Event, stamp: datetime
) -> None:
    """The event's VEVENTs for the feed, written last (the feed's triggers clear them)."""
    # icalendar (~30 ms, several MB) loads with the first event written, not at start:
    # a bot that only answers commands never needs it.
    from commands.agenda.ics_write import event_block

    block, zones = event_block(event, stamp)
    await db.execute(
        "UPDATE agenda_events SET ics_block = ?, ics_zones = ? WHERE id = ?",
        (block, json.dumps(zones), event_id),
    )


def _schedule_values(schedule: Schedule) -> list[Any]:
    return [
        utc_text(schedule.checked_until),
        None if schedule.next_check is None else utc_text(schedule.next_check),
    ]
