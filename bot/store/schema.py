"""The store's schema as numbered migrations (`PRAGMA user_version`); never edit a released one."""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "USER_TABLES"]

# Each migration brings the schema from version i to i + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS preferences (
            user_key TEXT PRIMARY KEY,
            territory TEXT,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS interactions (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_key TEXT NOT NULL,
            status TEXT NOT NULL,
            top_entry TEXT,
            latency_ms INTEGER,
            question TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS interactions_at ON interactions(at)",
        "CREATE INDEX IF NOT EXISTS interactions_user ON interactions(user_key)",
        """CREATE TABLE IF NOT EXISTS feedback (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_key TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
            question TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS feedback_at ON feedback(at)",
        "CREATE INDEX IF NOT EXISTS feedback_user ON feedback(user_key)",
    ),
    (
        # Per-user conversation state (JSON), keyed by the pseudonymous key.
        """CREATE TABLE IF NOT EXISTS sessions (
            user_key TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated_at)",
        # Answer cards shown to a user: a vote counts only on one of these, once.
        """CREATE TABLE IF NOT EXISTS cards (
            chat_key TEXT NOT NULL,
            message_id INTEGER NOT NULL,
            entry_id TEXT NOT NULL,
            user_key TEXT NOT NULL,
            at TEXT NOT NULL,
            question TEXT,
            PRIMARY KEY (chat_key, message_id, entry_id)
        )""",
        "CREATE INDEX IF NOT EXISTS cards_user ON cards(user_key)",
        "CREATE INDEX IF NOT EXISTS cards_at ON cards(at)",
        "ALTER TABLE feedback ADD COLUMN card TEXT",
        "CREATE UNIQUE INDEX IF NOT EXISTS feedback_one_per_card ON feedback(user_key, card) WHERE card IS NOT NULL",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# Tables with a `user_key` column, and the column dating their rows (retention).
USER_TABLES: tuple[tuple[str, str], ...] = (
    ("preferences", "updated_at"),
    ("interactions", "at"),
    ("feedback", "at"),
    ("sessions", "updated_at"),
    ("cards", "at"),
)
