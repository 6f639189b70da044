"""Shared fixtures: a real App on real SQLite in tmp_path, with a recording transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from tests.helpers import running_app

# The real Synapse servers (session fixtures), for the integration and fault suites.
pytest_plugins = ("tests.kit.synapse", "tests.kit.store", "tests.kit.smtp")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def app(data_dir: Path) -> AsyncIterator[App]:
    async with running_app(data_dir, {"organisers": {"matrix": ["@orga:example.org"]}}) as app:
        yield app
