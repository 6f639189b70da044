"""The agenda at a federation's size: the ICS feed and the `!agenda` views at 1 k / 10 k
(/ 50 k) events, against the whole-calendar export measured in the same process.

    python -m bench agenda_scale [--sizes=1000,10000,50000] [--repeats=N]

Each size runs in a fresh process (its memory is its own): it seeds the agenda (10 % weekly
events), serves it over HTTP on a free port, and measures
- the feed, uncached (one event changed before each request) and conditional
  (If-None-Match: 304): wall time, CPU of the whole process and of the event loop's thread,
  the event loop's lag meanwhile (what a `!ping` would wait), memory before and after;
- the views `!agenda`, `!agenda semaine`, `!agenda mois` through the router: wall time and
  CPU of the loop's thread;
- the floor it replaces, last (it grows memory): the whole calendar built by icalendar at
  once (`write_calendar`, in a thread, as the feed was served before), same measures.
Writes bench/results/agenda_scale.json and prints a table.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench import procstat
from bench.agenda import _bulk_create, _event
from bench.results_io import percentile, table, write
from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import Config, parse_config
from bot.message import Channel, Message, Role, Sender
from commands.agenda import AgendaFeature
from commands.agenda.feed import FeedQuery
from commands.agenda.ics_write import write_calendar
from commands.agenda.service import AgendaService
from commands.agenda.web import ICS_PAST_DAYS, AgendaWeb

SIZES = (1_000, 10_000)
REPEATS = 3
CONDITIONAL = 20
VIEWS = ("!agenda", "!agenda semaine", "!agenda mois")
TARGETS = {"feed_uncached_ms": 1000, "feed_conditional_ms": 10, "view_loop_ms": 20}


def _config(data_dir: Path) -> Config:
    data = {
        "relais": {"data_dir": str(data_dir), "log_level": "WARNING"},
        "groups": [{"name": "le-mans", "rooms": ["console:salon:general"]}],
        "agenda": {"http": {"enabled": True, "port": 0}},
        "flood": {"capacity": 1000, "refill_per_minute": 6000},
    }
    return parse_config(data, sections=feature_sections([AgendaFeature()]), environ={})


class Transport:
    name = "console"

    async def deliver(self, item: Any) -> str | None:
        return str(item.key)


class LagProbe:
    """Wakes every 5 ms and notes how late: the event loop's availability."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            self.samples.append(time.perf_counter() - before - 0.005)

    def __enter__(self) -> LagProbe:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def _measured(action: Callable[[], Awaitable[int]]) -> dict[str, float]:
    pid = os.getpid()
    cpu, loop = procstat.cpu(pid), procstat.loop_cpu(pid)
    with LagProbe() as probe:
        started = time.perf_counter()
        size = await action()
        wall = time.perf_counter() - started
    return {
        "ms": wall * 1000,
        "cpu_ms": (procstat.cpu(pid) - cpu) * 1000,
        "loop_cpu_ms": (procstat.loop_cpu(pid) - loop) * 1000,
        "lag_p50_ms": percentile(probe.samples, 50) * 1000,
        "lag_max_ms": max(probe.samples, default=0.0) * 1000,
        "bytes": size,
    }


def _summary(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.median(r[key] for r in runs), 2) for key in runs[0]} | {
        "ms_max": round(max(r["ms"] for r in runs), 2),
        "runs": len(runs),
    }


