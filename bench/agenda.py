"""Agenda: start-up with a big agenda, reminder lateness, catching up after a downtime.

    python -m bench agenda        (or: python -m bench.agenda)

1. Seeds 10,000 events (9,000 single, 1,000 weekly), 5 reminder offsets each: 45,000
   pending reminders for the single events alone, more from the weekly ones.
2. Start-up: a fresh process opens that database and starts the App (migrations checked,
   reminder job armed); wall time and resident memory, a few rounds.
3. Lateness: 300 reminders falling due over ~6 s of real time, among the 10,000 events;
   for each, enqueue time and delivery time minus the scheduled instant (p50/p99/max).
4. Catch-up: the bot was down 30 minutes while 2,000 reminders fell due; time from start
   until all are decided and enqueued.
Also: listing the next 7 and 31 days (first 25 lines and a count), and the ICS feed.
Writes bench/results/agenda.json and prints a table.
"""

from __future__ import annotations

import asyncio
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Outgoing
from commands.agenda import AgendaFeature
from commands.agenda.feed import FeedQuery, IcsFeed
from commands.agenda.model import Event, floor_second
from commands.agenda.recurrence import last_end
from commands.agenda.reminders import due_between
from commands.agenda.service import AgendaService

RESULTS = Path(__file__).resolve().parent / "results"
EVENTS, WEEKLY = 10_000, 1_000
OFFSETS = ("J-7", "J-3", "J-1 18:00", "2h", "30min")
START_ROUNDS = 3
LATENESS_EVENTS = 300
CATCH_UP_EVENTS = 2_000


