"""Content loading and validation: every shipped file, each kind of broken file, reloads."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from commands.droit.base import KnowledgeBase
from commands.droit.loader import read_content
from commands.droit.model import THEMES
from commands.droit.validate import add_months, seed_problems, stale_topics
from tests.kit.reference import SEEDS, require

ROOT = Path(__file__).resolve().parents[3]
CONTENT = ROOT / "content"
REQUIRED_TOPICS = {
    "mon-espace-sante",
    "dossier-medical",
    "donnees-sante",
    "guichet",
    "papier",
    "decision-automatisee",
    "donnees-personnelles",
    "caf",
    "france-travail",
    "titre-de-sejour",
    "defenseur-des-droits",
    "recours-urgence",
    "travail-numerique",
    "videosurveillance",
    "fichiers-police",
    "amende-forfaitaire",
    "identite-numerique",
    "ecole",
    "agriculture",
    "aide-demarches",
    "objection-numerique",
    "alternatives-libres",
    "caf-controle-dette",
    "fuite-donnees",
    "paiement-especes",
    "teleconsultation-rdv",
    "drones-surveillance",
}
REQUIRED_TEMPLATES = {
    "acces-rgpd",
    "opposition-effacement",
    "explication-algorithme",
    "courrier-papier",
    "saisine-defenseur",
}


# -- the shipped content -------------------------------------------------------------
def test_all_shipped_content_is_valid() -> None:
    report = read_content(CONTENT)
    assert [str(p) for p in report.problems] == []
    assert report.kept == report.left_out == ()
    assert {t.id for t in report.content.topics} >= REQUIRED_TOPICS
    assert {t.id for t in report.content.templates} >= REQUIRED_TEMPLATES
    assert len(report.content.organisations) >= 10


def test_every_topic_has_sources_and_only_allowed_themes() -> None:
    content = read_content(CONTENT).content
    for topic in content.topics:
        assert topic.sources, topic.id
        assert set(topic.themes) <= set(THEMES), topic.id
        assert all(c.source for c in topic.contacts), topic.id


def test_seed_references_point_inside_the_seed_files() -> None:
    content = read_content(CONTENT).content
    folder = require(SEEDS, "the seed texts")
    seeds = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.txt")}
    assert [str(p) for p in seed_problems(content, seeds)] == []


def test_seed_check_reports_unknown_files_and_lines_out_of_range() -> None:
    content = read_content(CONTENT).content
    problems = [str(p) for p in seed_problems(content, {"003_18feb48805c8247c.txt": 5})]
    assert any("fichier source inconnu « 001_d635d0c8c0d9202c.txt »" in p for p in problems)
    assert "mon-espace-sante.yaml: sources[1]: lignes 12 hors du fichier (5 lignes)" in problems


# -- broken files --------------------------------------------------------------------
@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def topic_data(content_dir: Path, topic_id: str = "caf") -> dict[str, Any]:
    data = yaml.safe_load((content_dir / "droits" / f"{topic_id}.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def write_topic(content_dir: Path, data: dict[str, Any], name: str = "caf") -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (content_dir / "droits" / f"{name}.yaml").write_text(text, "utf-8")


def problems_after(content_dir: Path) -> list[str]:
    return [str(p) for p in read_content(content_dir).problems]


LONG = "x" * 301


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(couleur="bleu"), "caf.yaml: couleur: clé inconnue"),
        (lambda d: d.pop("resume"), "caf.yaml: resume: champ obligatoire manquant"),
        (lambda d: d.update(que_faire="Appelez."), "caf.yaml: que_faire: doit être une liste"),
        (
            lambda d: d["que_faire"].__setitem__(1, LONG),
            "caf.yaml: que_faire[2]: plus de 300 caractères (301)",
        ),
        (lambda d: d.update(que_faire=["Appelez."]), "caf.yaml: que_faire: au moins 2"),
        (lambda d: d.update(titre=["liste"]), "caf.yaml: titre: doit être un texte"),
        (lambda d: d.update(titre=""), "caf.yaml: titre: ne doit pas être vide"),
        (lambda d: d.update(resume="y" * 601), "caf.yaml: resume: plus de 600 caractères (601)"),
        (lambda d: d.update(id="cafe"), "caf.yaml: id: doit être le nom du fichier"),
        (lambda d: d.update(themes=["sport"]), "caf.yaml: themes[1]: « sport » n'est pas permis"),
        (lambda d: d.update(themes=["social", "social"]), "caf.yaml: themes[2]: « social »"),
        (lambda d: d.update(verifie_le="hier"), "caf.yaml: verifie_le: doit être une date"),
        (
            lambda d: d.update(resume="Une phrase courte. " + "mot " * 26 + "fin."),
            "caf.yaml: resume: phrase 2 trop longue (27 mots, 25 au plus)",
        ),
        (
            lambda d: d.update(resume="Voyez l'article L. 553-1 du code."),
            "caf.yaml: resume: pas de numéro d'article dans le résumé",
        ),
        (
            lambda d: d["sources"][0].update(seed="009_inconnu.txt"),
            "caf.yaml: sources[1].seed: document source « 009_inconnu.txt » sans nom lisible",
        ),
        (lambda d: d.update(mots_cles=["caf"]), "caf.yaml: mots_cles: au moins 10"),
        (
            lambda d: d["contacts"][0].pop("source"),
            "caf.yaml: contacts[1].source: champ obligatoire manquant",
        ),
        (
            lambda d: d["contacts"][0].update(source="le site de la CAF"),
            "caf.yaml: contacts[1].source: doit être une adresse web",
        ),
        (
            lambda d: d["contacts"][0].update(url="www.caf.fr"),
            "caf.yaml: contacts[1].url: doit être une adresse web complète",
        ),
        (
            lambda d: d["sources"][0].update(url="https://www.caf.fr/"),
            "caf.yaml: sources[1]: donnez soit « url », soit « seed » et « lignes »",
        ),
        (
            lambda d: d["sources"][0].update(lignes="20-10"),
            "caf.yaml: sources[1].lignes: doit être une ligne ou un intervalle",
        ),
        (lambda d: d.update(sources=[]), "caf.yaml: sources: au moins 1"),
        (
            lambda d: d["base_legale"][0].pop("objet"),
            "caf.yaml: base_legale[1].objet: champ obligatoire manquant",
        ),
        (
            lambda d: d.update(resume="Les allocataire·ices peuvent contester."),
            "caf.yaml: resume: point médian ou point inclusif",
        ),
        (
            lambda d: d["que_faire"].__setitem__(0, "Demandez aux agent.es de vous aider."),
            "caf.yaml: que_faire[1]: point médian ou point inclusif",
        ),
        (lambda d: d.update(base_legale="aucune"), "caf.yaml: base_legale: doit être une liste"),
    ],
)
def test_a_broken_topic_is_reported_with_its_file_and_field(
    content_dir: Path, change: Any, expected: str
) -> None:
    data = topic_data(content_dir)
    change(data)
    write_topic(content_dir, data)
    problems = problems_after(content_dir)
    assert any(p.startswith(expected) for p in problems), problems
    assert read_content(content_dir).content.topic("caf") is None


def test_yaml_syntax_errors_and_duplicate_keys_name_the_file(content_dir: Path) -> None:
    (content_dir / "droits" / "caf.yaml").write_text("id: caf\ntitre: [pas fermé\n", "utf-8")
    raw = (content_dir / "droits" / "papier.yaml").read_text("utf-8")
    (content_dir / "droits" / "papier.yaml").write_text(raw + "titre: encore\n", "utf-8")
    problems = problems_after(content_dir)
    assert any(p.startswith("caf.yaml: YAML invalide") and "ligne" in p for p in problems)
    assert any(
        p.startswith("papier.yaml: YAML invalide : clé « titre » en double") for p in problems
    )


def test_a_link_to_a_missing_topic_is_reported_but_the_topic_stays(content_dir: Path) -> None:
    data = topic_data(content_dir)
    data["que_faire"][0] = "Voir !droit nulle-part pour la suite."
    write_topic(content_dir, data)
    report = read_content(content_dir)
    assert [str(p) for p in report.problems] == [
        "caf.yaml: que_faire[1]: renvoie à « !droit nulle-part », qui n'existe pas"
    ]
    assert report.content.topic("caf") is not None


def test_broken_organisations_and_templates_are_reported(content_dir: Path) -> None:
    orgs = yaml.safe_load((content_dir / "organisations.yaml").read_text("utf-8"))
    orgs["organisations"][1]["departements"] = ["Sarthe"]
    orgs["organisations"][2]["site"] = "https://example.org"
    (content_dir / "organisations.yaml").write_text(
        yaml.safe_dump(orgs, allow_unicode=True), "utf-8"
    )
    (content_dir / "modeles" / "courrier-papier.md").write_text("Pas d'en-tête.\n", "utf-8")
    template = (content_dir / "modeles" / "acces-rgpd.md").read_text("utf-8")
    (content_dir / "modeles" / "acces-rgpd.md").write_text(
        template.replace("id: acces-rgpd", "id: acces"), "utf-8"
    )
    report = read_content(content_dir)
    problems = [str(p) for p in report.problems]
    assert any(
        p.startswith("organisations.yaml: organisations[2].departements[1]") for p in problems
    )
    assert any(
        p.startswith("organisations.yaml: organisations[3].site: clé inconnue") for p in problems
    )
    assert "courrier-papier.md: doit commencer par un en-tête entre deux lignes « --- »" in problems
    assert any(p.startswith("acces-rgpd.md: id: doit être le nom du fichier") for p in problems)
    assert report.content.organisations == ()
    assert report.content.template("acces-rgpd") is None
    assert report.content.template("saisine-defenseur") is not None
    assert set(report.left_out) == {"organisations.yaml", "courrier-papier.md", "acces-rgpd.md"}


# -- reloads ---------------------------------------------------------------------------
def test_reload_keeps_the_previous_version_of_a_broken_file(content_dir: Path) -> None:
    base = KnowledgeBase.open(content_dir)
    before = base.content.topic("caf")
    assert before is not None
    good = topic_data(content_dir, "papier")
    good["titre"] = "Recevoir ses courriers sur papier (nouvelle version)"
    write_topic(content_dir, good, "papier")
    broken = topic_data(content_dir)
    broken["que_faire"][1] = LONG
    write_topic(content_dir, broken)

    report = base.reload()

    assert [str(p) for p in report.problems] == [
        "caf.yaml: que_faire[2]: plus de 300 caractères (301)"
    ]
    assert report.kept == ("caf.yaml",)
    assert base.content.topic("caf") == before
    papier = base.content.topic("papier")
    assert papier is not None and papier.titre.endswith("(nouvelle version)")
    assert base.search("la caf me réclame un trop perçu").best is not None


def test_reload_keeps_everything_when_the_topics_folder_disappears(content_dir: Path) -> None:
    base = KnowledgeBase.open(content_dir)
    count = len(base.content.topics)
    shutil.rmtree(content_dir / "droits")
    report = base.reload()
    assert [str(p) for p in report.problems] == [
        "droits/: aucune fiche trouvée (dossier absent ou vide)"
    ]
    assert len(base.content.topics) == count


def test_first_load_leaves_a_broken_file_out(content_dir: Path) -> None:
    (content_dir / "droits" / "caf.yaml").write_text("- pas une fiche\n", "utf-8")
    base = KnowledgeBase.open(content_dir)
    assert base.content.topic("caf") is None
    assert base.content.topic("papier") is not None


def test_stale_topics_appear_and_disappear_with_today() -> None:

    content = read_content(CONTENT).content
    newest = max(t.verifie_le for t in content.topics)
    oldest = min(t.verifie_le for t in content.topics)
    assert stale_topics(content, add_months(oldest, 12)) == []
    late = stale_topics(content, add_months(newest, 12) + (date(2000, 1, 2) - date(2000, 1, 1)))
    assert len(late) == len(content.topics)
    assert all(p.field == "verifie_le" for p in late)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
