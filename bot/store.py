"""The bot's SQLite store: preferences, interactions and feedback, with privacy built in.

- Users are known only by a pseudonymous key: HMAC-SHA256 of the Telegram user id with a
  secret salt (from settings, or generated once into `<db>.salt` with mode 0600). The raw id
  and the username are never written.
- The question text is kept only where admins need it: unanswered or ambiguous questions, and
  questions given a 👎. Answered questions are logged as a status and an entry id only.
- Interactions, feedback and stale preferences older than the retention period are purged
  (at start-up and daily); `erase` deletes every row about one user (`/oubli`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from matching import MAX_QUERY_CHARS, Territory

__all__ = ["SCHEMA_VERSION", "Stats", "Store", "load_or_create_salt"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
KEEP_QUESTION_STATUSES = frozenset({"no_match", "ambiguous"})
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# Each migration brings the schema from version i to i + 1; never edit a released one.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
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
)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def load_or_create_salt(path: Path) -> bytes:
    """The salt stored in `path`, created once (mode 0600, never overwritten) when missing."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("Salt file had permissions %o; restricting them to 0600.", mode)
            path.chmod(0o600)
        salt = path.read_text(encoding="ascii").strip()
        if len(salt) < 32:
            raise ValueError(f"{path}: salt file is empty or too short") from None
        return salt.encode()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        value = secrets.token_hex(32)
        handle.write(value + "\n")
    return value.encode()


@dataclass(frozen=True)
class Stats:
    """What `/stats` shows: activity over the last `days` days."""

    days: int
    questions: int
    users: int
    by_status: dict[str, int] = field(default_factory=dict)
    top_entries: list[tuple[str, int]] = field(default_factory=list)
    unanswered: list[tuple[str, int]] = field(default_factory=list)
    feedback: dict[str, tuple[int, int]] = field(default_factory=dict)
    median_latency_ms: int | None = None


