"""`python -m bench [NAME ...]`: run benchmarks, write JSON to bench/results/, print tables.

Each benchmark is a module `bench/<name>.py` with `main(argv: list[str]) -> int`.
Without a name, every benchmark listed in BENCHMARKS runs in turn, each in a fresh
process: nothing one leaves in memory weighs on the next (on Linux a child's peak-memory
count starts from its parent's at fork, which skewed `startup` after `agenda_scale`).
"""

from __future__ import annotations

import importlib
import subprocess
import sys

BENCHMARKS = ("matrix", "burst", "droit", "agenda", "agenda_scale", "appel", "letter", "startup")


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")]
    options = [a for a in argv if a.startswith("-")]
    if not names:
        status = 0
        for name in BENCHMARKS:
            run = subprocess.run([sys.executable, "-m", "bench", name, *options], check=False)
            status |= int(run.returncode != 0)
        return status
    status = 0
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            print(f"(pas de mesure « {name} » pour l'instant)")
            continue
        print(f"== {name}", flush=True)
        status |= int(module.main(options))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
