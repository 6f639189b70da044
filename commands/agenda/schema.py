"""The agenda's tables, as numbered forward-only migrations (component "agenda")."""

from __future__ import annotations

from bot.store import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "events, per-date overrides, reminder markers",
        (
            # Instants are fixed-width UTC text ("2026-05-23T13:00:00Z"): they sort as they
            # compare. `checked_until_utc`: reminders up to this instant are decided (sent,
            # or skipped with a log line). `next_check_utc`: the next instant the reminder
            # engine must look at this event (NULL: nothing left to remind).
            """CREATE TABLE agenda_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                group_name TEXT NOT NULL,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                place TEXT NOT NULL DEFAULT '',
                map_url TEXT,
                description TEXT NOT NULL DEFAULT '',
                link TEXT,
                tz TEXT NOT NULL,
                all_day INTEGER NOT NULL DEFAULT 0,
                start_utc TEXT NOT NULL,
                end_utc TEXT,
                rrule TEXT,
                exdates TEXT NOT NULL DEFAULT '[]',
                last_end_utc TEXT,
                targets TEXT,
                offsets TEXT,
                uid TEXT NOT NULL,
                source TEXT,
                status TEXT NOT NULL DEFAULT 'confirmed'
                    CHECK (status IN ('confirmed', 'cancelled')),
                sequence INTEGER NOT NULL DEFAULT 0,
                checked_until_utc TEXT NOT NULL,
                next_check_utc TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (group_name, uid)
            )""",
            "CREATE INDEX agenda_events_next_check ON agenda_events (next_check_utc)"
            " WHERE next_check_utc IS NOT NULL",
            "CREATE INDEX agenda_events_start ON agenda_events (group_name, start_utc)",
            "CREATE INDEX agenda_events_source ON agenda_events (source) WHERE source IS NOT NULL",
            """CREATE TABLE agenda_overrides (
                event_id INTEGER NOT NULL REFERENCES agenda_events (id) ON DELETE CASCADE,
                occurrence TEXT NOT NULL,
                start_utc TEXT NOT NULL,
                end_utc TEXT,
                title TEXT,
                place TEXT,
                description TEXT,
                PRIMARY KEY (event_id, occurrence)
            )""",
            # One row per (event, occurrence, offset, target) ever decided. `claimed`:
            # decided and about to enter the outbox; `queued`: in the outbox (its key
            # makes a second enqueue a no-op); `skipped`: too late, logged.
            """CREATE TABLE agenda_reminders (
                event_id INTEGER NOT NULL,
                occurrence TEXT NOT NULL,
                offset_key TEXT NOT NULL,
                target TEXT NOT NULL,
                due_utc TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('claimed', 'queued', 'skipped')),
                late INTEGER NOT NULL DEFAULT 0,
                decided_at TEXT NOT NULL,
                PRIMARY KEY (event_id, occurrence, offset_key, target)
            )""",
            "CREATE INDEX agenda_reminders_claimed ON agenda_reminders (status)"
            " WHERE status = 'claimed'",
        ),
    ),
)
