"""The ICS feed, assembled from the VEVENTs kept with each event (see `repo.write_block_in`).

A feed is a head (calendar properties and VTIMEZONEs), the events' blocks in start order
read page by page, and an end: no calendar object is built, memory stays flat, and an
export costs what the changed events cost to serialise. Its ETag comes from a counter the
database bumps on every change a feed shows (schema migration 2), so a conditional
request is answered from one small row. A change made while a feed streams ends up in the
next one: its ETag then differs.

A change to what `event_block` writes needs a migration that clears `ics_block`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from commands.agenda.ics_write import CALENDAR_END, calendar_head, event_block
from commands.agenda.model import Event, parse_utc, utc_text
from commands.agenda.repo import EventRepo

PAGE = 500
FILL_CHUNK = 200


@dataclass(frozen=True)
class FeedQuery:
    groups: tuple[str, ...]
    since: datetime  # events over before this instant are left out
    name: str
    tz: str

    @classmethod
    def for_day(
        cls, groups: Sequence[str], now: datetime, past_days: int, *, name: str, tz: str
    ) -> FeedQuery:
        """`since` moves once a day (midnight UTC), not with every request: a feed keeps
        its ETag all day when nothing changes."""
        day = (now - timedelta(days=past_days)).astimezone(UTC)
        since = day.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(tuple(groups), since, name, tz)

    def where(self) -> tuple[str, list[Any]]:
        return (
            "(last_end_utc IS NULL OR last_end_utc >= ?)"
            " AND group_name IN (SELECT value FROM json_each(?))",
            [utc_text(self.since), json.dumps(list(self.groups))],
        )


class IcsFeed:
    def __init__(self, repo: EventRepo) -> None:
        self._repo = repo
        self._store = repo.store

    async def etag(self, query: FeedQuery) -> str:
        row = await self._store.fetchone("SELECT changes FROM agenda_feed_state")
        changes = 0 if row is None else int(row[0])
        key = json.dumps([changes, query.groups, utc_text(query.since), query.name, query.tz])
        return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'

    async def fill_missing(self, query: FeedQuery) -> int:
        """Serialise the events whose block is unknown (written before migration 2), off
        the event loop, a chunk at a time; how many were done."""
        missing = await self._store.fetchone(
            "SELECT 1 FROM agenda_events WHERE ics_block IS NULL LIMIT 1"  # partial index
        )
        if missing is None:
            return 0
        where, params = query.where()
        rows = await self._store.fetchall(
            f"SELECT id FROM agenda_events WHERE ics_block IS NULL AND {where}", params
        )
        ids = [int(r[0]) for r in rows]
        for first in range(0, len(ids), FILL_CHUNK):
            await self._fill(ids[first : first + FILL_CHUNK])
        return len(ids)

    async def _fill(self, ids: list[int]) -> None:
        rows = await self._store.fetchall(
            "SELECT * FROM agenda_events WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        )
        events = await self._repo.with_overrides(rows)
        stamps = {int(r["id"]): parse_utc(r["updated_at"]) for r in rows}
        blocks = await asyncio.to_thread(_blocks, events, stamps)
        await self._store.executemany(
            "UPDATE agenda_events SET ics_block = ?, ics_zones = ? WHERE id = ?"
            " AND ics_block IS NULL",
            blocks,
        )

    async def chunks(self, query: FeedQuery) -> AsyncIterator[bytes]:
        """The feed's bytes, a page of events at a time."""
        where, params = query.where()
        rows = await self._store.fetchall(
            f"SELECT DISTINCT ics_zones FROM agenda_events WHERE {where}", params
        )
        zones = {zone for r in rows if r[0] for zone in json.loads(r[0])}
        yield calendar_head(name=query.name, tz=query.tz, zones=zones)
        after: tuple[str, int] = ("", 0)
        while True:
            page = await self._store.fetchall(
                f"SELECT start_utc, id, ics_block FROM agenda_events WHERE {where}"
                " AND (start_utc, id) > (?, ?) ORDER BY start_utc, id LIMIT ?",
                [*params, *after, PAGE],
            )
            if not page:
                break
            missing = [int(r[1]) for r in page if r[2] is None]
            if missing:  # changed since fill_missing by something that left no block
                await self._fill(missing)
                continue
            yield b"".join(bytes(r[2]) for r in page)
            after = (str(page[-1][0]), int(page[-1][1]))
        yield CALENDAR_END


def _blocks(events: Sequence[Event], stamps: dict[int, datetime]) -> list[tuple[Any, ...]]:
    found = []
    for event in events:
        block, zones = event_block(event, stamps[event.id])
        found.append((block, json.dumps(zones), event.id))
    return found
