"""The letter's tables, as numbered forward-only migrations (component "lettre")."""

from __future__ import annotations

from bot.store import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "weekly letters (one row per group and ISO week) and the editorial being written",
        (
            # `id`: "le-mans-2026-W22", stable per group and week. `status`: 'previewed'
            # (the organisers saw it), 'skipped' (!lettre annuler), 'sent' (its copies
            # entered the outbox in the same transaction). The rendered texts are kept as
            # sent: the web page, the archive and the feed show exactly that.
            """CREATE TABLE lettre_letters (
                id TEXT PRIMARY KEY,
                grp TEXT NOT NULL,
                week TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('previewed', 'skipped', 'sent')),
                issued_utc TEXT NOT NULL,
                subject TEXT NOT NULL DEFAULT '',
                markdown TEXT NOT NULL DEFAULT '',
                plain TEXT NOT NULL DEFAULT '',
                html TEXT NOT NULL DEFAULT '',
                decided_utc TEXT NOT NULL
            )""",
            "CREATE INDEX lettre_sent ON lettre_letters (issued_utc) WHERE status = 'sent'",
            """CREATE TABLE lettre_editos (
                grp TEXT PRIMARY KEY,
                text TEXT NOT NULL,
                updated_utc TEXT NOT NULL
            )""",
        ),
    ),
)
