"""The SQLite store: pseudonymisation, minimal storage, retention purge, erasure, admin reads."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from fakebot import Clock

from bot.store import SCHEMA_VERSION, Store, Vote, load_or_create_salt
from bot.store.core import CARD_QUESTION_DAYS
from matching import Territory
from matching.answer import Ref

USER = 987654321
OTHER = 123456789


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


def test_a_remembered_key_is_the_keyed_hash_of_its_id_however_many_ids_came_since() -> None:
    """Keys of ids seen lately are remembered (three or four rows per message use them), never
    at the cost of a different key: HMAC-SHA256 of the id, and of "chat:<id>" for a chat."""
    import hashlib
    import hmac

    from bot.store.core import KEYS_REMEMBERED

    store = Store.memory(salt="s" * 40)
    try:
        expected = hmac.new(b"s" * 40, str(USER).encode(), hashlib.sha256).hexdigest()
        chat = hmac.new(b"s" * 40, f"chat:{USER}".encode(), hashlib.sha256).hexdigest()
        assert store.user_key(USER) == expected
        assert store.chat_key(USER) == chat
        for other in range(KEYS_REMEMBERED + 10):
            store.user_key(other)
        assert store.user_key(USER) == expected
        assert store.chat_key(USER) == chat
    finally:
        store.close()


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


# -- sessions -------------------------------------------------------------------------------------


def test_sessions_round_trip_by_pseudonymous_key_and_survive_reopening(tmp_path: Path) -> None:
    """A conversation state is saved as JSON under the pseudonymous key, never the raw id."""
    db = tmp_path / "store.db"
    store = Store.open(db)
    key = store.user_key(USER)
    assert store.load_session(key) is None
    store.save_session(key, {"awaiting_place": True, "last_query": "piscine à Brest", "n": [1, 2]})
    store.close()
    store = Store.open(db)
    assert store.load_session(key) == {"awaiting_place": True, "last_query": "piscine à Brest", "n": [1, 2]}
    assert store.load_session(store.user_key(OTHER)) is None
    store.delete_session(key)
    assert store.load_session(key) is None
    store.close()
    assert str(USER) not in _dump(db)


def test_an_unreadable_session_is_ignored() -> None:
    """A corrupt stored session reads as no session (the conversation starts afresh)."""
    store = Store.memory()
    key = store.user_key(USER)
    store.db.execute("INSERT INTO sessions VALUES (?, ?, ?)", [key, "{not json", "2026-01-01 00:00:00"])
    assert store.load_session(key) is None
    store.close()


def test_erase_and_retention_cover_sessions_and_cards() -> None:
    """`/oubli` and the retention purge delete sessions and shown cards like every other row."""
    clock = Clock()
    store = Store.memory(retention_days=30, clock=clock)
    store.save_session(store.user_key(USER), {"last_query": "q"})
    store.card_shown(USER, USER, 10, "apec-mentorat", "q")
    store.save_session(store.user_key(OTHER), {"last_query": "q"})
    assert store.rows_about(USER) == 2
    assert store.erase(USER) == 2
    assert store.load_session(store.user_key(USER)) is None
    clock.now += dt.timedelta(days=31)
    assert store.purge() == 1
    assert store.load_session(store.user_key(OTHER)) is None
    store.close()


def test_rows_dated_in_the_future_are_purged() -> None:
    """Rows written under a clock set years ahead would outlive the retention period: purged."""
    clock = Clock()
    store = Store.memory(clock=clock)
    clock.now += dt.timedelta(days=3650)
    store.log_interaction(USER, status="no_match", question="écrite dans le futur")
    clock.now -= dt.timedelta(days=3650)
    store.log_interaction(OTHER, status="no_match", question="aujourd'hui")
    assert store.purge() == 1
    assert store.rows_about(USER) == 0
    assert store.rows_about(OTHER) == 1
    store.close()


# -- votes ----------------------------------------------------------------------------------------


def test_one_vote_per_user_and_card() -> None:
    """A second vote (a replay, or the other thumb) on the same card stores nothing."""
    store = Store.memory()
    store.card_shown(USER, USER, 10, "apec-mentorat", "mentorat des cadres")
    assert store.record_vote(USER, USER, 10, "apec-mentorat", -1) is Vote.RECORDED
    assert store.record_vote(USER, USER, 10, "apec-mentorat", -1) is Vote.DUPLICATE
    assert store.record_vote(USER, USER, 10, "apec-mentorat", 1) is Vote.DUPLICATE
    assert store.feedback_by_entry() == {"apec-mentorat": (0, 1)}
    assert store.disliked() == [("apec-mentorat", "mentorat des cadres")]
    store.close()


def test_a_vote_on_a_card_never_shown_to_the_voter_stores_nothing() -> None:
    """Votes on entries never shown, on another message, or on someone else's card are ignored."""
    store = Store.memory()
    store.card_shown(USER, -100, 10, "apec-mentorat", "question privée de l'auteur")
    assert store.record_vote(USER, -100, 10, "anct-pvd", 1) is Vote.NOT_SHOWN
    assert store.record_vote(USER, -100, 11, "apec-mentorat", 1) is Vote.NOT_SHOWN
    assert store.record_vote(OTHER, -100, 10, "apec-mentorat", -1) is Vote.NOT_SHOWN
    assert store.feedback_by_entry() == {}
    assert store.rows_about(OTHER) == 0
    store.close()


