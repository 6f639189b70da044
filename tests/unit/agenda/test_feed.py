"""The ICS feed over real HTTP, assembled from the blocks kept with each event: the same
calendar as a whole export, conditional requests (ETag, 304), blocks rewritten by writes
and computed for rows that have none, streamed page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import icalendar
import pytest

from commands.agenda import AgendaFeature, feed
from commands.agenda.feed import FeedQuery
from commands.agenda.ics_write import write_calendar
from commands.agenda.model import Event
from commands.agenda.service import AgendaService
from commands.agenda.web import ICS_PAST_DAYS, AgendaWeb
from tests.unit.agenda.conftest import PARIS, Clock, make_config, running, service_of
from tests.unit.agenda.test_ics import sample_events

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
GROUPS = [
    {"name": "le-mans", "rooms": ["console:salon:general"]},
    {"name": "allonnes", "rooms": ["console:salon:allonnes"]},
]


def events() -> list[Event]:
    """Plain, all-day, weekly with an exception and a moved date, cancelled; and one in
    another zone and another group."""
    guadeloupe = datetime(2026, 6, 10, 18, 0, tzinfo=UTC)
    return [
        *sample_events(),
        Event(
            0,
            "allonnes",
            "reunion",
            "Réunion à Pointe-à-Pitre",
            guadeloupe,
            guadeloupe + timedelta(hours=1),
            "America/Guadeloupe",
            uid="g@relais",
        ),
    ]


async def get(port: int, path: str, **headers: str) -> tuple[int, Mapping[str, str], bytes]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}", headers=headers) as response,
    ):
        return response.status, response.headers.copy(), await response.read()


@asynccontextmanager
async def serving(tmp_path: Path) -> AsyncIterator[tuple[AgendaService, int]]:
    config = make_config(tmp_path, groups=GROUPS, agenda={"http": {"enabled": True, "port": 0}})
    async with running(config, Clock(NOW)) as (app, _):
        service = service_of(app)
        for event in events():
            await service.create(event)
        web = app.feature(AgendaFeature).web
        assert isinstance(web, AgendaWeb) and web.port
        yield service, web.port


def content(data: bytes) -> dict[str, Any]:
    """A calendar as comparable values: its properties, its zones, and each VEVENT's
    properties (DTSTAMP aside: a block is stamped when its event was written)."""
    calendar = icalendar.Calendar.from_ical(data)
    vevents = {}
    for component in calendar.walk("VEVENT"):
        rid = component.get("RECURRENCE-ID")
        key = (str(component["UID"]), None if rid is None else rid.to_ical())
        vevents[key] = {
            name: [_value(v) for v in value] if isinstance(value, list) else _value(value)
            for name, value in component.items()
            if name != "DTSTAMP"
        }
    return {
        "calendar": sorted(calendar.property_items(recursive=False)),
        "zones": sorted(tz.to_ical() for tz in calendar.walk("VTIMEZONE")),
        "events": vevents,
    }


def _value(value: Any) -> tuple[bytes, dict[str, str]]:
    return value.to_ical(), dict(getattr(value, "params", {}))


async def whole_export(service: AgendaService, groups: list[str], name: str, tz: str) -> bytes:
    """The export as it was before the blocks: every event through icalendar at once."""
    query = FeedQuery.for_day(groups, NOW, ICS_PAST_DAYS, name=name, tz=tz)
    found = await service.repo.all_events(groups, query.since)
    return write_calendar(found, name=name, tz=tz, now=NOW)


async def test_feed_has_the_same_content_as_a_whole_export(tmp_path: Path) -> None:
    async with serving(tmp_path) as (service, port):
        status, headers, body = await get(port, "/agenda.ics")
        assert status == 200
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        expected = await whole_export(service, ["le-mans", "allonnes"], "Agenda", "Europe/Paris")
        served = content(body)
        assert served == content(expected)
        assert len(served["events"]) == 7
        assert len(served["zones"]) == 2  # Europe/Paris and America/Guadeloupe

        _, _, body = await get(port, "/le-mans/agenda.ics")
        expected = await whole_export(service, ["le-mans"], "Agenda : le-mans", "Europe/Paris")
        assert content(body) == content(expected)
        assert "g@relais" not in body.decode()


async def test_conditional_request_and_a_write_changes_the_etag(tmp_path: Path) -> None:
    async with serving(tmp_path) as (service, port):
        status, headers, body = await get(port, "/agenda.ics")
        etag = headers["ETag"]
        assert status == 200 and etag.startswith('"')
        status, headers, again = await get(port, "/agenda.ics", **{"If-None-Match": etag})
        assert status == 304 and again == b"" and headers["ETag"] == etag
        # A weak tag, a list, `*`: all match; another tag does not.
        for value in (f"W/{etag}", f'"x", {etag}', "*"):
            assert (await get(port, "/agenda.ics", **{"If-None-Match": value}))[0] == 304
        assert (await get(port, "/agenda.ics", **{"If-None-Match": '"x"'}))[0] == 200
        # Each calendar has its own tag.
        other = (await get(port, "/le-mans/agenda.ics"))[1]["ETag"]
        assert other != etag

        meeting = await service.repo.by_uid("le-mans", "a@relais")
        assert meeting is not None
        await service.update(replace(meeting, title="Rassemblement déplacé"))
        status, headers, body = await get(port, "/agenda.ics", **{"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag
        assert b"SUMMARY:Rassemblement d\xc3\xa9plac\xc3\xa9" in body
        assert b"Rassemblement \\; " not in body
        # Reminder bookkeeping is no change to the feed.
        await service.repo.store.execute("UPDATE agenda_events SET next_check_utc = NULL")
        assert (await get(port, "/agenda.ics"))[1]["ETag"] == headers["ETag"]


async def test_rows_without_a_block_get_one_and_pages_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed, "PAGE", 2)
    async with serving(tmp_path) as (service, port):
        _, _, before = await get(port, "/agenda.ics")
        store = service.repo.store
        # As after migration 2 on an older database.
        await store.execute("UPDATE agenda_events SET ics_block = NULL, ics_zones = NULL")
        _, _, after = await get(port, "/agenda.ics")
        assert content(after) == content(before)
        row = await store.fetchone("SELECT COUNT(*) FROM agenda_events WHERE ics_block IS NULL")
        assert row is not None and row[0] == 0
        # Moving one date of the weekly event (an override) rewrites its block.
        weekly = await service.repo.by_uid("le-mans", "c@relais")
        assert weekly is not None
        moved = replace(weekly.overrides[0], title="Chantier vendredi")
        await service.update(replace(weekly, overrides=(moved,)))
        _, _, body = await get(port, "/agenda.ics")
        assert b"SUMMARY:Chantier vendredi" in body
        assert body.count(b"BEGIN:VEVENT") == 7
