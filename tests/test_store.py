"""The SQLite store: pseudonymisation, minimal storage, retention purge, erasure, admin reads."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.store import SCHEMA_VERSION, Store, load_or_create_salt
from matching import Territory
from matching.answer import Ref

USER = 987654321
OTHER = 123456789


class Clock:
    """A settable clock, so retention is tested without waiting a year."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def _territory() -> Territory:
    return Territory(
        level="commune",
        code="22070",
        name="Guingamp",
        departement=Ref(code="22", name="Côtes-d'Armor"),
        region=Ref(code="53", name="Bretagne"),
        programmes=("PVD",),
    )


def _dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def test_user_keys_are_keyed_hashes_and_raw_ids_are_never_written(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = Store.open(db, salt="s" * 40)
    try:
        key = store.user_key(USER)
        assert len(key) == 64
        assert key != str(USER)
        assert key == store.user_key(USER)
        assert key != store.user_key(OTHER)
        store.set_territory(USER, _territory())
        store.log_interaction(
            USER, status="match", top="apec-mentorat", latency_ms=3, question="mentorat pour Camille"
        )
        store.log_feedback(USER, "apec-mentorat", 1, question="mentorat pour Camille")
    finally:
        store.close()
    dump = _dump(db)
    assert str(USER) not in dump
    assert key in dump
    # Answered questions and 👍 keep no text.
    assert "mentorat pour Camille" not in dump
    # Another salt gives other keys: the hash is keyed, not a plain digest of the id.
    other = Store.memory(salt="t" * 40)
    assert other.user_key(USER) != key
    other.close()


def test_question_text_is_kept_only_where_admins_need_it() -> None:
    store = Store.memory()
    store.log_interaction(USER, status="no_match", question="<b>subvention</b> piscine")
    store.log_interaction(USER, status="ambiguous", top="apec-mentorat", question="aide jeunes")
    store.log_interaction(USER, status="match", top="apec-mentorat", question="mentorat")
    store.log_feedback(USER, "apec-mentorat", -1, question="mentorat des cadres")
    store.log_feedback(USER, "apec-mentorat", 1, question="ceci ne doit pas rester")
    stored = [r[0] for r in store.db.execute("SELECT question FROM interactions ORDER BY id").fetchall()]
    assert stored == ["<b>subvention</b> piscine", "aide jeunes", None]
    assert store.unanswered() == [("<b>subvention</b> piscine", 1)]
    assert store.disliked() == [("apec-mentorat", "mentorat des cadres")]
    assert store.feedback_by_entry() == {"apec-mentorat": (1, 1)}
    with pytest.raises(ValueError, match="vote"):
        store.log_feedback(USER, "apec-mentorat", 0)
    store.close()


def test_territory_preference_round_trips_and_survives_reopening(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = Store.open(db)
    assert store.territory(USER) is None
    store.set_territory(USER, _territory())
    store.close()
    store = Store.open(db)  # same generated salt, read back from the salt file
    assert store.territory(USER) == _territory()
    assert store.territory(OTHER) is None
    store.set_territory(USER, None)
    assert store.territory(USER) is None
    store.close()


def test_generated_salt_file_is_private_and_stable(tmp_path: Path) -> None:
    salt_file = tmp_path / "store.db.salt"
    store = Store.open(tmp_path / "store.db")
    key = store.user_key(USER)
    store.close()
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    assert load_or_create_salt(salt_file) == load_or_create_salt(salt_file)
    salt_file.chmod(0o644)
    store = Store.open(tmp_path / "store.db")
    assert store.user_key(USER) == key
    store.close()
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version() == SCHEMA_VERSION
    store.migrate()  # idempotent
    assert set(store.db.table_names()) >= {"preferences", "interactions", "feedback"}
    store.close()


def test_retention_purge_removes_only_old_rows() -> None:
    clock = Clock()
    store = Store.memory(retention_days=365, clock=clock)
    store.log_interaction(USER, status="no_match", question="ancienne question")
    store.log_feedback(USER, "apec-mentorat", -1, question="ancien avis")
    store.set_territory(USER, _territory())
    clock.now += dt.timedelta(days=300)
    store.log_interaction(OTHER, status="match", top="apec-mentorat")
    clock.now += dt.timedelta(days=100)  # first rows are now 400 days old, the last 100
    assert store.purge() == 3
    assert store.rows_about(USER) == 0
    assert store.rows_about(OTHER) == 1
    assert store.purge() == 0
    assert store.purge(days=30) == 1
    store.close()


def test_stats_cover_the_period_only() -> None:
    clock = Clock()
    store = Store.memory(clock=clock)
    store.log_interaction(USER, status="no_match", question="old")
    clock.now += dt.timedelta(days=40)
    for _ in range(2):
        store.log_interaction(USER, status="match", top="apec-mentorat", latency_ms=4)
    store.log_interaction(OTHER, status="no_match", question="Piscine ")
    store.log_interaction(USER, status="no_match", question="piscine")
    store.log_feedback(OTHER, "apec-mentorat", 1)
    stats = store.stats(30)
    assert stats.questions == 4
    assert stats.users == 2
    assert stats.by_status == {"match": 2, "no_match": 2}
    assert stats.top_entries == [("apec-mentorat", 2)]
    assert [n for _, n in stats.unanswered] == [2]
    assert stats.feedback == {"apec-mentorat": (1, 0)}
    assert stats.median_latency_ms == 4
    assert store.unanswered(days=60, limit=1)[0][1] == 2
    store.close()


def test_erase_deletes_every_row_about_the_user_only() -> None:
    store = Store.memory()
    for user in (USER, OTHER):
        store.set_territory(user, _territory())
        store.log_interaction(user, status="no_match", question="q")
        store.log_feedback(user, "apec-mentorat", -1, question="q")
    assert store.erase(USER) == 3
    assert store.rows_about(USER) == 0
    assert store.territory(USER) is None
    assert store.rows_about(OTHER) == 3
    assert store.erase(USER) == 0
    store.close()


def test_a_store_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    Store.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        Store.open(db)
