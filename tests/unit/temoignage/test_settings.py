"""The testimonies: section: defaults, valid values, and errors that name the key path."""

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
            "public_keys": [encode_key(PUBLIC), PUBLIC.hex()],  # the same key twice
            "readers": ["Camille"],
            "retention_days": 30,
            "draft_hours": 6,
            "max_length": 5000,
        }
    ).feature(SECTION, TemoignagesConfig)
    assert settings.public_keys == (PUBLIC,)
    assert settings.readers == ("Camille",)
    assert (settings.retention_days, settings.draft_minutes, settings.max_length) == (30, 360, 5000)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            {"public_keys": ["pas une clé"]},
            "testimonies.public_keys[0]: doit être une clé publique de 32 octets",
        ),
        (
            {"public_keys": [encode_key(PUBLIC), "AAAA"]},
            "testimonies.public_keys[1]: doit être une clé publique",
        ),
        ({"public_keys": {"a": 1}}, "testimonies.public_keys: doit être une liste"),
        ({"readers": []}, "testimonies.readers: doit nommer au moins"),
        ({"retention_days": 0}, "testimonies.retention_days: doit être au moins 1"),
        ({"retention_days": "un an"}, "testimonies.retention_days: doit être un nombre"),
        ({"draft_hours": 1000}, "testimonies.draft_hours: doit être au plus 168"),
        ({"max_length": 10}, "testimonies.max_length: doit être au moins 500"),
        ({"cle_publique": "x"}, "testimonies.cle_publique: clé inconnue"),
        ("oui", "testimonies: doit être une section"),
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
        "public_keys",
        "readers",
        "retention_days",
        "draft_hours",
        "max_length",
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
