"""`python -m bench [NAME ...]`: run benchmarks, write JSON to bench/results/, print tables.

Each benchmark is a module `bench/<name>.py` with `main(argv: list[str]) -> int`.
Without a name, every benchmark listed in BENCHMARKS runs in turn.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("matrix", "burst", "droit", "agenda", "agenda_scale", "appel", "letter", "startup")


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")] or list(BENCHMARKS)
    options = [a for a in argv if a.startswith("-")]
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