async def _child(size: int, repeats: int, data_dir: Path) -> dict[str, Any]:
    pid = os.getpid()
    async with App(_config(data_dir), [AgendaFeature()]) as app:
        app.add_transport(Transport())
        service = app.feature(AgendaFeature).service
        assert isinstance(service, AgendaService)
        now = datetime.now(UTC).replace(microsecond=0)
        weekly = size // 10
        t0 = time.perf_counter()
        events = [
            _event(i, now + timedelta(days=1 + i % 180, minutes=(i * 7) % 600), weekly=i < weekly)
            for i in range(size)
        ]
        await _bulk_create(service, events)
        seeded = time.perf_counter() - t0
        web = app.feature(AgendaFeature).web
        assert isinstance(web, AgendaWeb)
        while web.port is None:  # noqa: ASYNC110 (started by the scheduler)
            await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{web.port}/agenda.ics"
        rss_start = procstat.rss_mb(pid)
        async with aiohttp.ClientSession() as session:

            async def fetch(headers: dict[str, str] | None = None) -> tuple[int, str, int]:
                async with session.get(url, headers=headers or {}) as response:
                    body = await response.read()
                    return response.status, response.headers["ETag"], len(body)

            first = await service.repo.get(1)
            assert first is not None
            uncached = []
            for round_ in range(repeats):
                await service.update(replace(first, title=f"Rendez-vous modifié {round_}"))
                uncached.append(await _measured(lambda: _size(fetch())))
            _, etag, _ = await fetch()
            conditional = []
            for _ in range(CONDITIONAL):
                conditional.append(await _measured(lambda: _size(fetch({"If-None-Match": etag}))))
            assert (await fetch({"If-None-Match": etag}))[0] == 304
        rss_feed = procstat.rss_mb(pid)

        views: dict[str, Any] = {}
        for text in VIEWS:
            message = Message(
                Sender("camille", Role.MEMBER),
                Channel("console", "salon:general", is_direct=False),
                text,
                datetime.now(UTC),
            )

            async def ask(message: Message = message) -> int:
                await app.router.handle(message)
                return 0

            views[text] = _summary([await _measured(ask) for _ in range(repeats + 2)])

        async def whole() -> int:  # the export as it was: every event through icalendar
            query = FeedQuery.for_day(
                ["le-mans"], service.now(), ICS_PAST_DAYS, name="Agenda", tz="Europe/Paris"
            )
            found = await service.repo.all_events(list(query.groups), query.since)
            body = await asyncio.to_thread(
                write_calendar, found, name="Agenda", tz="Europe/Paris", now=service.now()
            )
            return len(body)

        floor = [await _measured(whole) for _ in range(repeats)]
        rss_floor = procstat.rss_mb(pid)
    return {
        "events": size,
        "weekly_events": weekly,
        "seed_s": round(seeded, 2),
        "feed_uncached": _summary(uncached),
        "feed_conditional": _summary(conditional),
        "views": views,
        "floor_whole_export": _summary(floor),
        "rss_mb": {
            "seeded": round(rss_start, 1),
            "after_feed": round(rss_feed, 1),
            "after_whole_exports": round(rss_floor, 1),
        },
    }


async def _size(request: Awaitable[tuple[int, str, int]]) -> int:
    return (await request)[2]


def main(argv: list[str]) -> int:
    options = dict(a.removeprefix("--").split("=", 1) for a in argv if "=" in a)
    if "child" in options:
        with tempfile.TemporaryDirectory(prefix="relais-bench-scale-") as tmp:
            result = asyncio.run(_child(int(options["child"]), int(options["repeats"]), Path(tmp)))
        print(json.dumps(result))
        return 0
    sizes = [int(s) for s in options.get("sizes", ",".join(map(str, SIZES))).split(",")]
    repeats = int(options.get("repeats", REPEATS))
    results = []
    for size in sizes:
        print(f"{size} événements…", flush=True)
        out = subprocess.run(
            [sys.executable, "-m", "bench.agenda_scale", f"--child={size}", f"--repeats={repeats}"],
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    rows: list[tuple[str, ...]] = [
        ("mesure", *(f"{r['events']} év." for r in results)),
    ]

    def row(label: str, pick: Callable[[dict[str, Any]], Any]) -> None:
        rows.append((label, *(str(pick(r)) for r in results)))

    row("flux ICS non caché : ms (CPU ms)", _pair("feed_uncached"))
    row("  retard de la boucle max (ms)", lambda r: r["feed_uncached"]["lag_max_ms"])
    row("flux ICS conditionnel 304 : ms", lambda r: r["feed_conditional"]["ms"])
    row("plancher : export entier ms (CPU ms)", _pair("floor_whole_export"))
    row("  retard de la boucle max (ms)", lambda r: r["floor_whole_export"]["lag_max_ms"])
    for text in VIEWS:
        row(f"{text} : ms (CPU boucle ms)", lambda r, t=text: _view(r["views"][t]))
    row("mémoire : début / flux / exports entiers (Mo)", _rss)
    print(table(rows))
    worst_view = max(v["loop_cpu_ms"] for r in results for v in r["views"].values())
    path = write(
        "agenda_scale",
        {"targets": TARGETS, "sizes": results, "worst_view_loop_cpu_ms": worst_view},
    )
    print(f"-> {path}")
    return 0


def _pair(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: f"{r[key]['ms']} ({r[key]['cpu_ms']})"


def _view(stats: dict[str, float]) -> str:
    return f"{stats['ms']} ({stats['loop_cpu_ms']})"


def _rss(result: dict[str, Any]) -> str:
    rss = result["rss_mb"]
    return f"{rss['seeded']} / {rss['after_feed']} / {rss['after_whole_exports']}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
