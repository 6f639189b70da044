"""Configuration: each mistake names its key path; all mistakes are reported at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import feature_sections
from bot.config import load_config, parse_config
from bot.configcheck import ConfigError
from commands import all_features
from tests.kit.cli import run_relais

ROOT = Path(__file__).resolve().parents[2]


def problems(data: Any, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data, environ=environ or {})
    return info.value.problems


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"matrix": {"homeserver": "matrix.org", "user_id": "@r:x.org", "password": "p"}},
            "matrix.homeserver: doit être une URL http(s)",
        ),
        (
            {"matrix": {"homeserver": "https://x.org", "user_id": "relais", "password": "p"}},
            "matrix.user_id: doit être un identifiant Matrix complet",
        ),
        ({"matrix": {"homeserver": "https://x.org", "password": "p"}}, "matrix.user_id: manquant"),
        ({"relais": {"timezone": "Paris"}}, "relais.timezone: fuseau horaire inconnu"),
        ({"relais": {"log_level": "BAVARD"}}, "relais.log_level: doit valoir"),
        ({"flood": {"capacity": 0}}, "flood.capacity: doit être au moins 1"),
        ({"flood": {"capacity": "dix"}}, "flood.capacity: doit être un nombre entier"),
        ({"outbox": {"max_attempts": True}}, "outbox.max_attempts: doit être un nombre entier"),
        (
            {"organisers": {"matrix": ["alice"]}},
            "organisers.matrix[0]: doit être un identifiant Matrix",
        ),
        (
            {"organisers": {"mastodon": ["pas un compte!"]}},
            "organisers.mastodon[0]: doit être un compte",
        ),
        ({"groups": [{"name": "Le Mans"}]}, "groups[0].name: un nom court en minuscules"),
        (
            {"groups": [{"name": "a"}, {"name": "a"}]},
            "groups[1].name: le groupe « a » est déjà défini",
        ),
        ({"groups": {"name": "a"}}, "groups: doit être une liste de sections"),
        ({"relais": {"data_dir": "x", "datadir": "y"}}, "relais.datadir: clé inconnue"),
        ({"matrixx": {}}, "matrixx: clé inconnue"),
        ({"relais": "oui"}, "relais: doit être une section"),
    ],
)
def test_each_mistake_names_its_key_path(data: Any, expected: str) -> None:
    found = problems(data)
    assert any(p.startswith(expected) for p in found), found


def test_several_mistakes_are_reported_at_once() -> None:
    found = problems(
        {
            "relais": {"timezone": "Lune/Mer"},
            "flood": {"capacity": -1},
            "matrix": {"homeserver": "ftp://x", "user_id": "@r:x.org"},
        }
    )
    paths = {p.split(":")[0] for p in found}
    assert paths == {"relais.timezone", "flood.capacity", "matrix.homeserver"}


def test_secret_may_come_from_the_environment() -> None:
    config = parse_config(
        {"matrix": {"homeserver": "https://x.org", "user_id": "@r:x.org"}},
        environ={"RELAIS_MATRIX_PASSWORD": "from-env"},
    )
    assert config.matrix is not None and config.matrix.password == "from-env"


def test_valid_config_gives_typed_values(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "relais:\n  data_dir: donnees\n  timezone: Europe/Paris\n"
        "groups:\n  - name: le-mans\n    rooms: ['!a:x.org']\n    tags: [72, Santé]\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.data_dir == tmp_path / "donnees"
    assert config.groups[0].tags == ("72", "santé")
    assert config.group_for_room("matrix", "!a:x.org") is config.groups[0]


def test_broken_yaml_says_where(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("relais:\n  data_dir: [\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "ligne" in info.value.problems[0]


def test_example_config_is_valid() -> None:
    config = load_config(ROOT / "config.example.yaml", sections=feature_sections(all_features()))
    assert config.groups


def test_check_config_cli_prints_every_key_path_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "relais:\n  timezone: Paris\nmatrix:\n  homeserver: matrix.exemple.org\n"
        "  user_id: '@relais:exemple.org'\n  password: x\n",
        encoding="utf-8",
    )
    result = run_relais("check-config", str(path))
    assert result.returncode != 0
    assert "relais.timezone" in result.stderr and "matrix.homeserver" in result.stderr
