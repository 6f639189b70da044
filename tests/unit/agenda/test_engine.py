"""The reminder engine in a real App on real SQLite: frozen clock for "what is due at T",
restarts and crashes for "exactly once", and the real scheduler with a short real delay."""

from __future__ import annotations

import asyncio
import logging
from contextvars import Context
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from commands.agenda.engine import JOB_ID, PURGE_JOB_ID, REARM_JOB_ID
from commands.agenda.model import Event
from commands.agenda.recurrence import iter_occurrences
from commands.agenda.service import Times
from tests.helpers import RecordingTransport
from tests.unit.agenda.conftest import PARIS, Clock, features, make_config, running, service_of

T0 = datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)  # Wednesday
SATURDAY = datetime(2026, 5, 30, 15, 0, tzinfo=PARIS)
J7 = datetime(2026, 5, 23, 15, 0, tzinfo=PARIS)
VEILLE = datetime(2026, 5, 29, 18, 0, tzinfo=PARIS)
TWO_HOURS = datetime(2026, 5, 30, 13, 0, tzinfo=PARIS)


def new_event(start: datetime, **kwargs: Any) -> Event:
    fields: dict[str, Any] = {
        "id": 0,
        "group": "le-mans",
        "kind": "manifestation",
        "title": "Manifestation pour le climat",
        "start": start.astimezone(UTC),
        "end": None,
        "tz": "Europe/Paris",
        "place": "Place de la République",
    }
    fields.update(kwargs)
    return Event(**fields)


async def reminders(app: App, transport: RecordingTransport) -> list[str]:
    assert await app.services.outbox.drain(5)
    return [i.key for i in transport.sent if i.key.startswith("agenda-") and "notice" not in i.key]


async def statuses(app: App) -> dict[str, int]:
    return await service_of(app).repo.marker_counts()


async def test_each_reminder_fires_once_at_its_instant(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as (app, transport):
        service = service_of(app)
        event = await service.create(new_event(SATURDAY))
        engine = service.engine
        assert (await engine.run_due()).sent == 0
        for instant in (J7, VEILLE, TWO_HOURS):
            clock.set(instant - timedelta(seconds=1))
            assert (await engine.run_due()).sent == 0
            clock.set(instant)
            assert (await engine.run_due()).sent == 1
            assert (await engine.run_due()).sent == 0  # same instant again: nothing
        clock.advance(days=2)
        assert (await engine.run_due()).sent == 0
        keys = await reminders(app, transport)
        assert keys == [
            f"agenda-{event.id}-20260530T130000Z-J-7-console:salon:general",
            f"agenda-{event.id}-20260530T130000Z-J-1-1800-console:salon:general",
            f"agenda-{event.id}-20260530T130000Z-2h-console:salon:general",
        ]
        texts = [i.text for i in transport.sent]
        assert texts[0].startswith("**Rappel** : Manifestation pour le climat")
        assert "samedi 30 mai 2026, 15:00 (dans 7 jours)" in texts[0]
        assert "(demain)" in texts[1]
        assert "(dans 2 h)" in texts[2]
        assert all("en retard" not in t for t in texts)
        assert all(i.channel.id == "salon:general" for i in transport.sent)
        assert await statuses(app) == {"queued": 3}
        assert await service.repo.earliest_check() is None


async def test_every_target_gets_its_own_reminder(tmp_path: Path) -> None:
    groups = [{"name": "le-mans", "rooms": ["console:salon:general", "console:salon:infos"]}]
    clock = Clock(T0)
    async with running(make_config(tmp_path, groups=groups), clock) as (app, transport):
        service = service_of(app)
        await service.create(new_event(SATURDAY, offsets=("2h",)))
        clock.set(TWO_HOURS)
        assert (await service.engine.run_due()).sent == 2
        sent = await reminders(app, transport)
        assert sorted(k.rsplit("-", 1)[-1] for k in sent) == [
            "console:salon:general",
            "console:salon:infos",
        ]


async def test_restart_sends_late_within_grace_skips_beyond_and_never_twice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path, agenda={"late_grace_minutes": 60})
    clock = Clock(T0)
    async with running(config, clock) as (app, transport):
        await service_of(app).create(new_event(SATURDAY))
    # The bot is down from Wednesday until the day before, 18:30: J-7 (a week ago) is
    # far beyond the grace window, "la veille à 18:00" is 30 minutes late.
    clock.set(VEILLE + timedelta(minutes=30))
    caplog.set_level(logging.WARNING, logger="commands.agenda.engine")
    async with running(config, clock) as (app, transport):
        await service_of(app).engine.run_due()
        await app.services.outbox.drain(5)
        sent = [i for i in transport.sent if i.key.startswith("agenda-")]
        assert len(sent) == 1
        assert "J-1-1800" in sent[0].key
        assert sent[0].text.startswith("**Rappel** (rappel en retard) : Manifestation")
        assert await statuses(app) == {"queued": 1, "skipped": 1}
    skipped = [r for r in caplog.records if "reminder skipped (too late)" in r.getMessage()]
    assert len(skipped) == 1
    assert "J-7" in skipped[0].getMessage()
    assert "Manifestation" not in caplog.text  # no event text in the logs
    # Another restart, and the last reminder on time: nothing is repeated.
    clock.set(TWO_HOURS)
    async with running(config, clock) as (app, transport):
        await service_of(app).engine.run_due()
        keys = await reminders(app, transport)
        assert len(keys) == 1
        assert keys[0].endswith("-2h-console:salon:general")
        assert await statuses(app) == {"queued": 2, "skipped": 1}


