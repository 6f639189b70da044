"""The temoignages: section: defaults, valid values, and errors that name the key path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nacl.public
import pytest
import yaml

from bot.bootstrap import feature_sections
from bot.config import Config, load_config, parse_config
from bot.configcheck import ConfigError
from commands import all_features
from commands.temoignage.config import DEFAULT_READERS, SECTION, TemoignagesConfig
from commands.temoignage.crypto import encode_key

ROOT = Path(__file__).resolve().parents[3]
PUBLIC = bytes(nacl.public.PrivateKey.generate().public_key)


def config(section: Any) -> Config:
    data = {} if section is None else {SECTION: section}
    return parse_config(data, sections=feature_sections(all_features()), environ={})


def problems(section: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        config(section)
    return info.value.problems


def test_defaults_without_the_section() -> None:
    settings = config(None).feature(SECTION, TemoignagesConfig)
    assert settings.public_keys == () and not settings.enabled
    assert settings.readers == DEFAULT_READERS
    assert (settings.retention_days, settings.draft_hours) == (180, 24)


def test_valid_section() -> None:
    settings = config(
        {
            "cles_publiques": [encode_key(PUBLIC), PUBLIC.hex()],  # the same key twice
            "lecteurs": ["Camille"],
            "conservation_jours": 30,
            "brouillon_heures": 6,
            "longueur_max": 5000,
        }
    ).feature(SECTION, TemoignagesConfig)
    assert settings.public_keys == (PUBLIC,)
    assert settings.readers == ("Camille",)
    assert (settings.retention_days, settings.draft_minutes, settings.max_length) == (30, 360, 5000)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            {"cles_publiques": ["pas une clé"]},
            "temoignages.cles_publiques[0]: doit être une clé publique de 32 octets",
        ),
        (
            {"cles_publiques": [encode_key(PUBLIC), "AAAA"]},
            "temoignages.cles_publiques[1]: doit être une clé publique",
        ),
        ({"cles_publiques": {"a": 1}}, "temoignages.cles_publiques: doit être une liste"),
        ({"lecteurs": []}, "temoignages.lecteurs: doit nommer au moins"),
        ({"conservation_jours": 0}, "temoignages.conservation_jours: doit être au moins 1"),
        ({"conservation_jours": "un an"}, "temoignages.conservation_jours: doit être un nombre"),
        ({"brouillon_heures": 1000}, "temoignages.brouillon_heures: doit être au plus 168"),
        ({"longueur_max": 10}, "temoignages.longueur_max: doit être au moins 500"),
        ({"cle_publique": "x"}, "temoignages.cle_publique: clé inconnue"),
        ("oui", "temoignages: doit être une section"),
    ],
)
def test_errors_name_the_key_path(section: Any, expected: str) -> None:
    found = problems(section)
    assert any(p.startswith(expected) for p in found), found


def test_example_config_block_is_valid() -> None:
    """config.example.yaml documents every key and loads as it is."""
    example = yaml.safe_load((ROOT / "config.example.yaml").read_text(encoding="utf-8"))
    block = example[SECTION]
    assert set(block) == {
        "cles_publiques",
        "lecteurs",
        "conservation_jours",
        "brouillon_heures",
        "longueur_max",
    }
    settings = config(block).feature(SECTION, TemoignagesConfig)
    assert not settings.enabled  # closed until the collective pastes its own key
    assert settings.readers == DEFAULT_READERS


def test_example_file_loads_with_the_section(tmp_path: Path) -> None:
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        loaded = load_config(path, sections=feature_sections(all_features()), environ={})
    except ConfigError as exc:  # other blocks may need secrets: only ours matters here
        assert not [p for p in exc.problems if p.startswith(SECTION)], exc.problems
    else:
        assert loaded.feature(SECTION, TemoignagesConfig).retention_days == 180
