"""Start-up of the `relais` verbs: wall time, import time, modules loaded, peak memory.

    python -m bench startup [--runs=N] [--compare=OTHER_SOURCE_TREE]

Each case runs N times as a fresh process (median wall time, peak RSS from wait4), once
more under `python -X importtime` (the sum of every module's own import time, the number
of modules, and which heavy packages were loaded). The floor is `python -c pass` in the
same run. With --compare, the same cases also run from another source tree (for instance
an older commit unpacked by `git archive`), alternating, so both see the same machine.
Writes bench/results/startup.json and prints a table.

Each tree is byte-compiled first (`compileall`), as `pip install` does for an installed
Relais and for matrix-reminder-bot: with PYTHONDONTWRITEBYTECODE set (some CI and
containers set it), a source tree would otherwise compile every module at every start.
--source measures the trees as they are.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.results_io import table, write

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
HEAVY = ("nio", "aiohttp", "apscheduler", "icalendar", "devserver", "mastodon", "nacl", "yaml")
CASES: dict[str, list[str]] = {
    "python -c pass (plancher)": ["-c", "pass"],
    "relais --help": ["-m", "bot.cli", "--help"],
    "relais droit caf": ["-m", "bot.cli", "droit", "caf"],
    "relais agenda parse": ["-m", "bot.cli", "agenda", "parse", "samedi 15h"],
    "imports du robot (run)": [
        "-c",
        "import bot.cli, bot.app, bot.transports.matrix.transport;"
        " from commands import all_features; all_features()",
    ],
    # The bot's start without the network: imports, config, store, every feature's
    # setup, the scheduler (what happens before the Matrix login).
    "robot démarré (sans Matrix)": [
        "-c",
        "import asyncio, tempfile, bot.cli, bot.transports.matrix.transport\n"
        "from bot.app import App\n"
        "from bot.bootstrap import feature_sections\n"
        "from bot.config import parse_config\n"
        "from commands import all_features\n"
        "async def main():\n"
        "    with tempfile.TemporaryDirectory() as data:\n"
        "        features = all_features()\n"
        "        config = parse_config({'relais': {'data_dir': data}},"
        " sections=feature_sections(features), environ={})\n"
        "        async with App(config, features):\n"
        "            pass\n"
        "asyncio.run(main())",
    ],
}
COMPILED = ("bot", "commands", "devserver")
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def _once(tree: Path, args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args], cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024


def _imports(tree: Path, args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    total, modules, loaded = 0, 0, set()
    for line in out.stderr.splitlines():
        found = _LINE.match(line)
        if found is None:
            continue
        total += int(found.group(1))
        modules += 1
        loaded.add(found.group(4).split(".")[0])
    return {
        "import_ms": round(total / 1000, 1),
        "modules": modules,
        "heavy_loaded": sorted(loaded & set(HEAVY)),
    }


def measure(trees: dict[str, Path], runs: int) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for case, args in CASES.items():
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for _ in range(runs):  # alternate trees run by run
            for name, tree in trees.items():
                samples[name].append(_once(tree, args))
        for name, tree in trees.items():
            walls = [w for w, _ in samples[name]]
            results.setdefault(case, {})[name] = {
                "wall_ms_median": round(statistics.median(walls) * 1000, 1),
                "wall_ms_min": round(min(walls) * 1000, 1),
                "rss_mb_max": round(max(r for _, r in samples[name]), 1),
                **_imports(tree, args),
            }
    return results


def _compile(tree: Path) -> None:
    packages = [name for name in COMPILED if (tree / name).is_dir()]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *packages],
        cwd=tree,
        stdout=subprocess.DEVNULL,
        check=True,
    )


def main(argv: list[str]) -> int:
    options = dict(a.removeprefix("--").split("=", 1) for a in argv if "=" in a)
    runs = int(options.get("runs", RUNS))
    trees = {"ici": ROOT}
    if "compare" in options:
        trees["comparé"] = Path(options["compare"]).resolve()
    compiled = "--source" not in argv
    if compiled:
        for tree in trees.values():
            _compile(tree)
    results = measure(trees, runs)
    rows: list[tuple[str, ...]] = [
        ("cas", "arbre", "médiane ms", "imports ms", "modules", "Mo max", "lourds chargés")
    ]
    for case, by_tree in results.items():
        for name, r in by_tree.items():
            rows.append(
                (
                    case,
                    name,
                    str(r["wall_ms_median"]),
                    str(r["import_ms"]),
                    str(r["modules"]),
                    str(r["rss_mb_max"]),
                    ", ".join(r["heavy_loaded"]) or "-",
                )
            )
    print(table(rows))
    trees_text = {name: str(tree) for name, tree in trees.items()}
    bytecode = "compiled" if compiled else "source"
    path = write(
        "startup", {"runs": runs, "trees": trees_text, "bytecode": bytecode, "cases": results}
    )
    print(f"-> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
