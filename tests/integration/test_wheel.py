"""A wheel installed in a clean virtual environment, outside the repository, works:
it carries the rights content and finds it, answers in the console, checks a config."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, input=stdin, capture_output=True, text=True, timeout=600, check=False
    )


def test_a_wheel_installed_outside_the_repository(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy: building writes build/ next to the sources
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", ".git", "build", "data", ".*_cache", "*.egg-info"),
    )
    built = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
        str(source), cwd=tmp_path,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("relais-*.whl")
    venv.create(tmp_path / "env", with_pip=True)
    python = tmp_path / "env" / "bin" / "python"
    installed = run(str(python), "-m", "pip", "install", "-q", str(wheel), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-3000:]
    relais = str(tmp_path / "env" / "bin" / "relais")
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()

    answer = run(relais, "droit", "la caf m'a coupé mes allocs", cwd=elsewhere)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith("CAF : contrôle, aide coupée")

    chat = run(relais, "console", "--data-dir", str(elsewhere / "data"), cwd=elsewhere,
               stdin="!droit fermer mon espace santé\n!ping\n")  # fmt: skip
    assert chat.returncode == 0, chat.stderr
    assert "Mon Espace Santé" in chat.stdout and "Pong" in chat.stdout

    shutil.copy(ROOT / "config.example.yaml", elsewhere / "config.yaml")
    checked = run(relais, "check-config", "config.yaml", cwd=elsewhere)
    assert checked.returncode == 0, checked.stderr
    assert "Configuration valide" in checked.stdout
