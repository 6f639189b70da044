"""SQLite storage: one aiosqlite connection, WAL, forward-only migrations per component.

Every component (the engine's "core", each feature) declares numbered migrations.
Each migration runs with its version bump in one transaction. A database written by
newer code (a higher version, or a component this code does not know) is refused
before anything is changed.

Transactions nest: inside `transaction()`, every call of the same task (and of tasks it
starts while the transaction is open) runs in that transaction, and a nested
`transaction()` is a savepoint. The router handles each incoming message in one
transaction: claiming its event id, the conversation step and the replies recorded in
the outbox commit together, or not at all (a crash in between leaves no half-handled
message: it is handled again after the restart).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

logger = logging.getLogger(__name__)

Params = Sequence[Any] | Mapping[str, Any]


class StoreError(Exception):
    """A database Relais must not use; the message is French and says what to do."""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


@dataclass
class _Transaction:
    store: Store
    open: bool = True
    savepoints: int = field(default=0)
    truncate_journal_after: bool = False


_CURRENT: ContextVar[_Transaction | None] = ContextVar("relais_store_transaction", default=None)


def check_migrations(component: str, migrations: Sequence[Migration]) -> None:
    expected = list(range(1, len(migrations) + 1))
    if [m.version for m in migrations] != expected:
        raise ValueError(f"migrations of {component!r} must be numbered 1..n without gaps")


class Store:
    """Owns the connection. Use `transaction()` for several writes that go together."""

    def __init__(self, path: Path) -> None:
        # aiosqlite logs every statement with its parameters at DEBUG: that would put
        # message texts in the logs. Privacy first, whatever the log level.
        logging.getLogger("aiosqlite").setLevel(logging.INFO)
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("store is not open")
        return self._db

    async def open(self, migrations: Mapping[str, Sequence[Migration]]) -> None:
        for component, steps in migrations.items():
            check_migrations(component, steps)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        try:
            await self._check_readable()
            current = await self._read_versions()
            _refuse_newer(self.path, current, migrations)
            await self._configure()
            await self._migrate(current, migrations)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()

    async def _check_readable(self) -> None:
        try:
            rows = await self.db.execute_fetchall("PRAGMA quick_check")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"Le fichier {self.path} n'est pas une base Relais lisible ({exc}). "
                "Rien n'a été modifié. Restaurez une sauvegarde (relais backup) "
                "ou indiquez un autre dossier de données."
            ) from None
        result = [row[0] for row in rows]
        if result != ["ok"]:
            raise StoreError(
                f"La base {self.path} est endommagée (contrôle d'intégrité : {result[0]}). "
                "Rien n'a été modifié. Restaurez une sauvegarde."
            )

    async def _read_versions(self) -> dict[str, int]:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        rows = await self.db.execute_fetchall("SELECT component, version FROM schema_version")
        return {row[0]: row[1] for row in rows}

    async def _configure(self) -> None:
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA secure_delete=ON",
            "PRAGMA busy_timeout=5000",
        ):
            await self.db.execute(pragma)

    async def _migrate(
        self, current: dict[str, int], migrations: Mapping[str, Sequence[Migration]]
    ) -> None:
        for component, steps in migrations.items():
            version = current.get(component, 0)
            for step in steps[version:]:
                async with self.transaction() as db:
                    for statement in step.statements:
                        await db.execute(statement)
                    await db.execute(
                        "INSERT INTO schema_version(component, version) VALUES (?, ?)"
                        " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                        (component, step.version),
                    )
                logger.info(
                    "migrated %s to version %d (%s)", component, step.version, step.description
                )

    async def versions(self) -> dict[str, int]:
        return await self._read_versions()

    # -- access ----------------------------------------------------------------------
    def _inside(self) -> _Transaction | None:
        current = _CURRENT.get()
        return current if current is not None and current.open and current.store is self else None

    @asynccontextmanager
    async def _access(self) -> AsyncIterator[None]:
        """The connection to ourselves: at once inside our transaction, else in turn."""
        if self._inside() is not None:
            yield
            return
        async with self._lock:
            yield

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (a savepoint if nested)."""
        outer = self._inside()
        if outer is not None:
            outer.savepoints += 1
            name = f"relais_{outer.savepoints}"
            await self.db.execute(f"SAVEPOINT {name}")
            try:
                yield self.db
            except BaseException:
                await self.db.execute(f"ROLLBACK TO {name}")
                await self.db.execute(f"RELEASE {name}")
                raise
            await self.db.execute(f"RELEASE {name}")
            return
        current = _Transaction(self)
        async with self._lock:
            token = _CURRENT.set(current)
            try:
                await self.db.execute("BEGIN IMMEDIATE")
                try:
                    yield self.db
                except BaseException:
                    await self.db.execute("ROLLBACK")
                    raise
                await self.db.execute("COMMIT")
            finally:
                current.open = False
                _CURRENT.reset(token)
        if current.truncate_journal_after:
            await self.truncate_journal()

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One write statement (in its own transaction unless inside one); rows changed."""
        async with self._access():
            cursor = await self.db.execute(sql, params)
        # Not closed: every await is a trip to the connection's thread, and sqlite3 has
        # already reset a write statement that ran to completion (a cursor needs no close).
        return int(cursor.rowcount)

    async def insert(self, sql: str, params: Params = ()) -> int | None:
        """An INSERT; the new row id, or None when nothing was inserted (a conflict ignored).

        (sqlite3's lastrowid is stale after an ignored insert: never trust it alone.)
        """
        async with self._access():
            cursor = await self.db.execute(sql, params)
        row_id = cursor.lastrowid if cursor.rowcount > 0 else None  # not closed, as above
        return None if row_id is None else int(row_id)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as db:
            await db.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._access():
            rows = await self.db.execute_fetchall(sql, params)
        return list(rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row, for queries that find one (a key, LIMIT 1, an aggregate)."""
        async with self._access():
            # One trip to the connection's thread (execute, fetchone and close were three,
            # on the path of every message: the conversation lookup).
            rows = await self.db.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def truncate_journal(self) -> bool:
        """Checkpoint the WAL and truncate it to zero bytes.

        SQLite's secure_delete zeroes deleted content in the database pages, but older
        copies of those pages stay in the `-wal` file until it is overwritten. Called after
        private rows are deleted. False when a reader blocked it (a later call retries).
        Inside a transaction, it runs once the transaction has committed.
        """
        inside = self._inside()
        if inside is not None:
            inside.truncate_journal_after = True
            return True
        row = await self.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = row is not None and int(row[0]) != 0
        if busy:
            logger.info("journal truncation postponed: database busy")
        return not busy

    # -- small key/value state (sync tokens, last seen ids) ----------------------------
    async def get_state(self, key: str) -> str | None:
        row = await self.fetchone("SELECT value FROM kv_state WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set_state(self, key: str, value: str) -> None:
        await self.execute(
            "INSERT INTO kv_state(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def backup(self, destination: Path) -> None:
        """Online copy with SQLite's backup API: safe while the bot runs."""
        if destination.exists():
            raise StoreError(f"{destination} existe déjà : choisissez un autre nom de fichier.")
        destination.parent.mkdir(parents=True, exist_ok=True)
        async with aiosqlite.connect(destination) as target, self._lock:
            await self.db.backup(target)


def _refuse_newer(
    path: Path, current: Mapping[str, int], migrations: Mapping[str, Sequence[Migration]]
) -> None:
    for component, version in current.items():
        known = migrations.get(component)
        if known is None or version > len(known):
            raise StoreError(
                f"La base {path} a été écrite par une version plus récente de Relais "
                f"(partie « {component} », version {version}). Rien n'a été modifié. "
                "Mettez Relais à jour, ou restaurez une sauvegarde faite avec cette version."
            )
