"""`!droit` search: query time, content load time, CLI start, and the quality numbers.

    python -m bench droit [--rounds N]

Query times are measured over every question of the evaluation set, N rounds (default 30).
Quality is measured on the full set, on its development and held-out halves, with each
analysis step switched off in turn (what it brings), against a plain rapidfuzz baseline
(best WRatio between the question and a topic's title and keywords), and on the same
questions with random typos added (fuzzy matching on and off).
Writes bench/results/droit.json and prints a table.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.french import normalize
from commands.droit.evaluation import Question, evaluate, load_questions
from commands.droit.index import SearchOptions, build_index
from commands.droit.loader import read_content
from commands.droit.model import Topic
from commands.droit.search import Hit, Level, SearchResult, search

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
EVAL = ROOT / "tests" / "unit" / "droit" / "eval_questions.yaml"
RESULTS = Path(__file__).resolve().parent / "results"
LOAD_ROUNDS = 20
CLI_RUNS = 5
BASELINE_CUTOFF = 80.0  # WRatio below this: the baseline answers nothing
TYPO_SEEDS = (1, 2, 3)
TYPO_MIN_LENGTH = 5


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _timings_ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_percentile(values, 50) * 1000, 3),
        "p99_ms": round(_percentile(values, 99) * 1000, 3),
        "max_ms": round(max(values) * 1000, 3),
        "mean_ms": round(statistics.fmean(values) * 1000, 3),
        "samples": len(values),
    }


def measure_load() -> dict[str, Any]:
    reads, builds = [], []
    for _ in range(LOAD_ROUNDS):
        started = time.perf_counter()
        report = read_content(CONTENT)
        middle = time.perf_counter()
        build_index(report.content.topics)
        ended = time.perf_counter()
        reads.append(middle - started)
        builds.append(ended - middle)
    totals = [r + b for r, b in zip(reads, builds, strict=True)]
    return {
        "read_and_validate": _timings_ms(reads),
        "build_index": _timings_ms(builds),
        "total": _timings_ms(totals),
    }


def measure_queries(questions: list[Question], rounds: int) -> dict[str, Any]:
    index = build_index(read_content(CONTENT).content.topics)
    for question in questions:  # warm-up
        search(index, question.text)
    times: list[float] = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            search(index, question.text)
            times.append(time.perf_counter() - started)
    return {"rounds": rounds, **_timings_ms(times)}


# The engine (`commands` imports bot.feature, bot.config, bot.store) is loaded by every
# `relais` verb; what droit adds on top is timed.
_OWN_PATH = (
    "import time; import commands; t = time.perf_counter();"
    "from pathlib import Path;"
    "from commands.droit.base import KnowledgeBase;"
    "from commands.droit.cli import results;"
    "results(KnowledgeBase.open(Path('content')), 'la caf m a coupé mes allocs');"
    "print(time.perf_counter() - t)"
)


def measure_cli() -> dict[str, Any]:
    """Wall time of `relais droit --json`, of a bare interpreter, and droit's own share
    (its imports, the content load and one question, after the engine's imports)."""
    command = [sys.executable, "-m", "bot.cli", "droit", "--json", "la caf m'a coupé mes allocs"]
    whole, bare, own = [], [], []
    for _ in range(CLI_RUNS):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], cwd=ROOT, capture_output=True, check=True)
        bare.append(time.perf_counter() - started)
        done = subprocess.run(
            [sys.executable, "-c", _OWN_PATH], cwd=ROOT, capture_output=True, check=True, text=True
        )
        own.append(float(done.stdout))
    return {
        "runs": CLI_RUNS,
        "median_ms": round(statistics.median(whole) * 1000, 1),
        "python_alone_median_ms": round(statistics.median(bare) * 1000, 1),
        "droit_imports_load_and_query_median_ms": round(statistics.median(own) * 1000, 1),
    }


