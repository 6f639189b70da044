"""Each event's occurrences kept in a table indexed by time, so that a listing reads only
the lines it shows and counts the rest in SQL (agenda migration 3).

An event's occurrences are written with it, from a little before the write (an ongoing one
counts) to HORIZON later; a listing reaching past what is written extends it first, once
(events written before migration 3 are written then too). Cancelled events have none. The
rows mirror `recurrence.occurrences_between`: same occurrences, same window rule.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.store import Store
from commands.agenda.model import (
    CONFIRMED,
    Event,
    Occurrence,
    key_to_start,
    parse_utc,
    utc_text,
)
from commands.agenda.recurrence import (
    MAX_OCCURRENCES,
    event_slack,
    iter_occurrences,
    occurrence_for_key,
)

HORIZON = timedelta(days=370)
_LISTING_SLACK = timedelta(days=1)  # occurrences_between looks one day past its end


def _rows(
    event: Event, event_id: int, since: datetime, until: datetime
) -> list[tuple[object, ...]]:
    """Occurrences whose original start is in [since, until)."""
    if event.status != CONFIRMED:
        return []
    rows: list[tuple[object, ...]] = []
    for count, occurrence in enumerate(iter_occurrences(event, since)):
        original = key_to_start(occurrence.key, event.all_day, event.zone)
        if original >= until or count >= MAX_OCCURRENCES:
            break
        start, finish = occurrence.start, occurrence.end or occurrence.start
        span = int((finish - start).total_seconds())
        rows.append(
            (event_id, occurrence.key, event.group, utc_text(start), utc_text(finish), span)
        )
    return rows


async def _write(
    db: aiosqlite.Connection, event_id: int, event: Event, since: datetime, until: datetime
) -> None:
    await db.executemany(
        "INSERT OR REPLACE INTO agenda_occurrences (event_id, occurrence, group_name,"
        " start_utc, finish_utc, span_s) VALUES (?, ?, ?, ?, ?, ?)",
        _rows(event, event_id, since, until),
    )
    await db.execute(
        "UPDATE agenda_events SET indexed_until_utc = ? WHERE id = ?", (utc_text(until), event_id)
    )


async def index_in(db: aiosqlite.Connection, event_id: int, event: Event, now: datetime) -> None:
    """Rewrite an event's occurrences (after any change to it)."""
    await db.execute("DELETE FROM agenda_occurrences WHERE event_id = ?", (event_id,))
    await _write(db, event_id, event, now - event_slack(event), now + HORIZON)


# Loads events (with their moved dates) by id: the repository's job, passed in.
EventLoader = Callable[[Sequence[int]], Awaitable[list[Event]]]


@dataclass(frozen=True)
class Listing:
    shown: list[Occurrence]  # the first `limit`, by start
    total: int


class OccurrenceIndex:
    def __init__(self, store: Store, load: EventLoader) -> None:
        self._store = store
        self._load = load

    async def listing(
        self, groups: Sequence[str] | None, start: datetime, end: datetime, limit: int
    ) -> Listing:
        """Confirmed occurrences overlapping [start, end), by start: the first `limit` of
        them, and how many there are."""
        await self._extend(start, end)
        # Those starting before the window that may still run start at most the longest
        # span earlier: the range read by the index on start_utc stays the window's.
        row = await self._store.fetchone("SELECT MAX(span_s) FROM agenda_occurrences")
        longest = timedelta(seconds=int(row[0] or 0) if row is not None else 0)
        where = (
            " WHERE start_utc >= ? AND start_utc < ? AND finish_utc >= ?"
            " AND (finish_utc > ? OR start_utc >= ?)"
        )
        since = utc_text(start)
        params: list[object] = [utc_text(start - longest), utc_text(end), since, since, since]
        if groups is not None:
            where += " AND group_name IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(groups)))
        row = await self._store.fetchone("SELECT COUNT(*) FROM agenda_occurrences" + where, params)
        total = 0 if row is None else int(row[0])
        rows = await self._store.fetchall(
            "SELECT event_id, occurrence FROM agenda_occurrences"
            + where
            + " ORDER BY start_utc, event_id LIMIT ?",
            [*params, limit],
        )
        events = {e.id: e for e in await self._load(sorted({int(r[0]) for r in rows}))}
        shown = []
        for event_id, key in rows:
            occurrence = occurrence_for_key(events[int(event_id)], str(key))
            if occurrence is not None:
                shown.append(occurrence)
        return Listing(shown, total)

    async def _extend(self, start: datetime, end: datetime) -> None:
        """Write the occurrences a listing up to `end` needs and the table lacks."""
        reach = end + _LISTING_SLACK
        rows = await self._store.fetchall(
            "SELECT id, indexed_until_utc FROM agenda_events WHERE status = ?"
            " AND (indexed_until_utc IS NULL OR indexed_until_utc < ?)"
            " AND (last_end_utc IS NULL OR last_end_utc >= ?)",
            (CONFIRMED, utc_text(reach), utc_text(start)),
        )
        if not rows:
            return
        until = {int(r[0]): r[1] for r in rows}
        events = await self._load(sorted(until))
        async with self._store.transaction() as db:
            for event in events:
                known = until[event.id]
                if known is None:  # written before migration 3
                    await index_in(db, event.id, event, start)
                else:
                    since = parse_utc(str(known))
                    await _write(db, event.id, event, since, max(reach, start + HORIZON))
