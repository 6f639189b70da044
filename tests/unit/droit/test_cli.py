"""`relais droit` contract, through a real subprocess: plain text, --json, --json --batch."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from tests.kit.cli import run_relais

ROOT = Path(__file__).resolve().parents[3]


def relais(
    *args: str, stdin: str | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return run_relais("droit", *args, stdin=stdin, cwd=cwd)


def test_plain_answer(tmp_path: Path) -> None:
    # Run from an empty folder: no database, no config, nothing written.
    result = relais("la caf m'a coupé mes allocs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("CAF : contrôle, aide coupée")
    assert "**" not in result.stdout
    assert result.stdout.rstrip().endswith("Pour aller plus loin : !droit caf sources")
    assert list(tmp_path.iterdir()) == []


def test_plain_answer_within_a_budget() -> None:
    result = relais("--budget", "500", "fermer mon espace santé")
    assert result.returncode == 0, result.stderr
    text = result.stdout.rstrip("\n")
    assert len(text) <= 500
    assert text.endswith("!droit mon-espace-sante")


def test_json_best_first_at_most_three() -> None:
    result = relais("--json", "pôle emploi m'a radié")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["results"]
    items = data["results"]
    assert 1 <= len(items) <= 3
    assert items[0]["id"] == "france-travail"
    assert all(set(item) == {"id", "score"} for item in items)
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


def test_json_is_empty_when_nothing_is_confident() -> None:
    result = relais("--json", "recette de la pâte à crêpes")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"results": []}


def test_batch_answers_one_line_per_question_in_order() -> None:
    questions = ["fiche s comment savoir", "", "bonjour", "VSA", "jitsi"]
    result = relais("--json", "--batch", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    answers = [json.loads(line)["results"] for line in lines]
    assert answers[0][0]["id"] == "fichiers-police"
    assert answers[1] == answers[2] == []
    assert answers[3][0]["id"] == "videosurveillance"
    assert answers[4][0]["id"] == "alternatives-libres"


def test_usage_errors() -> None:
    assert relais().returncode == 2
    assert relais("--batch").returncode == 2


def test_check_reports_content_problems(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    ok = relais("--verifier", "--content-dir", str(content))
    assert ok.returncode == 0, ok.stdout
    assert re.match(r"Contenu valide : \d+ fiche\(s\), \d+ organisation", ok.stdout)
    papier = content / "droits" / "papier.yaml"
    papier.write_text(papier.read_text("utf-8").replace("id: papier", "id: paper"), "utf-8")
    broken = relais("--verifier", "--content-dir", str(content))
    assert broken.returncode == 1
    assert "- papier.yaml: id: doit être le nom du fichier sans son extension" in broken.stdout


def test_check_warns_about_topics_not_checked_for_twelve_months(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    papier = content / "droits" / "papier.yaml"
    text = re.sub(r"(?m)^verifie_le: .*$", "verifie_le: 2025-03-10", papier.read_text("utf-8"))
    papier.write_text(text, "utf-8")
    # Exactly 12 months later: not yet overdue.
    fresh = relais("--verifier", "--content-dir", str(content), "--aujourdhui", "2026-03-10")
    assert fresh.returncode == 0, fresh.stdout
    assert "papier.yaml" not in fresh.stdout
    # One day more: a warning naming the file and the date, but the check still passes.
    stale = relais("--verifier", "--content-dir", str(content), "--aujourdhui", "2026-03-11")
    assert stale.returncode == 0, stale.stdout
    assert "1 fiche(s) à revérifier" in stale.stdout
    assert "- papier.yaml: verifie_le: vérifiée le 10/03/2025, il y a plus de 12 mois" in (
        stale.stdout
    )
    assert "Contenu valide" in stale.stdout