def _with_typos(questions: list[Question], seed: int) -> list[Question]:
    """One random typo (drop, swap, replace or add a letter) in about half the long words."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"

    def typo(word: str) -> str:
        i = rng.randrange(len(word))
        kind = rng.choice("dtsi")
        if kind == "d":
            return word[:i] + word[i + 1 :]
        if kind == "t" and i < len(word) - 1:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if kind == "s":
            return word[:i] + rng.choice(letters) + word[i + 1 :]
        return word[:i] + rng.choice(letters) + word[i:]

    noisy = []
    for question in questions:
        words = [
            typo(w) if len(w) >= TYPO_MIN_LENGTH and w.isalpha() and rng.random() < 0.5 else w
            for w in question.text.split()
        ]
        noisy.append(Question(" ".join(words), question.expected, question.dev))
    return noisy


def measure_typos(questions: list[Question]) -> dict[str, Any]:
    """Top-1 and top-3 on the questions with typos added, with and without fuzzy matching."""
    topics = read_content(CONTENT).content.topics
    found: dict[str, Any] = {}
    for name, options in {
        "with_fuzzy": SearchOptions(),
        "without_fuzzy": SearchOptions(fuzzy=False),
    }.items():
        index = build_index(topics, options)
        runs = [
            evaluate(_with_typos(questions, seed), partial(search, index)).as_dict()
            for seed in TYPO_SEEDS
        ]
        found[name] = {
            key: round(statistics.fmean(run[key] for run in runs), 4)
            for key in ("top1", "top3", "out_of_scope_false_answer_rate")
        }
    return {"seeds": list(TYPO_SEEDS), **found}


def _baseline(topics: tuple[Topic, ...]) -> Callable[[str], SearchResult]:
    names = [(t.id, [normalize(k) for k in (t.titre, *t.mots_cles)]) for t in topics]

    def ask(question: str) -> SearchResult:
        wanted = normalize(question)
        scored = sorted(
            ((max(fuzz.WRatio(wanted, key) for key in keys), topic_id) for topic_id, keys in names),
            reverse=True,
        )
        hits = tuple(Hit(t, s / 100) for s, t in scored[:3] if s >= BASELINE_CUTOFF)
        return SearchResult(hits, Level.SURE if hits else Level.NONE)

    return ask


def measure_quality(questions: list[Question]) -> dict[str, Any]:
    topics = read_content(CONTENT).content.topics
    index = build_index(topics)
    quality: dict[str, Any] = {
        "full": evaluate(questions, partial(search, index)).as_dict(),
        "development_half": evaluate(
            [q for q in questions if q.dev], partial(search, index)
        ).as_dict(),
        "held_out_half": evaluate(
            [q for q in questions if not q.dev], partial(search, index)
        ).as_dict(),
    }
    ablations: dict[str, Any] = {}
    for name, options in {
        "without_fuzzy": SearchOptions(fuzzy=False),
        "without_synonyms": SearchOptions(synonyms=False),
        "without_stemming": SearchOptions(stemming=False),
        "without_phrases": SearchOptions(phrases=False),
    }.items():
        variant = build_index(topics, options)
        ablations[name] = evaluate(questions, partial(search, variant)).as_dict()
    quality["ablations"] = ablations
    quality["rapidfuzz_wratio_baseline"] = evaluate(questions, _baseline(topics)).as_dict()
    quality["with_added_typos"] = measure_typos(questions)
    return quality


def _write(data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "benchmark": "droit",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpu": platform.machine()},
        **data,
    }
    path = RESULTS / "droit.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def main(argv: list[str]) -> int:
    rounds = 30
    if "--rounds" in argv:
        rounds = int(argv[argv.index("--rounds") + 1])
    questions = load_questions(EVAL)
    data = {
        "content_load": measure_load(),
        "query": measure_queries(questions, rounds),
        "cli_start": measure_cli(),
        "quality": measure_quality(questions),
    }
    path = _write(data)
    load, query = data["content_load"]["total"], data["query"]
    rows = [
        ("mesure", "p50", "p99", "échantillons"),
        ("requête (ms)", str(query["p50_ms"]), str(query["p99_ms"]), str(query["samples"])),
        ("chargement + index (ms)", str(load["p50_ms"]), str(load["p99_ms"]), str(LOAD_ROUNDS)),
        ("relais droit --json (ms)", str(data["cli_start"]["median_ms"]), "-", str(CLI_RUNS)),
        (
            "  dont !droit seul (ms)",
            str(data["cli_start"]["droit_imports_load_and_query_median_ms"]),
            "-",
            str(CLI_RUNS),
        ),
        (
            "  python seul (ms)",
            str(data["cli_start"]["python_alone_median_ms"]),
            "-",
            str(CLI_RUNS),
        ),
    ]
    print(_table(rows))
    print()
    quality = data["quality"]
    variants = {
        "complet": quality["full"],
        "moitié dév.": quality["development_half"],
        "moitié témoin": quality["held_out_half"],
        **{name: values for name, values in quality["ablations"].items()},
        "rapidfuzz seul": quality["rapidfuzz_wratio_baseline"],
    }
    rows = [("jeu", "top-1", "top-3", "hors sujet répondus")]
    for name, values in variants.items():
        rows.append(
            (
                name,
                _pct(values["top1"]),
                _pct(values["top3"]),
                _pct(values["out_of_scope_false_answer_rate"]),
            )
        )
    typos = quality["with_added_typos"]
    for name in ("with_fuzzy", "without_fuzzy"):
        rows.append(
            (
                f"fautes ajoutées, {name}",
                _pct(typos[name]["top1"]),
                _pct(typos[name]["top3"]),
                _pct(typos[name]["out_of_scope_false_answer_rate"]),
            )
        )
    print(_table(rows))
    print(f"\nRésultats : {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
