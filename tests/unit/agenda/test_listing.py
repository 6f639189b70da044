"""Listings read from the occurrence index find what expanding every event finds
(`upcoming`): same occurrences in the same order, same count, across writes, cancelled
events and dates, moved dates, events saved before the index existed, and a clock
running past the index's horizon."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from commands.agenda.model import Event, Occurrence
from commands.agenda.occurrences import HORIZON
from commands.agenda.service import AgendaService
from tests.unit.agenda.conftest import PARIS, Clock, make_config, running, service_of
from tests.unit.agenda.test_feed import GROUPS, events

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
WINDOWS = (1, 7, 31, 60)


def shown(occurrences: list[Occurrence]) -> list[tuple[int, str, datetime, str]]:
    return [(o.event.id, o.key, o.start, o.title) for o in occurrences]


async def same_as_expanding(service: AgendaService, groups: list[str] | None = None) -> int:
    """Compares for several windows and limits; how many occurrences the largest holds."""
    now = service.now()
    largest = 0
    for days in WINDOWS:
        end = now + timedelta(days=days)
        expected = await service.upcoming(groups, now, end)
        for limit in (1, 3, 500):
            listing = await service.listing(groups, now, end, limit)
            assert listing.total == len(expected), days
            assert shown(listing.shown) == shown(expected[:limit]), (days, limit)
        largest = max(largest, len(expected))
    return largest


def more_events() -> list[Event]:
    """A daily rule with no end, an event ongoing at NOW, one far ahead."""
    daily = datetime(2026, 5, 1, 8, 0, tzinfo=PARIS)
    ongoing = datetime(2026, 5, 19, 9, 0, tzinfo=PARIS)
    far = datetime(2027, 9, 1, 18, 0, tzinfo=PARIS)
    return [
        Event(0, "le-mans", "autre", "Permanence", daily, daily + timedelta(hours=1),
              "Europe/Paris", rrule="FREQ=DAILY", uid="daily@relais"),
        Event(0, "le-mans", "autre", "Camp", ongoing, ongoing + timedelta(days=3),
              "Europe/Paris", uid="camp@relais"),
        Event(0, "allonnes", "reunion", "Plus tard", far, far + timedelta(hours=2),
              "Europe/Paris", uid="far@relais"),
    ]  # fmt: skip


async def test_listing_finds_what_expanding_finds(tmp_path: Path) -> None:
    clock = Clock(NOW)
    config = make_config(tmp_path, groups=GROUPS)
    async with running(config, clock) as (app, _):
        service = service_of(app)
        for event in [*events(), *more_events()]:
            await service.create(event)
        assert await same_as_expanding(service) > 30
        assert await same_as_expanding(service, ["allonnes"]) == 1

        # Writes: a moved date, a cancelled date, a cancelled event, a moved event.
        weekly = await service.repo.by_uid("le-mans", "c@relais")
        assert weekly is not None
        moved = replace(weekly.overrides[0], start=weekly.overrides[0].start + timedelta(hours=2))
        weekly = await service.update(replace(weekly, overrides=(moved,)))
        found = await service.upcoming(None, NOW, NOW + timedelta(days=31))
        second = next(o for o in found if o.event.id == weekly.id and o.key != moved.key)
        await service.cancel_date(weekly, second)
        camp = await service.repo.by_uid("le-mans", "camp@relais")
        assert camp is not None
        await service.cancel(camp, notify=False)
        meeting = await service.repo.by_uid("le-mans", "a@relais")
        assert meeting is not None
        await service.update(replace(meeting, start=meeting.start - timedelta(days=10)))
        await same_as_expanding(service)

        # Events saved before the index existed are indexed at the first listing.
        store = service.repo.store
        await store.execute("DELETE FROM agenda_occurrences")
        await store.execute("UPDATE agenda_events SET indexed_until_utc = NULL")
        await same_as_expanding(service)

        # Past the horizon the index extends itself (the event far ahead comes into view).
        clock.set(datetime(2027, 8, 20, tzinfo=UTC))
        assert clock() > NOW + HORIZON
        assert await same_as_expanding(service) > 30
        listing = await service.listing(["allonnes"], clock(), clock() + timedelta(days=31), 5)
        assert [o.title for o in listing.shown] == ["Plus tard"]
        clock.set(NOW + 2 * HORIZON + timedelta(days=20))
        assert await same_as_expanding(service) > 30
