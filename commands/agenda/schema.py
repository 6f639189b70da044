"""The agenda's tables, as numbered forward-only migrations (component "agenda")."""

from __future__ import annotations

from bot.store import Migration

# What the ICS feed shows of an event: a change to any of these is a change to the feed.
FEED_COLUMNS = (
    "group_name, kind, title, place, map_url, description, link, tz, all_day, start_utc,"
    " end_utc, rrule, exdates, last_end_utc, uid, status, sequence"
)

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
    Migration(
        2,
        "ICS feed: each event's serialised VEVENTs kept with it, a change counter (ETag)",
        (
            # `ics_block`: the event's VEVENTs as the feed serves them, written with the
            # event; NULL when unknown (older rows, or a change that did not rewrite it),
            # then the feed computes it once. `ics_zones`: the TZIDs it uses (JSON list).
            "ALTER TABLE agenda_events ADD COLUMN ics_block BLOB",
            "ALTER TABLE agenda_events ADD COLUMN ics_zones TEXT",
            # One row: bumped by every change a feed shows, so that a feed's ETag is one
            # small read (If-None-Match answered without reading any event).
            """CREATE TABLE agenda_feed_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                changes INTEGER NOT NULL
            )""",
            "INSERT INTO agenda_feed_state (id, changes) VALUES (1, 0)",
            """CREATE TRIGGER agenda_feed_event_added AFTER INSERT ON agenda_events BEGIN
                UPDATE agenda_feed_state SET changes = changes + 1;
            END""",
            """CREATE TRIGGER agenda_feed_event_removed AFTER DELETE ON agenda_events BEGIN
                UPDATE agenda_feed_state SET changes = changes + 1;
            END""",
            f"""CREATE TRIGGER agenda_feed_event_changed
                AFTER UPDATE OF {FEED_COLUMNS} ON agenda_events BEGIN
                UPDATE agenda_events SET ics_block = NULL, ics_zones = NULL WHERE id = NEW.id;
                UPDATE agenda_feed_state SET changes = changes + 1;
            END""",
            *(
                f"""CREATE TRIGGER agenda_feed_override_{name} AFTER {what} ON agenda_overrides
                BEGIN
                    UPDATE agenda_events SET ics_block = NULL, ics_zones = NULL
                        WHERE id = {row}.event_id;
                    UPDATE agenda_feed_state SET changes = changes + 1;
                END"""
                for name, what, row in (
                    ("added", "INSERT", "NEW"),
                    ("removed", "DELETE", "OLD"),
                    ("changed", "UPDATE", "NEW"),
                )
            ),
            # The feed's order, read page by page; the events still to serialise.
            "CREATE INDEX agenda_events_feed ON agenda_events (start_utc, id)",
            "CREATE INDEX agenda_events_no_block ON agenda_events (id) WHERE ics_block IS NULL",
        ),
    ),
    Migration(
        3,
        "occurrences indexed by time, for listings that read only what they show",
        (
            # One row per confirmed occurrence (moved dates at their new time, cancelled
            # dates left out); `finish_utc` is its end, or its start when it has none;
            # `span_s` its length: the longest tells how far before a window to look.
            # `indexed_until_utc`: occurrences whose original start is before it are
            # written (NULL: none yet, for events saved before this migration).
            """CREATE TABLE agenda_occurrences (
                event_id INTEGER NOT NULL REFERENCES agenda_events (id) ON DELETE CASCADE,
                occurrence TEXT NOT NULL,
                group_name TEXT NOT NULL,
                start_utc TEXT NOT NULL,
                finish_utc TEXT NOT NULL,
                span_s INTEGER NOT NULL,
                PRIMARY KEY (event_id, occurrence)
            )""",
            "CREATE INDEX agenda_occurrences_start ON agenda_occurrences (start_utc, event_id)",
            "CREATE INDEX agenda_occurrences_span ON agenda_occurrences (span_s)",
            "ALTER TABLE agenda_events ADD COLUMN indexed_until_utc TEXT",
            "CREATE INDEX agenda_events_indexed_until ON agenda_events (indexed_until_utc)",
        ),
    ),
)
