"""The store itself: privacy by construction, one method per thing the bot remembers.

- Users (and chats) are known only by a pseudonymous key: HMAC-SHA256 of the Telegram id with a
  secret salt (from settings, or generated once into `<db>.salt` with mode 0600). Raw ids and
  names are never written. The database files are private too (0600).
- The question text is kept only where admins need it: unanswered or ambiguous questions, and
  questions given a 👎. A card remembers the question it answered for `CARD_QUESTION_DAYS` only,
  so that a 👎 on it can be reviewed; answered questions are otherwise a status and an entry id.
- Rows older than the retention period, or dated in the future (a wrong clock), are purged;
  `erase` deletes every row about one user (`/oubli`). Deleted text is overwritten
  (`secure_delete`) and the WAL is checkpointed and truncated, so no erased text stays on disk.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from matching import MAX_QUERY_CHARS, Territory

from .files import SaltError, load_or_create_salt, private_file, refuse_non_database
from .reads import AdminReads
from .schema import MIGRATIONS, SCHEMA_VERSION, USER_TABLES
from .transactions import Transactions

__all__ = [
    "CARD_QUESTION_DAYS",
    "KEEP_QUESTION_STATUSES",
    "SaltError",
    "Store",
    "Vote",
    "load_or_create_salt",
    "private_file",
]

log = logging.getLogger(__name__)

KEEP_QUESTION_STATUSES = frozenset({"no_match", "ambiguous"})
CARD_QUESTION_DAYS = 7
# Pseudonymous keys remembered (of user and chat ids), at most; then forgotten all at once.
KEYS_REMEMBERED = 4096
# Rows dated further ahead than this were written under a wrong clock: purged.
FUTURE_SLACK = dt.timedelta(days=1)
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# The text JSON of what is stored (one encoder, not one per call as `json.dumps(..., **options)`).
_SESSION_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_TERRITORY_JSON = json.JSONEncoder(ensure_ascii=False).encode

_PREFERENCE_UPSERT = (
    "INSERT INTO preferences (user_key, territory, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT(user_key) DO UPDATE SET territory = excluded.territory, updated_at = excluded.updated_at"
)
_SESSION_UPSERT = (
    "INSERT INTO sessions (user_key, data, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT(user_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at"
)
_INTERACTION_INSERT = "INSERT INTO interactions (at, user_key, status, top_entry, latency_ms, question) VALUES (?, ?, ?, ?, ?, ?)"
_CARD_UPSERT = (
    "INSERT INTO cards (chat_key, message_id, entry_id, user_key, at, question) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(chat_key, message_id, entry_id) DO UPDATE SET user_key = excluded.user_key, "
    "at = excluded.at, question = excluded.question"
)


class Vote(enum.Enum):
    """What became of a 👍 / 👎."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this user already voted on this card
    NOT_SHOWN = "not_shown"  # the card was never shown to this user: nothing stored


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Store(AdminReads, Transactions):
    """Typed access to the SQLite store; methods take raw Telegram ids and hash them, except the
    session methods, which take the pseudonymous key itself (`user_key`)."""

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
        self._db = db
        self._salt = salt
        # Keys of the ids seen lately (each message stores three to four rows under them):
        # nothing a process holding the salt could not recompute, never written anywhere.
        self._user_keys: dict[int, str] = {}
        self._chat_keys: dict[int, str] = {}
        self.retention_days = retention_days
        self.clock = clock
        self.db.execute("PRAGMA secure_delete = ON")
        self.migrate()

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        salt: str | None = None,
        retention_days: int = 365,
        clock: Callable[[], dt.datetime] = _utcnow,
        busy_timeout: float = 10.0,
    ) -> Store:
        """Opens (creating or migrating) the store at `path`, in WAL mode, files private (0600).

        `busy_timeout` bounds how long one statement waits for another connection's lock. The
        connection may be used from another thread than the one that opened it (one at a time).
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        refuse_non_database(path)
        key = salt.encode() if salt else load_or_create_salt(path.with_name(path.name + ".salt"))
        private_file(path)
        conn = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)
        db = Database(conn)
        db.enable_wal()
        db.execute("PRAGMA synchronous=NORMAL")
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
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        return cls(Database(conn), key, retention_days=retention_days, clock=clock)

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
            with self.db.atomic():
                for statement in MIGRATIONS[target]:
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target + 1}")

    # -- identity ---------------------------------------------------------------------------

    def user_key(self, user_id: int) -> str:
        """Pseudonymous key of a Telegram user: HMAC-SHA256(salt, id), hex."""
        key = self._user_keys.get(user_id)
        return key if key is not None else self._key(self._user_keys, user_id, str(int(user_id)))

    def chat_key(self, chat_id: int) -> str:
        """Pseudonymous key of a chat (not equal to the user key of the same id)."""
        key = self._chat_keys.get(chat_id)
        return key if key is not None else self._key(self._chat_keys, chat_id, f"chat:{int(chat_id)}")

    def _key(self, known: dict[int, str], ident: int, message: str) -> str:
        """The keyed hash of `message`, remembered under `ident` (at most KEYS_REMEMBERED)."""
        if len(known) >= KEYS_REMEMBERED:
            known.clear()
        key = known[ident] = hmac.new(self._salt, message.encode(), hashlib.sha256).hexdigest()
        return key

    def clock_text(self) -> str:
        """Now, as the store dates rows (UTC, to the second)."""
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
        value = _TERRITORY_JSON(territory.model_dump(mode="json")) if territory else None
        key = self.user_key(user_id)
        self._put(_PREFERENCE_UPSERT, key, (key, value, self._now()))

    # -- sessions (conversation state) ------------------------------------------------------

    def load_session(self, key: str) -> dict[str, Any] | None:
        """The conversation state saved for the pseudonymous `key`, or None (none, or unreadable)."""
        row = self.db.execute("SELECT data FROM sessions WHERE user_key = ?", [key]).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            data = None
        if not isinstance(data, dict):
            log.warning("Ignoring an unreadable stored session.")
            return None
        return data

    def save_session(self, key: str, data: Mapping[str, Any]) -> None:
        """Saves the conversation state (JSON-serialisable) for the pseudonymous `key`."""
        self._put(_SESSION_UPSERT, key, (key, _SESSION_JSON(dict(data)), self._now()))

    def delete_session(self, key: str) -> None:
        with self._tx():
            self.db.execute("DELETE FROM sessions WHERE user_key = ?", [key])

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
        row = (self._now(), self.user_key(user_id), status, top, latency_ms, kept)
        self._put(_INTERACTION_INSERT, None, row)

    def log_feedback(self, user_id: int, entry_id: str, vote: int, question: str | None = None) -> None:
        """A 👍 (1) or 👎 (-1) not tied to a shown card (terminal chat); question kept with a 👎."""
        if vote not in (1, -1):
            raise ValueError("vote must be 1 or -1")
        kept = question[:MAX_QUERY_CHARS] if question and vote < 0 else None
        with self._tx():
            self.db.execute(
                "INSERT INTO feedback (at, user_key, entry_id, vote, question) VALUES (?, ?, ?, ?, ?)",
                [self._now(), self.user_key(user_id), entry_id, vote, kept],
            )

    # -- cards and votes --------------------------------------------------------------------

    def card_shown(
        self, user_id: int, chat_id: int, message_id: int, entry_id: str, question: str | None = None
    ) -> None:
        """Remembers that message `message_id` of the chat showed `entry_id`'s card to the user,
        in answer to `question` (kept `CARD_QUESTION_DAYS` days, for a 👎)."""
        kept = question[:MAX_QUERY_CHARS] if question else None
        chat, message = self.chat_key(chat_id), int(message_id)
        row = (chat, message, entry_id, self.user_key(user_id), self._now(), kept)
        self._put(_CARD_UPSERT, (chat, message, entry_id), row)

    def record_vote(self, user_id: int, chat_id: int, message_id: int, entry_id: str, vote: int) -> Vote:
        """A 👍 (1) or 👎 (-1) on a card: stored once per user and card, and only when that card
        was shown to that user; a 👎 keeps the question the card answered."""
        if vote not in (1, -1):
            raise ValueError("vote must be 1 or -1")
        user, chat = self.user_key(user_id), self.chat_key(chat_id)
        with self._tx():
            row = self.db.execute(
                "SELECT question FROM cards WHERE chat_key = ? AND message_id = ? AND entry_id = ? AND user_key = ?",
                [chat, int(message_id), entry_id, user],
            ).fetchone()
            if row is None:
                return Vote.NOT_SHOWN
            question = row[0] if vote < 0 else None
            inserted = self.db.execute(
                "INSERT OR IGNORE INTO feedback (at, user_key, entry_id, vote, question, card) VALUES (?, ?, ?, ?, ?, ?)",
                [self._now(), user, entry_id, vote, question, f"{chat}:{int(message_id)}:{entry_id}"],
            ).rowcount
            if not inserted:
                return Vote.DUPLICATE
            self.db.execute(
                "UPDATE cards SET question = NULL WHERE chat_key = ? AND message_id = ? AND entry_id = ?",
                [chat, int(message_id), entry_id],
            )
        return Vote.RECORDED

    # -- privacy ----------------------------------------------------------------------------

    def purge(self, days: int | None = None) -> int:
        """Deletes rows older than the retention period or dated in the future, and forgets the
        questions of cards older than `CARD_QUESTION_DAYS`; returns the number of rows deleted."""
        now = self.clock().astimezone(dt.UTC)
        cutoff = self._since(days if days is not None else self.retention_days)
        ahead = (now + FUTURE_SLACK).strftime(_TIME_FORMAT)
        removed = 0
        with self._tx():
            for table, column in USER_TABLES:
                removed += self.db.execute(
                    f"DELETE FROM {table} WHERE {column} < ? OR {column} > ?", [cutoff, ahead]
                ).rowcount
            self.db.execute(
                "UPDATE cards SET question = NULL WHERE question IS NOT NULL AND at < ?",
                [self._since(CARD_QUESTION_DAYS)],
            )
        self.checkpoint()
        return removed

    def erase(self, user_id: int) -> int:
        """Deletes every row about the user (`/oubli`), then checkpoints; returns the row count."""
        key = self.user_key(user_id)
        removed = 0
        with self._tx():
            for table, _ in USER_TABLES:
                removed += self.db.execute(f"DELETE FROM {table} WHERE user_key = ?", [key]).rowcount
        self.checkpoint()
        return removed

    def checkpoint(self) -> bool:
        """Copies the WAL into the database and truncates it (deleted text leaves the -wal file);
        False when another connection kept it from completing."""
        row = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        busy = bool(row and row[0])
        if busy:
            log.warning("WAL checkpoint incomplete (another connection is reading); retried later.")
        return not busy

    def rows_about(self, user_id: int) -> int:
        """How many rows mention the user (for tests and `/oubli`'s confirmation)."""
        key = self.user_key(user_id)
        return sum(
            int(self.db.execute(f"SELECT count(*) FROM {t} WHERE user_key = ?", [key]).fetchone()[0])
            for t, _ in USER_TABLES
        )

    def integrity(self) -> str:
        """SQLite's `integrity_check` verdict ("ok" when the file is sound)."""
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])
