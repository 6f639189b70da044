"""The engine's own tables, as numbered forward-only migrations (component "core")."""

from __future__ import annotations

from bot.store import Migration

CORE_MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "state, outbox, conversations, handled events",
        (
            "CREATE TABLE kv_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                transport TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                is_direct INTEGER NOT NULL DEFAULT 0,
                channel_group TEXT,
                kind TEXT NOT NULL,
                text TEXT NOT NULL,
                in_reply_to TEXT,
                reply_context TEXT NOT NULL DEFAULT '{}',
                status TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                last_error TEXT,
                remote_id TEXT,
                created_at REAL NOT NULL,
                done_at REAL
            )""",
            "CREATE INDEX outbox_pending ON outbox (status, next_attempt_at)",
            "CREATE INDEX outbox_done ON outbox (done_at) WHERE done_at IS NOT NULL",
            """CREATE TABLE conversations (
                owner TEXT PRIMARY KEY,
                flow TEXT NOT NULL,
                step TEXT NOT NULL,
                data BLOB NOT NULL,
                expires_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )""",
            "CREATE INDEX conversations_expiry ON conversations (expires_at)",
            """CREATE TABLE handled_events (
                event_id TEXT PRIMARY KEY,
                handled_at REAL NOT NULL
            )""",
            "CREATE INDEX handled_events_age ON handled_events (handled_at)",
        ),
    ),
    Migration(
        2,
        "outbox: private rows sealed, expiry, unexpected errors counted apart",
        (
            "ALTER TABLE outbox ADD COLUMN sealed BLOB",
            "ALTER TABLE outbox ADD COLUMN expires_at REAL",
            "ALTER TABLE outbox ADD COLUMN faults INTEGER NOT NULL DEFAULT 0",
        ),
    ),
    Migration(
        3,
        "outbox: the topic whose listeners hear of a delivery",
        (
            "ALTER TABLE outbox ADD COLUMN notify TEXT",
            # Rows waiting from before: calls' copies were found by their key's prefix.
            "UPDATE outbox SET notify = 'appel' WHERE key LIKE 'appel-%' AND status = 'pending'",
        ),
    ),
    Migration(
        4,
        "e-mail: where each message stands with the SMTP server",
        (
            # One row per Message-ID: 'committing' just before the body goes out,
            # 'accepted' once the server said 250 (see bot/transports/email/journal.py).
            """CREATE TABLE email_sends (
                message_id TEXT PRIMARY KEY,
                state TEXT NOT NULL CHECK (state IN ('committing', 'accepted')),
                response TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                updated_at REAL NOT NULL
            )""",
        ),
    ),
)