class Store:
    """Typed access to the SQLite store; every method takes the raw Telegram id and hashes it."""

    def __init__(
        self,
        db: Database,
        salt: bytes,
        *,
        retention_days: int = 365,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        if not salt:
            raise ValueError("an empty salt would make user keys guessable")
        self.db = db
        self._salt = salt
        self.retention_days = retention_days
        self.clock = clock
        self.migrate()

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        salt: str | None = None,
        retention_days: int = 365,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> Store:
        """Opens (creating or migrating) the store at `path`, in WAL mode."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=10)
        db = Database(conn)
        db.enable_wal()
        db.execute("PRAGMA synchronous=NORMAL")
        key = salt.encode() if salt else load_or_create_salt(path.with_name(path.name + ".salt"))
        return cls(db, key, retention_days=retention_days, clock=clock)

    @classmethod
    def memory(
        cls,
        *,
        salt: str | None = None,
        retention_days: int = 365,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> Store:
        """An in-memory store (tests, benchmarks); a random salt unless one is given."""
        key = (salt or secrets.token_hex(32)).encode()
        return cls(Database(memory=True), key, retention_days=retention_days, clock=clock)

    def close(self) -> None:
        self.db.close()

    # -- schema -----------------------------------------------------------------------------

    def schema_version(self) -> int:
        row = self.db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def migrate(self) -> None:
        """Creates the tables or brings an older file up to SCHEMA_VERSION."""
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"store schema version {version} is newer than this program ({SCHEMA_VERSION})"
            )
        for target in range(version, SCHEMA_VERSION):
            with self.db.conn:
                for statement in _MIGRATIONS[target]:
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target + 1}")

    # -- identity ---------------------------------------------------------------------------

    def user_key(self, user_id: int) -> str:
        """Pseudonymous key of a Telegram user: HMAC-SHA256(salt, id), hex."""
        return hmac.new(self._salt, str(int(user_id)).encode(), hashlib.sha256).hexdigest()

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).strftime(_TIME_FORMAT)

    def _since(self, days: int) -> str:
        return (self.clock().astimezone(dt.UTC) - dt.timedelta(days=days)).strftime(_TIME_FORMAT)

    # -- preferences ------------------------------------------------------------------------

    def territory(self, user_id: int) -> Territory | None:
        """The commune the user chose, if any (and if it still parses)."""
        row = self.db.execute(
            "SELECT territory FROM preferences WHERE user_key = ?", [self.user_key(user_id)]
        ).fetchone()
        if row is None or not row[0]:
            return None
        try:
            return Territory.model_validate_json(row[0])
        except ValueError:
            log.warning("Ignoring an unreadable stored territory.")
            return None

    def set_territory(self, user_id: int, territory: Territory | None) -> None:
        value = json.dumps(territory.model_dump(mode="json"), ensure_ascii=False) if territory else None
        with self.db.conn:
            self.db.execute(
                "INSERT INTO preferences (user_key, territory, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET territory = excluded.territory, updated_at = excluded.updated_at",
                [self.user_key(user_id), value, self._now()],
            )

    # -- logging ----------------------------------------------------------------------------

    def log_interaction(
        self,
        user_id: int,
        *,
        status: str,
        top: str | None = None,
        latency_ms: int | None = None,
        question: str | None = None,
    ) -> None:
        """One answered message; the question text is kept only when unanswered or ambiguous."""
        kept = question[:MAX_QUERY_CHARS] if question and status in KEEP_QUESTION_STATUSES else None
        with self.db.conn:
            self.db.execute(
                "INSERT INTO interactions (at, user_key, status, top_entry, latency_ms, question) VALUES (?, ?, ?, ?, ?, ?)",
                [self._now(), self.user_key(user_id), status, top, latency_ms, kept],
            )

    def log_feedback(self, user_id: int, entry_id: str, vote: int, question: str | None = None) -> None:
        """A 👍 (1) or 👎 (-1); the question text is kept only with a 👎."""
        if vote not in (1, -1):
            raise ValueError("vote must be 1 or -1")
        kept = question[:MAX_QUERY_CHARS] if question and vote < 0 else None
        with self.db.conn:
            self.db.execute(
                "INSERT INTO feedback (at, user_key, entry_id, vote, question) VALUES (?, ?, ?, ?, ?)",
                [self._now(), self.user_key(user_id), entry_id, vote, kept],
            )

    # -- privacy ----------------------------------------------------------------------------

    def purge(self, days: int | None = None) -> int:
        """Deletes interactions, feedback and preferences older than the retention period."""
        cutoff = self._since(days if days is not None else self.retention_days)
        removed = 0
        with self.db.conn:
            for table, column in (("interactions", "at"), ("feedback", "at"), ("preferences", "updated_at")):
                removed += self.db.execute(f"DELETE FROM {table} WHERE {column} < ?", [cutoff]).rowcount
        return removed

    def erase(self, user_id: int) -> int:
        """Deletes every row about the user (`/oubli`); returns how many were deleted."""
        key = self.user_key(user_id)
        removed = 0
        with self.db.conn:
            for table in ("preferences", "interactions", "feedback"):
                removed += self.db.execute(f"DELETE FROM {table} WHERE user_key = ?", [key]).rowcount
        return removed

    def rows_about(self, user_id: int) -> int:
        """How many rows mention the user (for tests and `/oubli`'s confirmation)."""
        key = self.user_key(user_id)
        return sum(
            int(self.db.execute(f"SELECT count(*) FROM {t} WHERE user_key = ?", [key]).fetchone()[0])
            for t in ("preferences", "interactions", "feedback")
        )

    # -- reading (admins) -------------------------------------------------------------------

    def unanswered(self, days: int = 30, limit: int = 20) -> list[tuple[str, int]]:
        """Unanswered questions of the period, most frequent first, as (text, count)."""
        rows = self.db.execute(
            "SELECT min(question), count(*) AS n FROM interactions "
            "WHERE status = 'no_match' AND question IS NOT NULL AND at >= ? "
            "GROUP BY lower(trim(question)) ORDER BY n DESC, max(at) DESC LIMIT ?",
            [self._since(days), limit],
        ).fetchall()
        return [(str(q), int(n)) for q, n in rows]

    def ambiguous(self, days: int = 30, limit: int = 20) -> list[tuple[str, int]]:
        """Ambiguous questions of the period, most frequent first, as (text, count)."""
        rows = self.db.execute(
            "SELECT min(question), count(*) AS n FROM interactions "
            "WHERE status = 'ambiguous' AND question IS NOT NULL AND at >= ? "
            "GROUP BY lower(trim(question)) ORDER BY n DESC LIMIT ?",
            [self._since(days), limit],
        ).fetchall()
        return [(str(q), int(n)) for q, n in rows]

    def feedback_by_entry(self, days: int = 30) -> dict[str, tuple[int, int]]:
        """Per entry id: (number of 👍, number of 👎) over the period."""
        rows = self.db.execute(
            "SELECT entry_id, sum(vote > 0), sum(vote < 0) FROM feedback WHERE at >= ? "
            "GROUP BY entry_id ORDER BY entry_id",
            [self._since(days)],
        ).fetchall()
        return {str(e): (int(up), int(down)) for e, up, down in rows}

    def disliked(self, days: int = 30, limit: int = 20) -> list[tuple[str, str]]:
        """Questions given a 👎, as (entry id, question), newest first."""
        rows = self.db.execute(
            "SELECT entry_id, question FROM feedback WHERE vote < 0 AND question IS NOT NULL AND at >= ? "
            "ORDER BY at DESC LIMIT ?",
            [self._since(days), limit],
        ).fetchall()
        return [(str(e), str(q)) for e, q in rows]

    def stats(self, days: int = 30) -> Stats:
        """Activity over the last `days` days, for `/stats` and reports."""
        since = self._since(days)
        questions, users = self.db.execute(
            "SELECT count(*), count(DISTINCT user_key) FROM interactions WHERE at >= ?", [since]
        ).fetchone()
        by_status = {
            str(s): int(n)
            for s, n in self.db.execute(
                "SELECT status, count(*) FROM interactions WHERE at >= ? GROUP BY status ORDER BY count(*) DESC",
                [since],
            ).fetchall()
        }
        top_entries = [
            (str(e), int(n))
            for e, n in self.db.execute(
                "SELECT top_entry, count(*) AS n FROM interactions WHERE at >= ? AND status = 'match' "
                "AND top_entry IS NOT NULL GROUP BY top_entry ORDER BY n DESC, top_entry LIMIT 10",
                [since],
            ).fetchall()
        ]
        latencies = [
            int(r[0])
            for r in self.db.execute(
                "SELECT latency_ms FROM interactions WHERE at >= ? AND latency_ms IS NOT NULL ORDER BY latency_ms",
                [since],
            ).fetchall()
        ]
        return Stats(
            days=days,
            questions=int(questions),
            users=int(users),
            by_status=by_status,
            top_entries=top_entries,
            unanswered=self.unanswered(days),
            feedback=self.feedback_by_entry(days),
            median_latency_ms=latencies[len(latencies) // 2] if latencies else None,
        )