def test_a_thumbs_up_keeps_no_question_and_card_questions_expire() -> None:
    """A card forgets its question once voted 👍, or after CARD_QUESTION_DAYS."""
    clock = Clock()
    store = Store.memory(clock=clock)
    store.card_shown(USER, USER, 1, "apec-mentorat", "première question")
    store.card_shown(USER, USER, 2, "apec-mentorat", "seconde question")
    assert store.record_vote(USER, USER, 1, "apec-mentorat", 1) is Vote.RECORDED
    clock.now += dt.timedelta(days=CARD_QUESTION_DAYS + 1)
    store.purge()
    assert store.db.execute("SELECT question FROM cards").fetchall() == [(None,), (None,)]
    assert store.db.execute("SELECT question FROM feedback").fetchall() == [(None,)]
    store.close()


# -- files ----------------------------------------------------------------------------------------


def test_database_files_are_private(tmp_path: Path) -> None:
    """The DB and its WAL are created 0600 like the salt; a 0644 file is restricted on opening."""
    db = tmp_path / "store.db"
    store = Store.open(db)
    store.log_interaction(USER, status="no_match", question="q")
    for path in (db, tmp_path / "store.db-wal"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    store.close()
    db.chmod(0o644)
    Store.open(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    """A store path set to the wrong file (`AIGUILLEUR_DB=/etc/passwd`) changes nothing in it,
    not even its permissions; a FIFO is refused without blocking, a folder is an OSError."""
    other = tmp_path / "passwd"
    other.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    other.chmod(0o644)
    with pytest.raises(sqlite3.DatabaseError):
        Store.open(other)
    assert other.read_text(encoding="utf-8") == "root:x:0:0:root:/root:/bin/bash\n"
    assert stat.S_IMODE(other.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["passwd"], "no salt, WAL or journal created"
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    with pytest.raises(sqlite3.DatabaseError):
        Store.open(fifo)
    with pytest.raises(IsADirectoryError):
        Store.open(tmp_path)
    empty = tmp_path / "empty.db"
    empty.touch()
    Store.open(empty).close()  # an empty file is a new base, as for SQLite


def test_erased_text_leaves_no_trace_in_the_database_or_wal_files(tmp_path: Path) -> None:
    """After `/oubli`, the erased question is in none of the *.db* files (secure_delete + checkpoint)."""
    db = tmp_path / "store.db"
    store = Store.open(db)
    secret = "subvention piscine municipale de Plouzané-Témoin"
    for _ in range(3):
        store.log_interaction(USER, status="no_match", question=secret)
    store.card_shown(USER, USER, 5, "apec-mentorat", secret)
    store.save_session(store.user_key(USER), {"last_query": secret})
    store.log_interaction(OTHER, status="no_match", question="autre question")
    store.erase(USER)
    files = sorted(tmp_path.glob("store.db*"))
    assert any(f.name == "store.db-wal" for f in files)
    for path in files:
        assert secret.encode() not in path.read_bytes(), path.name
    store.close()


def test_integrity_is_reported() -> None:
    store = Store.memory()
    assert store.integrity() == "ok"
    store.close()


def test_a_short_salt_is_refused_by_the_settings_without_showing_it() -> None:
    """AIGUILLEUR_SALT under 32 characters would make user keys guessable: a settings error."""
    from pydantic import SecretStr, ValidationError

    from bot.settings import MIN_SALT_CHARS, Settings

    with pytest.raises(ValidationError, match="au moins 32") as info:
        Settings(_env_file=None, salt=SecretStr("court-et-secret"))  # type: ignore[call-arg]
    assert "court-et-secret" not in str(info.value)
    assert Settings(_env_file=None, salt=SecretStr("x" * MIN_SALT_CHARS)).salt is not None  # type: ignore[call-arg]
