"""The calls' tables, as numbered forward-only migrations (component "appel")."""

from __future__ import annotations

from bot.store import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "calls, per-group decisions, per-channel targets",
        (
            # One row per call this instance launched ("sent") or received ("received").
            # `id` is the short local number organisers type; `uid` the global id.
            # A retraction that arrives before its call leaves a row with status
            # 'retracted' and no text, so the late call is ignored.
            """CREATE TABLE appel_calls (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                uid TEXT NOT NULL UNIQUE,
                direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
                origin_instance TEXT NOT NULL,
                origin_group TEXT NOT NULL,
                text TEXT NOT NULL,
                tags TEXT NOT NULL DEFAULT '[]',
                link TEXT,
                created_utc TEXT NOT NULL,
                expiry_utc TEXT NOT NULL,
                hops TEXT NOT NULL DEFAULT '[]',
                content_hash TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'retracted')),
                arrived_in TEXT,
                recorded_utc TEXT NOT NULL,
                retracted_utc TEXT
            )""",
            "CREATE INDEX appel_calls_hash ON appel_calls (content_hash, recorded_utc)",
            "CREATE INDEX appel_calls_recorded ON appel_calls (recorded_utc)",
            # What each receiving local group decided. `state`: 'direct' (posted at once),
            # 'waiting' (asked in its organisers' room), 'accepted', 'refused', 'withdrawn'
            # (the call was retracted before a decision).
            """CREATE TABLE appel_groups (
                call_id INTEGER NOT NULL REFERENCES appel_calls (id) ON DELETE CASCADE,
                group_name TEXT NOT NULL,
                state TEXT NOT NULL
                    CHECK (state IN ('direct', 'waiting', 'accepted', 'refused', 'withdrawn')),
                request_key TEXT,
                request_remote_id TEXT,
                queued INTEGER NOT NULL DEFAULT 0,
                decided_utc TEXT,
                PRIMARY KEY (call_id, group_name)
            )""",
            # One row per channel a call was handed to: a group room, the Mastodon account,
            # or a coordination room ('peer'). `queued` is set once the outbox holds it;
            # `remote_id` once it is delivered (event id, status ids) so it can be retracted.
            """CREATE TABLE appel_targets (
                call_id INTEGER NOT NULL REFERENCES appel_calls (id) ON DELETE CASCADE,
                target TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('copy', 'peer')),
                transport TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                group_name TEXT,
                outbox_key TEXT NOT NULL UNIQUE,
                queued INTEGER NOT NULL DEFAULT 0,
                remote_id TEXT,
                retracted INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (call_id, target)
            )""",
        ),
    ),
)
