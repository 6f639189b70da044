"""`relais …` as people and scripts run it: a real subprocess of this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_relais(
    *args: str,
    stdin: str | None = None,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    check_ok: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`relais ARGS…` in its own process; `check_ok` asserts it succeeded."""
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        timeout=timeout,
        check=False,
    )
    if check_ok:
        assert result.returncode == 0, result.stderr
    return result
