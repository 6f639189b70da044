"""Console transport: piped mode prints replies to stdout; controls switch room, speaker, role."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from tests.kit.cli import run_relais

ROOT = Path(__file__).resolve().parents[2]


def run_console(lines: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_relais("console", "--data-dir", str(data_dir), *args, stdin=lines, timeout=60)


def test_piped_help_and_ping(tmp_path: Path) -> None:
    result = run_console("!aide\n!ping\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Voici ce que je sais faire" in result.stdout
    assert "- !ping : vérifier que je réponds" in result.stdout
    assert result.stdout.index("Voici ce que") < result.stdout.index("Pong !")
    assert (tmp_path / "relais.sqlite3").exists()


def test_controls_switch_room_speaker_and_role(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "bonjour",  # in the default direct conversation: greeting
            "/salon general",
            "bonjour tout le monde",  # in a room: ignored
            "!ping",
            "/qui camille organisateur",
            "/inconnu",
            "/quitter",
            "!ping",  # never read: the console has quit
        ]
    )
    result = run_console(script + "\n", tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.count("Bonjour ! Je suis Relais") == 1
    assert "(vous êtes maintenant dans le salon #general)" in out
    assert out.count("Pong !") == 1
    assert "(vous êtes maintenant camille, organisatrice ou organisateur)" in out
    assert "Commandes de la console" in out


def test_console_refuses_a_newer_database_clearly(tmp_path: Path) -> None:
    assert run_console("!ping\n", tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "relais.sqlite3") as db:
        db.execute("UPDATE schema_version SET version = 99 WHERE component = 'core'")
    result = run_console("!ping\n", tmp_path)
    assert result.returncode == 1
    assert "version plus récente de Relais" in result.stderr
    assert "Traceback" not in result.stderr


def test_piped_console_is_not_flood_limited(tmp_path: Path) -> None:
    """The console is the operator's own terminal: 30 piped lines get 30 answers."""
    result = run_console("!ping\n" * 30, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Pong !") == 30
    assert "Doucement" not in result.stdout
