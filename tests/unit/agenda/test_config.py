"""The `agenda:` configuration section: defaults, every key, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import feature_sections
from bot.config import load_config, parse_config
from bot.configcheck import ConfigError
from commands import all_features
from commands.agenda.config import AgendaConfig
from commands.agenda.model import Event
from commands.agenda.offsets import Offset
from tests.unit.agenda.conftest import features, make_config

ROOT = Path(__file__).resolve().parents[3]


def agenda(section: Any) -> AgendaConfig:
    config = parse_config(
        {"relais": {"data_dir": "/tmp/x"}, "groups": [{"name": "le-mans"}], "agenda": section},
        sections=feature_sections(features()),
        environ={},
    )
    return config.feature("agenda", AgendaConfig)


def problems(section: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        agenda(section)
    return caught.value.problems


def test_defaults() -> None:
    config = agenda(None)
    assert config.offsets_for("manifestation") == (
        Offset(days=7),
        Offset(days=1, at=time(18)),
        Offset(minutes=120),
    )
    assert config.offsets_for("reunion") == (Offset(days=1, at=time(18)), Offset(minutes=120))
    assert config.late_grace_minutes == 60
    assert (config.http.enabled, config.http.bind, config.http.port) == (False, "127.0.0.1", 8089)
    assert config.feed_url("le-mans") is None


def test_every_key() -> None:
    config = agenda(
        {
            "reminders": {"default": ["2h"], "réunion": ["J-2 10:00"], "fete": []},
            "late_grace_minutes": 15,
            "horizon_days": 90,
            "feeds": [{"group": "le-mans", "url": "https://m.example/feed.ics/"}],
            "http": {"enabled": True, "bind": "0.0.0.0", "port": 8090, "page_days": 30},
            "public_url": "https://agenda.example.org/",
        }
    )
    assert config.offsets_for("reunion") == (Offset(days=2, at=time(10)),)
    assert config.offsets_for("fete") == ()
    assert config.offsets_for("chantier") == (Offset(minutes=120),)
    assert config.offsets_for("manifestation")[0] == Offset(days=7)  # default kept
    assert config.feeds[0].url == "https://m.example/feed.ics"
    assert config.feeds[0].interval_minutes == 60
    assert config.feed_url("le-mans") == "https://agenda.example.org/le-mans/agenda.ics"
    assert config.page_url(None) == "https://agenda.example.org/agenda"
    event = Event(1, "g", "fete", "x", config_now(), None, "Europe/Paris", offsets=("30min",))
    assert config.offsets_of(event) == (Offset(minutes=30),)


def config_now() -> Any:
    return datetime(2026, 1, 1, tzinfo=UTC)


def test_errors_name_the_key() -> None:
    found = problems(
        {
            "reminders": {"concert": ["2h"], "default": ["demain"]},
            "late_grace_minutes": -1,
            "feeds": [{"group": "x", "url": "ftp://nope", "every": 3}],
            "http": {"port": "huit"},
            "typo": 1,
        }
    )
    assert "agenda.reminders.concert: type inconnu ; types possibles : default, " in found[0]
    assert any(
        p.startswith("agenda.reminders.default[0]: Je ne comprends pas le rappel") for p in found
    )
    assert "agenda.late_grace_minutes: doit être au moins 0" in found
    assert any(p.startswith("agenda.feeds[0].url: doit être une URL http(s)") for p in found)
    assert "agenda.feeds[0].every: clé inconnue (faute de frappe ?)" in found
    assert "agenda.http.port: doit être un nombre entier" in found
    assert "agenda.typo: clé inconnue (faute de frappe ?)" in found


async def test_a_feed_for_an_unknown_group_stops_the_start(tmp_path: Path) -> None:
    # Caught when the configuration is read (so `relais check-config` reports it too).
    with pytest.raises(ConfigError) as caught:
        make_config(
            tmp_path, agenda={"feeds": [{"group": "paris", "url": "https://m.example/f.ics"}]}
        )
    assert caught.value.problems == ["agenda.feeds[0].group: groupe « paris » inconnu"]


def test_the_example_configuration_is_valid() -> None:
    sections = feature_sections(all_features())
    config = load_config(ROOT / "config.example.yaml", sections=sections)
    section = config.feature("agenda", AgendaConfig)
    assert section.http.enabled
    assert section.feeds[0].group == "le-mans"
