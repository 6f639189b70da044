"""A real SQLite store in tmp_path, with the engine's own tables."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path

import pytest

from bot.core_schema import CORE_MIGRATIONS
from bot.store import Migration, Store


async def open_store(path: Path, extra: Mapping[str, Sequence[Migration]] | None = None) -> Store:
    store = Store(path)
    await store.open({"core": CORE_MIGRATIONS, **(extra or {})})
    return store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(tmp_path / "relais.sqlite3")
    yield opened
    await opened.close()
