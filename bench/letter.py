"""The weekly letter: compose and render for one group with 500 coming events and 200
calls, beside the floor of rendering the same items as plain text in the same run.

    python -m bench letter [--rounds=N]

- letter: `compose` (group by day in the group's zone, calls apart) then the four
  renderings a letter needs (Markdown for rooms and Mastodon, plain text, HTML, the
  e-mail subject), from the same neutral items the digest registry gives.
- floor: one f-string line per item, joined (no grouping, no escaping, no HTML).
Rounds alternate between the two so that machine noise hits both alike; the peak of
memory allocated during one round is measured apart (tracemalloc slows the code it
watches, so it is not on during the timed rounds). Writes bench/results/letter.json.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bench.results_io import percentile, table, write
from bot.digest import DigestItem, ItemKind
from commands.lettre import render
from commands.lettre.compose import compose

EVENTS = 500
CALLS = 200
ZONE = ZoneInfo("Europe/Paris")
ISSUED = datetime(2026, 5, 25, 9, 0, tzinfo=ZONE)
KINDS = ("Rassemblement", "Chantier", "Réunion publique", "Permanence", "Projection")


def items() -> list[DigestItem]:
    found = [
        DigestItem(
            kind=ItemKind.EVENT,
            title=f"{KINDS[i % len(KINDS)]} n° {i} contre la fermeture du guichet",
            start=(ISSUED + timedelta(minutes=17 * i)).astimezone(UTC),
            end=(ISSUED + timedelta(minutes=17 * i + 90)).astimezone(UTC),
            place=f"Salle {i % 40}, 12 rue de la République",
            link=f"https://agenda.exemple.org/e/{i}" if i % 3 == 0 else None,
            category="réunion",
            ref=f"agenda-{i}",
            group="le-mans",
        )
        for i in range(EVENTS)
    ]
    found += [
        DigestItem(
            kind=ItemKind.CALL,
            title=f"Appel n° {i} : signez la pétition pour un accueil sans rendez-vous",
            category="angers (Relais 49)",
            text="Texte de l'appel. " * 10,
            until=(ISSUED + timedelta(days=1 + i % 20)).astimezone(UTC),
            link=f"https://appels.exemple.org/{i}" if i % 2 == 0 else None,
            ref=f"appel-{i}",
            group="le-mans",
        )
        for i in range(CALLS)
    ]
    return found


def letter_round(data: list[DigestItem]) -> int:
    letter = compose(
        letter_id="le-mans-2026-W22",
        group="le-mans",
        title="La lettre de la semaine",
        week_slug="2026-22",
        issued=ISSUED,
        zone=ZONE,
        items=data,
        editorial="Merci à toutes et tous pour samedi.",
        page_url="https://relais.exemple.org/lettre/2026-22",
    )
    texts = (render.markdown(letter), render.plain(letter), render.html_body(letter))
    return sum(len(t) for t in texts) + len(render.subject(letter))


def floor_round(data: list[DigestItem]) -> int:
    lines = []
    for item in data:
        moment = item.start or item.until
        when = moment.astimezone(ZONE).strftime("%d/%m %H:%M") if moment else ""
        lines.append(f"- {when} {item.title} {item.place}")
    return len("\n".join(lines))


def timed(work: Callable[[list[DigestItem]], int], data: list[DigestItem]) -> float:
    started = time.perf_counter()
    work(data)
    return (time.perf_counter() - started) * 1000


def peak_kib(work: Callable[[list[DigestItem]], int], data: list[DigestItem]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        work(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values), 3),
        "p95_ms": round(percentile(values, 95), 3),
        "min_ms": round(min(values), 3),
    }


def run(rounds: int) -> dict[str, Any]:
    data = items()
    letter_round(data)  # warm up both (imports, caches)
    floor_round(data)
    samples: dict[str, list[float]] = {"letter": [], "floor": []}
    for _ in range(rounds):
        samples["letter"].append(timed(letter_round, data))
        samples["floor"].append(timed(floor_round, data))
    letter, floor = summary(samples["letter"]), summary(samples["floor"])
    return {
        "events": EVENTS,
        "calls": CALLS,
        "rounds": rounds,
        "letter": {**letter, "peak_kib": round(peak_kib(letter_round, data), 1)},
        "floor_plain_text": {**floor, "peak_kib": round(peak_kib(floor_round, data), 1)},
        "ratio_median": round(letter["median_ms"] / floor["median_ms"], 2),
        "output_chars": letter_round(data),
    }


def main(argv: list[str]) -> int:
    rounds = 30
    for option in argv:
        if option.startswith("--rounds="):
            rounds = max(3, int(option.split("=", 1)[1]))
    data = run(rounds)
    path = write("letter", data)
    rows = [("mesure", "médiane (ms)", "p95 (ms)", "pic mémoire (Kio)")]
    for name, label in (
        ("letter", "lettre : composer + rendre"),
        ("floor_plain_text", "plancher : texte brut"),
    ):
        result = data[name]
        rows.append(
            (
                label,
                f"{result['median_ms']:.2f}",
                f"{result['p95_ms']:.2f}",
                f"{result['peak_kib']:.0f}",
            )
        )
    print(table(rows))
    print(f"rapport des médianes : {data['ratio_median']} ; résultats : {path}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
