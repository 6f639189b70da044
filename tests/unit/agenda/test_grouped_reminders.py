"""Reminders due at the same instant for one room go out as one short list (GROUP_LIMIT
at most, 10 here to see the split), each room its own; the grouped message keeps one
stable key, so enqueueing the same claimed reminders again after a crash adds nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from commands.agenda import engine as reminder_engine
from tests.unit.agenda.conftest import Clock, make_config, running, service_of
from tests.unit.agenda.test_engine import SATURDAY, T0, TWO_HOURS, new_event, statuses

ROOMS = ["console:salon:a", "console:salon:b"]
TITLES = [f"Atelier {n:02d}" for n in range(12)]
GROUP_LIMIT = 10


async def test_reminders_due_together_in_a_room_go_out_as_one_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reminder_engine, "GROUP_LIMIT", GROUP_LIMIT)
    clock = Clock(T0)
    config = make_config(tmp_path, groups=[{"name": "le-mans", "rooms": ROOMS}])
    async with running(config, clock) as (app, transport):
        service = service_of(app)
        for title in TITLES:
            await service.create(new_event(SATURDAY, title=title, offsets=("2h",)))
        alone = await service.create(
            new_event(SATURDAY + timedelta(hours=1), title="Seule", offsets=("2h",))
        )
        engine = service.engine
        clock.set(TWO_HOURS)
        report = await engine.run_due()
        assert report.sent == len(TITLES) * len(ROOMS)
        assert len(report.keys) == 2 * len(ROOMS)  # 10 + 2 per room
        assert await app.services.outbox.drain(5)
        for room in ROOMS:
            got = [i for i in transport.sent if i.channel.key == room]
            assert all(i.key.startswith("agenda-group-20260530T110000Z-") for i in got)
            assert [i.text.split("\n")[0] for i in got] == [
                f"**Rappels** : {GROUP_LIMIT} rendez-vous",
                f"**Rappels** : {len(TITLES) - GROUP_LIMIT} rendez-vous",
            ]
            listed = [t for i in got for t in re.findall(r"\*\*(Atelier \d+)\*\*", i.text)]
            assert listed == TITLES  # each once, in order
            first = got[0].text.split("\n")
            assert first[1] == (
                "- samedi 30 mai, 15:00 : **Atelier 00**, Place de la République (n°1)"
            )
            assert first[-1] == "Détail : !agenda voir N"
            assert len(first) == GROUP_LIMIT + 2
        assert len({i.key for i in transport.sent}) == len(transport.sent)

        # Alone at its instant: the usual single reminder.
        clock.set(TWO_HOURS + timedelta(hours=1))
        assert (await engine.run_due()).keys == [
            f"agenda-{alone.id}-20260530T140000Z-2h-{room}" for room in ROOMS
        ]
        assert await app.services.outbox.drain(5)
        assert transport.sent[-1].text.startswith("**Rappel** : Seule")

        # As after a crash between deciding and enqueueing: the same claimed reminders
        # are grouped again under the same keys, and the outbox records nothing new.
        store = app.services.store
        before = await store.fetchall("SELECT key FROM outbox ORDER BY key")
        await store.execute("UPDATE agenda_reminders SET status = 'claimed'")
        assert await engine.requeue_claimed() == (len(TITLES) + 1) * len(ROOMS)
        assert await store.fetchall("SELECT key FROM outbox ORDER BY key") == before
        assert await statuses(app) == {"queued": (len(TITLES) + 1) * len(ROOMS)}
