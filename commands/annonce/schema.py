"""The announcements' tables, as numbered forward-only migrations (component "annonce")."""

from __future__ import annotations

from bot.store import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "scheduled announcements, their per-date changes, and what was decided for each date",
        (
            # `groups`: JSON list of the groups it goes to; empty with `here` (a channel as
            # JSON) when the configuration has no groups (it goes where it was written).
            # `checked_until`: dates up to this instant are decided; `next_due`: the next
            # instant to look at (NULL: nothing left).
            """CREATE TABLE annonce_items (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                groups TEXT NOT NULL DEFAULT '[]',
                here TEXT,
                text TEXT NOT NULL,
                start_utc TEXT NOT NULL,
                tz TEXT NOT NULL,
                rrule TEXT,
                status TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'cancelled', 'done')),
                sequence INTEGER NOT NULL DEFAULT 0,
                checked_until TEXT NOT NULL,
                next_due TEXT,
                created_utc TEXT NOT NULL
            )""",
            "CREATE INDEX annonce_due ON annonce_items (next_due) WHERE status = 'active'",
            # One date of a recurring announcement changed alone ("seulement celle-ci"),
            # named by its original start (UTC, 20260525T070000Z).
            """CREATE TABLE annonce_exceptions (
                item_id INTEGER NOT NULL REFERENCES annonce_items (id) ON DELETE CASCADE,
                occurrence TEXT NOT NULL,
                moved_utc TEXT,
                text TEXT,
                cancelled INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (item_id, occurrence)
            )""",
            # Each date is decided once: 'sent' (its copies entered the outbox in the same
            # transaction) or 'skipped' (too late after a downtime).
            """CREATE TABLE annonce_sends (
                item_id INTEGER NOT NULL REFERENCES annonce_items (id) ON DELETE CASCADE,
                occurrence TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('sent', 'skipped')),
                late INTEGER NOT NULL DEFAULT 0,
                due_utc TEXT NOT NULL,
                decided_utc TEXT NOT NULL,
                PRIMARY KEY (item_id, occurrence)
            )""",
        ),
    ),
)
