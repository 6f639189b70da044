"""The whole path through real processes: keygen, `relais console` piped, export, stats."""

from __future__ import annotations

import json
import re
import stat
import subprocess
from pathlib import Path

import pytest

from tests.kit.cli import run_relais

ROOT = Path(__file__).resolve().parents[3]
MARKER = "Mon dossier a disparu quand le guichet orange a fermé."
CODE = re.compile(r"Votre code : ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})")


def relais(
    *args: str, stdin: str = "", cwd: Path = ROOT, check_ok: bool = True
) -> subprocess.CompletedProcess[str]:
    return run_relais(*args, stdin=stdin, cwd=cwd, check_ok=check_ok)


def keygen(path: Path) -> str:
    out = relais("temoignages", "keygen", "--sortie", str(path)).stdout
    match = re.search(r"^    (\S{44})$", out, re.MULTILINE)
    assert match, out
    return match.group(1)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A config with one key, a group and its organisers' console room."""
    key = tmp_path / "cle.txt"
    public = keygen(key)
    config = tmp_path / "config.yaml"
    config.write_text(
        "relais:\n  data_dir: data\n"
        "groups:\n  - name: le-mans\n    rooms: ['console:salon:general']\n"
        "    organisers_room: 'console:salon:orga'\n"
        f"temoignages:\n  cles_publiques: ['{public}']\n  lecteurs: ['Camille']\n",
        encoding="utf-8",
    )
    return config, key


def test_keygen_writes_a_private_file_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "cle.txt"
    public = keygen(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_text(encoding="utf-8")
    assert public in content  # in the comment, to check which key it is
    assert content.splitlines()[-1] != public
    again = relais("temoignages", "keygen", "--sortie", str(path), check_ok=False)
    assert again.returncode == 1
    assert "existe déjà" in again.stderr
    assert path.read_text(encoding="utf-8") == content


def test_console_flow_then_export_with_the_right_and_a_wrong_key(
    tmp_path: Path, setup: tuple[Path, Path]
) -> None:
    config, key = setup
    script = "\n".join(
        [
            "/salon general",
            "!temoigner",
            "/dm",
            "4",
            MARKER,
            "Appelez le 06 12 34 56 78.",
            "!fin",
            "93",
            "passer",
            "janvier 2025",
            "2",
            "oui",
        ]
    )
    run = relais("console", "--config", str(config), stdin=script + "\n")
    out = run.stdout
    assert "[dans privé de vous] Témoigner, en confiance" in out
    assert "Je vous écris en privé." in out
    assert "Camille" in out
    assert "[téléphone]" in out  # the anonymised preview
    assert "[dans #orga] Un nouveau témoignage (thème : préfecture) est arrivé." in out
    match = CODE.search(out)
    assert match, out
    code = match.group(1)

    data = tmp_path / "data"
    for path in data.glob("relais.sqlite3*"):
        raw = path.read_bytes()
        assert b"guichet orange" not in raw and code.encode() not in raw

    exported = relais("temoignages", "export", "--cle", str(key), "--config", str(config))
    (item,) = json.loads(exported.stdout)
    assert item["theme"] == "préfecture" and item["departement"] == "93"
    assert item["mois"] == "janvier 2025"
    assert item["texte"] == f"{MARKER}\n\nAppelez le 06 12 34 56 78."
    assert item["texte_anonymise"].endswith("Appelez le [téléphone].")

    csv_out = relais(
        "temoignages", "export", "--cle", str(key), "--config", str(config), "--format", "csv"
    ).stdout
    assert csv_out.splitlines()[0].startswith("recu_le,theme,accord,departement")
    md_path = tmp_path / "export.md"
    relais(
        "temoignages",
        "export",
        "--cle",
        str(key),
        "--base",
        str(data / "relais.sqlite3"),
        "--format",
        "md",
        "--sortie",
        str(md_path),
    )
    assert stat.S_IMODE(md_path.stat().st_mode) == 0o600
    assert f"> {MARKER}" in md_path.read_text(encoding="utf-8")

    wrong_key = tmp_path / "autre.txt"
    keygen(wrong_key)
    wrong = relais(
        "temoignages", "export", "--cle", str(wrong_key), "--config", str(config), check_ok=False
    )
    assert wrong.returncode == 1
    assert "ne correspond à aucun des 1 témoignage(s)" in wrong.stderr
    assert MARKER not in wrong.stdout + wrong.stderr

    stats = relais("temoignages", "stats", "--config", str(config)).stdout
    assert "Témoignages gardés : 1" in stats and "- préfecture : 1" in stats
    assert "guichet" not in stats

    # Withdrawal in a later session, by code only.
    later = relais("console", "--config", str(config), stdin=f"!temoignage retirer {code}\n")
    assert "effacé, pour de bon" in later.stdout
    none_left = relais("temoignages", "export", "--cle", str(key), "--config", str(config))
    assert "Aucun témoignage" in none_left.stderr and none_left.stdout == ""


def test_console_restart_in_the_middle(tmp_path: Path, setup: tuple[Path, Path]) -> None:
    config, key = setup
    first = relais("console", "--config", str(config), stdin="!temoigner\n1\nPremière partie.\n")
    assert "C'est noté." in first.stdout
    second = relais(
        "console",
        "--config",
        str(config),
        stdin="Deuxième partie.\n!fin\npasser\npasser\npasser\n1\n",
    )
    assert "Noté." in second.stdout and CODE.search(second.stdout)
    exported = relais("temoignages", "export", "--cle", str(key), "--config", str(config))
    (item,) = json.loads(exported.stdout)
    assert item["texte"] == "Première partie.\n\nDeuxième partie."


def test_export_errors_are_clear(tmp_path: Path, setup: tuple[Path, Path]) -> None:
    _, key = setup
    missing = relais("temoignages", "export", "--cle", str(tmp_path / "nope.txt"), check_ok=False)
    assert missing.returncode == 1 and "introuvable" in missing.stderr
    bad = tmp_path / "bad.txt"
    bad.write_text("ceci n'est pas une clé\n", encoding="utf-8")
    invalid = relais("temoignages", "export", "--cle", str(bad), check_ok=False)
    assert invalid.returncode == 1 and "ne contient pas de clé privée valable" in invalid.stderr
    no_base = relais(
        "temoignages",
        "export",
        "--cle",
        str(key),
        "--base",
        str(tmp_path / "x.db"),
        check_ok=False,
    )
    assert no_base.returncode == 1 and "aucune base de données" in no_base.stderr
    assert not (tmp_path / "x.db").exists()


def test_anonymiser_reads_stdin() -> None:
    result = relais(
        "temoignages", "anonymiser", stdin="Écrivez à marie@exemple.org ou au 06 12 34 56 78.\n"
    )
    assert result.stdout == "Écrivez à [courriel] ou au [téléphone].\n"
    empty = relais("temoignages", "anonymiser", stdin="", check_ok=False)
    assert empty.returncode == 1 and "rien à anonymiser" in empty.stderr


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("temoignages:\n  cles_publiques: ['abc']\n", encoding="utf-8")
    result = relais("check-config", str(config), check_ok=False)
    assert result.returncode == 1
    assert "testimonies.public_keys[0]: doit être une clé publique" in result.stderr