def _config(data_dir: Path) -> Config:
    data = {
        "relais": {"data_dir": str(data_dir), "log_level": "WARNING"},
        "groups": [{"name": "le-mans", "rooms": ["console:salon:general"]}],
    }
    return parse_config(data, sections=feature_sections([AgendaFeature()]), environ={})


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

    return {
        "p50_ms": round(at(50) * 1000, 2),
        "p99_ms": round(at(99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "samples": len(ordered),
    }


def _event(index: int, start: datetime, *, weekly: bool = False, offsets: Any = OFFSETS) -> Event:
    return Event(
        id=0,
        group="le-mans",
        kind="chantier" if weekly else "reunion",
        title=f"Rendez-vous {index}",
        start=start.astimezone(UTC),
        end=(start + timedelta(hours=2)).astimezone(UTC),
        tz="Europe/Paris",
        place="Salle des fêtes",
        rrule="FREQ=WEEKLY" if weekly else None,
        exdates=frozenset(),
        offsets=tuple(offsets),
        uid=f"bench-{index}-{start.timestamp():.0f}@relais",
    )


async def _bulk_create(service: AgendaService, events: list[Event]) -> None:
    """One transaction for all (the chat path does one per event)."""
    now = floor_second(service.now())
    store = service.repo.store
    async with store.transaction() as db:
        for event in events:
            schedule = service.engine.schedule_from(event, now)
            await service.repo.insert_in(db, event, last_end(event), schedule, now)


async def seed(data_dir: Path) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    events = []
    for i in range(EVENTS):
        day = now + timedelta(days=8 + (i % 180), minutes=(i * 7) % 600)
        events.append(_event(i, day, weekly=i < WEEKLY))
    started = time.perf_counter()
    async with App(_config(data_dir), [AgendaFeature()]) as app:
        service = app.feature(AgendaFeature).service
        assert isinstance(service, AgendaService)
        await _bulk_create(service, events)
        seeded = time.perf_counter() - started
        month = now + timedelta(days=200)
        pending = 0
        for event in await service.repo.in_window(None, now, month):
            pending += len(due_between(event, service.offsets(event), now, month))
        timings = {}
        for label, days in (("list_7_days", 7), ("list_31_days", 31)):
            t0 = time.perf_counter()
            found = await service.listing(
                ["le-mans"], now + timedelta(days=8), now + timedelta(days=8 + days), 25
            )
            timings[label] = {
                "ms": round((time.perf_counter() - t0) * 1000, 1),
                "items": found.total,
            }
        t0 = time.perf_counter()
        query = FeedQuery.for_day(["le-mans"], now, 30, name="Agenda", tz="Europe/Paris")
        size = sum([len(chunk) async for chunk in IcsFeed(service.repo).chunks(query)])
        timings["export_ics"] = {"ms": round((time.perf_counter() - t0) * 1000, 1), "bytes": size}
    return {"seed_seconds": round(seeded, 2), "pending_reminders_200_days": pending, **timings}


def child_start(data_dir: str) -> None:
    """Run in a fresh process: import, start the App, report time and memory."""
    t0 = time.perf_counter()
    rss_before = _rss_kb()

    async def go() -> float:
        started = time.perf_counter()
        async with App(_config(Path(data_dir)), [AgendaFeature()]):
            elapsed = time.perf_counter() - started
            print(
                json.dumps(
                    {
                        "start_s": elapsed,
                        "rss_kb": _rss_kb(),
                        "rss_before_kb": rss_before,
                        "process_s": time.perf_counter() - t0,
                    }
                )
            )
        return elapsed

    asyncio.run(go())


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure_start(data_dir: Path) -> dict[str, Any]:
    runs = []
    for _ in range(START_ROUNDS):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "bench.agenda", "--child-start", str(data_dir)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        wall = time.perf_counter() - started
        runs.append({**json.loads(out.stdout.strip().splitlines()[-1]), "wall_s": wall})
    return {
        "app_start_ms_median": round(statistics.median(r["start_s"] for r in runs) * 1000, 1),
        "app_start_ms_max": round(max(r["start_s"] for r in runs) * 1000, 1),
        "process_wall_ms_median": round(statistics.median(r["wall_s"] for r in runs) * 1000, 1),
        "rss_mb_after_start": round(max(r["rss_kb"] for r in runs) / 1024, 1),
        "rss_mb_before_app": round(max(r["rss_before_kb"] for r in runs) / 1024, 1),
        "rounds": len(runs),
    }


class Stopwatch:
    """A transport that notes when each key was delivered."""

    name = "console"

    def __init__(self) -> None:
        self.delivered: dict[str, float] = {}
        self.reminders = 0  # reminders delivered (a grouped message lists several)

    async def deliver(self, item: Outgoing) -> str | None:
        self.delivered[item.key] = time.time()
        grouped = item.key.startswith("agenda-group-")
        self.reminders += (
            sum(1 for line in item.text.split("\n") if line.startswith("- ")) if grouped else 1
        )
        return item.key


async def measure_lateness(data_dir: Path) -> dict[str, Any]:
    async with App(_config(data_dir), [AgendaFeature()]) as app:
        watch = Stopwatch()
        app.add_transport(watch)
        service = app.feature(AgendaFeature).service
        assert isinstance(service, AgendaService)
        enqueued: dict[str, float] = {}
        original = app.services.outbox.enqueue_many

        async def noting(drafts: Any) -> list[int]:
            items = list(drafts)
            moment = time.time()
            for draft in items:
                enqueued[draft.key] = moment
            return await original(items)

        app.services.outbox.enqueue_many = noting  # type: ignore[method-assign]
        base = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
        instants: dict[int, float] = {}
        events = []
        for i in range(LATENESS_EVENTS):
            due = base + timedelta(milliseconds=20 * i)
            events.append(_event(i, due + timedelta(hours=2), offsets=("2h",)))
        await _bulk_create(service, events)
        await service.engine.arm()
        for event in await service.repo.in_window(None, base, base + timedelta(hours=3)):
            if event.rrule is None and event.offsets == ("2h",):
                instants[event.id] = floor_second(event.start - timedelta(hours=2)).timestamp()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (  # noqa: ASYNC110
            watch.reminders < len(instants) or len(watch.delivered) < len(enqueued)
        ):
            await asyncio.sleep(0.05)

        def instant_of(key: str) -> float | None:
            """Reminders due together in a room are one message keyed by their instant."""
            parts = key.split("-")
            if parts[1] == "group":
                return datetime.strptime(parts[2], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
            return instants.get(int(parts[1]))

        def late(moments: dict[str, float]) -> list[float]:
            found = [(t, instant_of(k)) for k, t in moments.items()]
            return [t - instant for t, instant in found if instant is not None]

    return {
        "reminders": len(instants),
        "delivered": watch.reminders,
        "messages": len(watch.delivered),
        "enqueue_lateness": _percentiles(late(enqueued)),
        "delivery_lateness": _percentiles(late(watch.delivered)),
    }


async def measure_floor_lateness() -> dict[str, Any]:
    """The floor: a bare APScheduler firing jobs at the same instants, doing nothing else."""

    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    fired: list[float] = []
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
    instants = [floor_second(base + timedelta(milliseconds=20 * i)) for i in range(LATENESS_EVENTS)]

    async def job(instant: float) -> None:
        fired.append(time.time() - instant)

    for index, instant in enumerate(instants):
        scheduler.add_job(
            job, "date", run_date=instant, args=(instant.timestamp(),), id=f"floor-{index}",
            misfire_grace_time=60,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(fired) < len(instants) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    scheduler.shutdown(wait=False)
    return {"jobs": len(instants), "fired": len(fired), "lateness": _percentiles(fired)}


async def measure_catch_up(data_dir: Path) -> dict[str, Any]:
    """Seed reminders due 30 minutes ago (as if the bot had been down), then start."""
    real_now = datetime.now(UTC)
    down_since = real_now - timedelta(minutes=45)
    async with App(_config(data_dir), [AgendaFeature()], now=lambda: down_since) as app:
        service = app.feature(AgendaFeature).service
        assert isinstance(service, AgendaService)
        due = real_now - timedelta(minutes=30)
        await _bulk_create(
            service,
            [_event(i, due + timedelta(hours=2), offsets=("2h",)) for i in range(CATCH_UP_EVENTS)],
        )
    started = time.perf_counter()
    async with App(_config(data_dir), [AgendaFeature()]) as app:
        # The armed job fires at once; wait until every reminder is in the outbox.
        store = app.services.store
        decided = 0
        deadline = time.monotonic() + 120
        while decided < CATCH_UP_EVENTS and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
            row = await store.fetchone(
                "SELECT COUNT(*) FROM agenda_reminders WHERE status = 'queued'"
            )
            decided = int(row[0]) if row else 0
        elapsed = time.perf_counter() - started
        row = await store.fetchone("SELECT COUNT(*) FROM agenda_reminders WHERE late = 1")
    return {
        "late_reminders": CATCH_UP_EVENTS,
        "decided": decided,
        "sent_marked_late": int(row[0]) if row else 0,
        "start_and_decide_ms": round(elapsed * 1000, 1),
    }


def _pair(stats: dict[str, float]) -> str:
    return f"{stats['p50_ms']} / {stats['p99_ms']}"


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child-start":
        child_start(argv[1])
        return 0
    work = Path(tempfile.mkdtemp(prefix="relais-bench-agenda-"))
    try:
        big = work / "big"
        seeded = asyncio.run(seed(big))
        start = measure_start(big)
        lateness = asyncio.run(measure_lateness(big))
        floor = asyncio.run(measure_floor_lateness())
        catch_up = asyncio.run(measure_catch_up(work / "catch-up"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    data = {
        "benchmark": "agenda",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpu": platform.machine()},
        "events": EVENTS,
        "weekly_events": WEEKLY,
        "offsets_per_event": len(OFFSETS),
        "seed": seeded,
        "start": start,
        "lateness": lateness,
        "floor_apscheduler": floor,
        "catch_up": catch_up,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "agenda.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = [
        ("mesure", "valeur"),
        (
            "événements / rappels en attente (200 j)",
            f"{EVENTS} / {seeded['pending_reminders_200_days']}",
        ),
        ("démarrage de l'App (médiane, ms)", str(start["app_start_ms_median"])),
        ("processus complet (médiane, ms)", str(start["process_wall_ms_median"])),
        ("mémoire après démarrage (Mo)", str(start["rss_mb_after_start"])),
        ("retard à l'envoi p50 / p99 (ms)", _pair(lateness["enqueue_lateness"])),
        ("retard à la livraison p50 / p99 (ms)", _pair(lateness["delivery_lateness"])),
        ("plancher : APScheduler seul p50 / p99 (ms)", _pair(floor["lateness"])),
        (f"rattrapage de {CATCH_UP_EVENTS} rappels (ms)", str(catch_up["start_and_decide_ms"])),
        (
            "liste 7 / 31 jours (ms)",
            f"{seeded['list_7_days']['ms']} / {seeded['list_31_days']['ms']}",
        ),
        ("export ICS du groupe (ms)", str(seeded["export_ics"]["ms"])),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    print(f"-> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
