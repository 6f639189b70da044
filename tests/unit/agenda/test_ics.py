"""ICS in and out: realistic Mobilizon, Gancio and Demosphere feeds (written from RFC 5545),
updates and cancellations propagating, dedup by UID, and an export/import round trip."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from commands.agenda.groups import find_group
from commands.agenda.ics_read import CalendarError, read_calendar
from commands.agenda.ics_write import write_calendar
from commands.agenda.model import Event, Override
from commands.agenda.recurrence import occurrences_between
from commands.agenda.sync import import_bytes
from tests.unit.agenda.conftest import PARIS, Clock, make_config, running, service_of

FEEDS = Path(__file__).parent / "feeds"
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)


def read(name: str) -> list[Event]:
    data = (FEEDS / name).read_bytes()
    return read_calendar(data, group="le-mans", tz=PARIS, source=name).events


def by_uid(events: list[Event], prefix: str) -> Event:
    return next(e for e in events if e.uid.startswith(prefix))


def test_mobilizon_feed() -> None:
    events = read("mobilizon.ics")
    assert len(events) == 2
    rally = by_uid(events, "7c1c2f0e")
    assert rally.title == "Rassemblement au bois du Fouillet"
    assert rally.kind == "rassemblement"
    assert rally.start == datetime(2026, 6, 4, 15, 0, tzinfo=PARIS)
    assert rally.end == datetime(2026, 6, 4, 17, 0, tzinfo=PARIS)
    assert rally.place == (
        "Bois du Fouillet, carrefour de la rue de Raudin et de la rue du Soleil, 72100 Le Mans"
    )
    assert rally.description == (
        "Rassemblement contre le projet de contournement.\n"
        "Venez nombreuses et nombreux\xa0! Apportez de l'eau."
    )
    assert rally.map_url is not None and "mlat=47.98123" in rally.map_url
    assert rally.link == "https://mobilizon.example/events/7c1c2f0e-3f57-4a8b-9f3e-5d2b1a9e0c11"
    assert by_uid(events, "9a8b7c6d").kind == "reunion"


def test_gancio_feed_with_recurrence_exdate_moved_and_cancelled_dates() -> None:
    events = read("gancio.ics")
    film = by_uid(events, "gancio-event-42")
    assert film.kind == "projection"
    assert film.tz == "Europe/Paris"
    assert film.start == datetime(2026, 6, 12, 20, 0, tzinfo=PARIS)
    chantier = by_uid(events, "gancio-recurrent-7")
    assert chantier.rrule == "FREQ=WEEKLY;UNTIL=20260624T120000Z;BYDAY=WE"
    assert chantier.exdates == {"20260527T120000Z", "20260610T120000Z"}
    assert [o.key for o in chantier.overrides] == ["20260603T120000Z"]
    window = occurrences_between(
        chantier, datetime(2026, 5, 1, tzinfo=PARIS), datetime(2026, 7, 1, tzinfo=PARIS)
    )
    shown = [(o.start.strftime("%a %d %H:%M"), o.title.endswith("jeudi)")) for o in window]
    assert shown == [
        ("Wed 20 14:00", False),
        ("Thu 04 10:00", True),
        ("Wed 17 14:00", False),
        ("Wed 24 14:00", False),
    ]


def test_demosphere_feed_all_day_floating_and_cancelled() -> None:
    events = read("demosphere.ics")
    camp = by_uid(events, "demosphere-sarthe-3141")
    assert camp.all_day
    assert camp.start == datetime(2026, 8, 3, tzinfo=PARIS)
    assert camp.end == datetime(2026, 8, 8, tzinfo=PARIS)
    assert (
        camp.description == "Cinq jours d'ateliers, de débats et de fête.\nInscription sur place."
    )
    demo = by_uid(events, "demosphere-sarthe-3142")
    assert demo.start == datetime(2026, 6, 13, 10, 30, tzinfo=PARIS)  # floating: group zone
    assert demo.kind == "manifestation"
    party = by_uid(events, "demosphere-sarthe-3143")
    assert party.cancelled


def test_not_a_calendar_is_an_error() -> None:
    with pytest.raises(CalendarError):
        read_calendar(b"<html>Not found</html>", group="g", tz=PARIS, source="x")


async def test_import_dedups_and_propagates_changes_and_cancellations(tmp_path: Path) -> None:
    clock = Clock(NOW)
    async with running(make_config(tmp_path), clock) as (app, transport):
        service = service_of(app)
        group = find_group(service.config, "le-mans")
        assert group is not None
        source = "https://demosphere.example/sarthe.ics"
        data = (FEEDS / "demosphere.ics").read_bytes()
        report = await import_bytes(service, group, source, data, prune=True)
        assert (report.added, report.skipped) == (2, 1)  # the cancelled one is not added
        again = await import_bytes(service, group, source, data, prune=True)
        assert (again.added, again.unchanged, again.updated) == (0, 2, 0)

        # The feed moves the demonstration by an hour and cancels the camp.
        moved = data.replace(b"DTSTART:20260613T103000", b"DTSTART:20260613T113000")
        moved = moved.replace(b"DTEND:20260613T123000", b"DTEND:20260613T133000")
        moved = moved.replace(
            b"UID:demosphere-sarthe-3141@demosphere.example\r\n",
            b"UID:demosphere-sarthe-3141@demosphere.example\r\nSTATUS:CANCELLED\r\n",
        )
        report = await import_bytes(service, group, source, moved, prune=True)
        assert (report.updated, report.cancelled) == (1, 1)
        assert await app.services.outbox.drain(5)
        notices = [i.text for i in transport.sent if "notice" in i.key]
        assert len(notices) == 2
        assert any("Maintenant : samedi 13 juin 2026, de 11:30 à 13:30" in n for n in notices)
        assert any(n.startswith("**Annulé** : Camp climat 2026") for n in notices)
        demo = await service.repo.by_uid(group.name, "demosphere-sarthe-3142@demosphere.example")
        assert demo is not None and demo.start == datetime(2026, 6, 13, 11, 30, tzinfo=PARIS)

        # The same UID from another source is not taken over.
        other = await import_bytes(service, group, "fichier:copie.ics", moved, prune=False)
        assert other.added == 0


def _without_event(data: bytes, uid: bytes) -> bytes:
    blocks = re.split(rb"(?=BEGIN:VEVENT)|(?<=END:VEVENT\r\n)", data)
    return b"".join(b for b in blocks if not (b.startswith(b"BEGIN:VEVENT") and uid in b))


async def test_vanished_event_before_the_last_date_is_cancelled(tmp_path: Path) -> None:
    async with running(make_config(tmp_path), Clock(NOW)) as (app, _):
        service = service_of(app)
        group = find_group(service.config, "le-mans")
        assert group is not None
        data = (FEEDS / "mobilizon.ics").read_bytes()
        await import_bytes(service, group, "https://m.example/feed.ics", data, prune=True)
        # The meeting of 25 May disappears; the rally of 4 June is still listed after it.
        shrunk = _without_event(data, b"9a8b7c6d")
        report = await import_bytes(
            service, group, "https://m.example/feed.ics", shrunk, prune=True
        )
        assert report.cancelled == 1
        meeting = await service.repo.by_uid(group.name, "9a8b7c6d-0000-4a8b-9f3e-5d2b1a9e0c22")
        assert meeting is not None and meeting.cancelled
        # An empty feed (broken server) cancels nothing.
        empty = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"
        report = await import_bytes(service, group, "https://m.example/feed.ics", empty, prune=True)
        assert report.cancelled == 0


def sample_events() -> list[Event]:
    wednesday = datetime(2026, 5, 20, 14, 0, tzinfo=PARIS)
    moved = datetime(2026, 6, 4, 10, 0, tzinfo=PARIS)
    return [
        Event(
            1,
            "le-mans",
            "rassemblement",
            "Rassemblement ; « spécial », virgule",
            datetime(2026, 6, 4, 13, 0, tzinfo=UTC),
            datetime(2026, 6, 4, 15, 0, tzinfo=UTC),
            "Europe/Paris",
            place="Bois du Fouillet, Le Mans",
            description="Ligne 1\nLigne 2",
            link="https://exemple.org/rdv",
            map_url="https://osm.example/?m=1",
            uid="a@relais",
        ),
        Event(
            2,
            "le-mans",
            "autre",
            "Camp climat",
            datetime(2026, 8, 3, tzinfo=PARIS).astimezone(UTC),
            datetime(2026, 8, 8, tzinfo=PARIS).astimezone(UTC),
            "Europe/Paris",
            all_day=True,
            uid="b@relais",
        ),
        Event(
            3,
            "le-mans",
            "chantier",
            "Chantier",
            wednesday.astimezone(UTC),
            wednesday.replace(hour=21).astimezone(UTC),
            "Europe/Paris",
            rrule="FREQ=WEEKLY;BYDAY=WE;UNTIL=20260701T000000Z",
            exdates=frozenset({"20260527T120000Z"}),
            overrides=(
                Override(
                    "20260603T120000Z",
                    moved.astimezone(UTC),
                    (moved + timedelta(hours=7)).astimezone(UTC),
                    title="Chantier jeudi",
                ),
            ),
            uid="c@relais",
        ),
        Event(
            4,
            "le-mans",
            "reunion",
            "Réunion annulée",
            datetime(2026, 6, 1, 16, tzinfo=UTC),
            None,
            "Europe/Paris",
            status="cancelled",
            sequence=2,
            uid="d@relais",
        ),
        Event(
            5,
            "le-mans",
            "fete",
            "Fête de tous les étés",
            datetime(2026, 6, 21, tzinfo=PARIS).astimezone(UTC),
            datetime(2026, 6, 22, tzinfo=PARIS).astimezone(UTC),
            "Europe/Paris",
            all_day=True,
            rrule="FREQ=YEARLY;UNTIL=20280621T215959Z",
            uid="e@relais",
        ),
    ]


def _comparable(event: Event) -> tuple[object, ...]:
    return (
        event.uid,
        event.kind,
        event.title,
        event.start,
        event.end,
        event.tz,
        event.all_day,
        event.place,
        event.description,
        event.link,
        event.map_url,
        event.exdates,
        event.overrides,
        event.status,
        event.sequence,
    )


def test_round_trip_keeps_everything() -> None:
    original = sample_events()
    data = write_calendar(original, name="Agenda : le-mans", tz="Europe/Paris", now=NOW)
    back = read_calendar(data, group="le-mans", tz=PARIS, source="x").events
    assert [_comparable(e) for e in sorted(back, key=lambda e: e.uid)] == [
        _comparable(e) for e in original
    ]
    rules = {e.uid: e.rrule for e in back}
    assert rules["c@relais"] == "FREQ=WEEKLY;UNTIL=20260701T000000Z;BYDAY=WE"
    assert rules["e@relais"] == "FREQ=YEARLY;UNTIL=20280621"  # all-day rule: UNTIL is a date


def test_export_is_valid_ics_with_zones_and_statuses() -> None:
    data = write_calendar(sample_events(), name="Agenda", tz="Europe/Paris", now=NOW)
    text = data.decode()
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in text
    assert "DTSTART;TZID=Europe/Paris:20260604T150000" in text
    assert "DTSTART;VALUE=DATE:20260803" in text
    assert "STATUS:CANCELLED" in text
    assert "RECURRENCE-ID;TZID=Europe/Paris:20260603T140000" in text
    assert "SUMMARY:Rassemblement \\; « spécial »\\, virgule" in text
    calendar = icalendar.Calendar.from_ical(data)
    assert len(calendar.walk("VEVENT")) == 6
