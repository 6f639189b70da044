"""Store: migrations from empty, one transaction per step, refusal of newer or corrupt files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from bot.app import App
from bot.config import parse_config
from bot.core_schema import CORE_MIGRATIONS
from bot.feature import Feature
from bot.store import Migration, Store, StoreError
from tests.kit.store import open_store as open_core_store

FEATURE_V1 = (Migration(1, "notes", ("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",)),)
FEATURE_V2 = (
    *FEATURE_V1,
    Migration(2, "notes date", ("ALTER TABLE notes ADD COLUMN day TEXT",)),
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def open_store(path: Path, feature: tuple[Migration, ...] = FEATURE_V1) -> Store:
    return await open_core_store(path, {"notes": feature})


async def test_migrates_from_empty_and_configures_sqlite(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    try:
        assert await store.versions() == {"core": len(CORE_MIGRATIONS), "notes": 1}
        assert (await store.fetchone("PRAGMA journal_mode"))[0] == "wal"  # type: ignore[index]
        assert (await store.fetchone("PRAGMA foreign_keys"))[0] == 1  # type: ignore[index]
        assert (await store.fetchone("PRAGMA secure_delete"))[0] == 1  # type: ignore[index]
    finally:
        await store.close()


async def test_upgrades_step_by_step_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = await open_store(path)
    await store.execute("INSERT INTO notes (body) VALUES ('gardé')")
    await store.close()
    store = await open_store(path, FEATURE_V2)
    try:
        assert (await store.versions())["notes"] == 2
        row = await store.fetchone("SELECT body, day FROM notes")
        assert row is not None and tuple(row) == ("gardé", None)
    finally:
        await store.close()


async def test_failed_migration_leaves_previous_version_intact(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    await (await open_store(path)).close()
    broken = (
        *FEATURE_V1,
        Migration(2, "half", ("ALTER TABLE notes ADD COLUMN day TEXT", "THIS IS NOT SQL")),
    )
    with pytest.raises(sqlite3.OperationalError):
        await open_store(path, broken)
    store = await open_store(path)
    try:
        assert (await store.versions())["notes"] == 1
        columns = [r[1] for r in await store.fetchall("PRAGMA table_info(notes)")]
        assert columns == ["id", "body"]  # the first statement was rolled back too
    finally:
        await store.close()


async def test_refuses_newer_database_without_touching_it(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    await (await open_store(path, FEATURE_V2)).close()
    before = digest(path)
    with pytest.raises(StoreError, match="version plus récente"):
        await open_store(path, FEATURE_V1)
    assert digest(path) == before


async def test_refuses_database_with_unknown_component(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    await store.open({"core": CORE_MIGRATIONS, "future": FEATURE_V1})
    await store.close()
    with pytest.raises(StoreError, match="« future »"):
        await open_store(path)


async def test_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"ceci n'est pas une base" * 200)
    before = digest(path)
    with pytest.raises(StoreError, match="pas une base Relais lisible"):
        await open_store(path)
    assert digest(path) == before


async def test_online_backup_is_a_usable_copy(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    try:
        await store.execute("INSERT INTO notes (body) VALUES ('à sauver')")
        await store.backup(tmp_path / "copie.sqlite3")
        with pytest.raises(StoreError, match="existe déjà"):
            await store.backup(tmp_path / "copie.sqlite3")
    finally:
        await store.close()
    copy = await open_store(tmp_path / "copie.sqlite3")
    try:
        row = await copy.fetchone("SELECT body FROM notes")
        assert row is not None and row[0] == "à sauver"
    finally:
        await copy.close()


async def test_execute_counts_rows_and_insert_reports_ignored_conflicts(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "db.sqlite3")
    try:
        sql = (
            "INSERT INTO handled_events (event_id, handled_at) VALUES (?, 0) ON CONFLICT DO NOTHING"
        )
        assert await store.insert(sql, ("$a",)) == 1
        assert await store.insert(sql, ("$b",)) == 2
        assert await store.insert(sql, ("$a",)) is None  # not the stale row id 2
        assert await store.execute(sql, ("$a",)) == 0
        assert await store.execute("DELETE FROM handled_events") == 2
    finally:
        await store.close()


async def test_a_failing_feature_setup_leaves_nothing_open(tmp_path: Path) -> None:
    class Broken(Feature):
        name = "broken"

        def setup(self, services: object, router: object) -> None:
            raise RuntimeError("setup failed")

    config = parse_config({"relais": {"data_dir": str(tmp_path)}}, environ={})
    app = App(config, [Broken()])
    with pytest.raises(RuntimeError):
        await app.start()
    assert app._services is None  # stopped: store closed, scheduler shut down
    # The database is free again: another app can open it at once.
    again = App(config, [])
    await again.start()
    await again.stop()