async def test_a_reminder_for_an_event_already_started_is_skipped(tmp_path: Path) -> None:
    config = make_config(tmp_path, agenda={"late_grace_minutes": 600})
    clock = Clock(T0)
    async with running(config, clock) as (app, _):
        await service_of(app).create(new_event(SATURDAY, offsets=("2h",)))
    clock.set(SATURDAY + timedelta(minutes=5))  # within grace, but it has begun
    async with running(config, clock) as (app, transport):
        report = await service_of(app).engine.run_due()
        assert (report.sent, report.skipped) == (0, 1)
        assert await reminders(app, transport) == []


async def test_crash_after_claim_before_outbox_is_finished_at_restart(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    clock = Clock(T0)
    async with running(config, clock) as (app, transport):
        service = service_of(app)
        await service.create(new_event(SATURDAY, offsets=("2h",)))
        clock.set(TWO_HOURS)

        async def crash(*args: object, **kwargs: object) -> list[int]:
            raise RuntimeError("power cut")

        app.services.outbox.enqueue_many = crash  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            await service.engine.run_due()
        assert await statuses(app) == {"claimed": 1}
    async with running(config, clock) as (app, transport):
        # The rebuilder enqueued the claimed reminder again; a new run adds nothing.
        await service_of(app).engine.run_due()
        assert len(await reminders(app, transport)) == 1
        assert await statuses(app) == {"queued": 1}


async def test_crash_after_outbox_before_marking_sends_once(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    clock = Clock(T0)
    delivered: list[str] = []
    async with running(config, clock) as (app, transport):
        service = service_of(app)
        await service.create(new_event(SATURDAY, offsets=("2h",)))
        clock.set(TWO_HOURS)

        async def crash(*args: object, **kwargs: object) -> None:
            raise RuntimeError("power cut")

        service.repo.set_marker_status = crash  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            await service.engine.run_due()
        delivered += await reminders(app, transport)
    async with running(config, clock) as (app, transport):
        await service_of(app).engine.run_due()
        delivered += await reminders(app, transport)
        assert await statuses(app) == {"queued": 1}
        rows = await app.services.store.fetchall("SELECT key FROM outbox WHERE key LIKE 'agenda-%'")
    assert len(rows) == 1
    assert delivered == [rows[0]["key"]]


async def test_weekly_event_reminds_each_date_but_not_a_cancelled_one(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as (app, transport):
        service = service_of(app)
        wednesday = datetime(2026, 5, 27, 14, 0, tzinfo=PARIS)
        event = await service.create(
            new_event(
                wednesday,
                kind="chantier",
                title="Chantier participatif",
                end=wednesday.replace(hour=21).astimezone(UTC),
                rrule="FREQ=WEEKLY;BYDAY=WE",
                offsets=("J-1 18:00",),
            )
        )
        second = next(o for o in service_occurrences(event) if o.key == "20260603T120000Z")
        event = await service.cancel_date(event, second)
        for day in (26, 2, 9):
            month = 5 if day == 26 else 6
            clock.set(datetime(2026, month, day, 18, 0, tzinfo=PARIS))
            await service.engine.run_due()
        keys = await reminders(app, transport)
        assert [k.split("-")[2] for k in keys] == ["20260527T120000Z", "20260610T120000Z"]
        notices = [i.text for i in transport.sent if "notice" in i.key]
        assert notices == [
            "**Annulé le mercredi 3 juin 2026, de 14:00 à 21:00** : Chantier participatif. "
            "Les autres dates sont maintenues."
        ]


def service_occurrences(event: Event) -> list[Any]:
    return [o for _, o in zip(range(5), iter_occurrences(event), strict=False)]


async def test_moving_an_event_moves_its_reminders_and_tells_everyone(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as (app, transport):
        service = service_of(app)
        event = await service.create(new_event(SATURDAY, offsets=("2h",)))

        sunday = SATURDAY + timedelta(days=1)
        await service.move(event, Times(sunday.astimezone(UTC), None, False, None))
        clock.set(TWO_HOURS)
        assert (await service.engine.run_due()).sent == 0
        clock.set(sunday - timedelta(hours=2))
        assert (await service.engine.run_due()).sent == 1
        keys = await reminders(app, transport)
        assert keys == [f"agenda-{event.id}-20260531T130000Z-2h-console:salon:general"]
        notice = next(i.text for i in transport.sent if "notice" in i.key)
        assert "Avant : samedi 30 mai 2026, 15:00" in notice
        assert "Maintenant : dimanche 31 mai 2026, 15:00" in notice


async def test_one_job_whatever_the_number_of_events(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as (app, _):
        service = service_of(app)
        for index in range(60):
            await service.create(new_event(SATURDAY + timedelta(hours=index)))
        assert sorted(app.services.scheduler.job_ids("agenda:")) == sorted(
            [PURGE_JOB_ID, REARM_JOB_ID, JOB_ID]
        )
        assert await service.repo.earliest_check() == J7.astimezone(UTC)


async def test_real_scheduler_fires_a_reminder_due_in_a_second(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    async with App(config, [*_features()]) as app:
        transport = RecordingTransport("console")
        app.add_transport(transport)
        service = service_of(app)
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2, seconds=2)
        await service.create(new_event(start, offsets=("2h",)))
        assert app.services.scheduler.next_run(JOB_ID) is not None
        for _ in range(200):
            await app.services.outbox.drain(1)
            if transport.sent:
                break
            await asyncio.sleep(0.05)
        assert len(transport.sent) == 1
        assert transport.sent[0].text.startswith("**Rappel** : Manifestation")
        assert "en retard" not in transport.sent[0].text
        assert app.services.scheduler.next_run(JOB_ID) is None  # nothing left to arm


def _features() -> list[Any]:
    return features()


async def test_old_markers_are_purged_and_never_resent(tmp_path: Path) -> None:
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as (app, transport):
        service = service_of(app)
        await service.create(new_event(SATURDAY, offsets=("2h",)))
        clock.set(TWO_HOURS)
        await service.engine.run_due()
        clock.advance(days=89)
        assert await service.engine.purge_markers() == 0
        clock.advance(days=2)
        assert await service.engine.purge_markers() == 1
        assert (await service.engine.run_due()).sent == 0
        assert len(await reminders(app, transport)) == 1


async def test_no_grace_still_sends_a_reminder_one_busy_second_late(tmp_path: Path) -> None:
    clock = Clock(T0)
    config = make_config(tmp_path, agenda={"late_grace_minutes": 0})
    async with running(config, clock) as (app, transport):
        service = service_of(app)
        await service.create(new_event(SATURDAY, offsets=("2h",)))
        clock.set(TWO_HOURS + timedelta(seconds=1))
        assert (await service.engine.run_due()).sent == 1
        assert len(await reminders(app, transport)) == 1
        assert "en retard" not in transport.sent[-1].text


async def test_a_reminder_run_and_an_organiser_saving_an_event_never_wait_for_each_other(
    tmp_path: Path,
) -> None:
    """A command runs in one store transaction; if a reminder run started meanwhile, it
    waits for the store while the command saves an event. Saving must not wait for the
    run in turn (that was a deadlock: the bot froze for good)."""
    clock = Clock(T0)
    async with running(make_config(tmp_path), clock) as (app, transport):
        service = service_of(app)
        await service.create(new_event(SATURDAY))
        clock.set(J7)  # one reminder due
        store = app.services.store
        async with asyncio.timeout(10):  # a deadlock fails here instead of hanging
            async with store.transaction():  # what the router does around a command
                # As the scheduler starts it: in its own context, outside the command's.
                run = asyncio.create_task(service.engine.run_due(), context=Context())
                await asyncio.sleep(0.05)  # the run is under way, waiting for the store
                created = await service.create(new_event(SATURDAY, title="Réunion"))
                await service.update(replace(created, place="Salle des fêtes"))
            report = await run
        assert report.sent == 1
        assert len(await reminders(app, transport)) == 1
