"""Shared fixtures: a real App on real SQLite in tmp_path, with a recording transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.bootstrap import feature_sections
from bot.config import parse_config
from commands import all_features
from tests.helpers import RecordingTransport

# The real Synapse servers (session fixtures), for the integration and fault suites.
pytest_plugins = ("tests.kit.synapse", "tests.kit.store", "tests.kit.smtp")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def app(data_dir: Path) -> AsyncIterator[App]:
    features = all_features()

    config = parse_config(
        {"relais": {"data_dir": str(data_dir)}, "organisers": {"matrix": ["@orga:example.org"]}},
        sections=feature_sections(features),
        environ={},
    )
    async with App(config, features) as running:
        running.add_transport(RecordingTransport("test"))
        yield running
