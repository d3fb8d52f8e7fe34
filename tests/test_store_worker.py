"""The store worker groups the writes of a message: one commit, in order, nothing lost."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.store import Store
from bot.telegram.storage import StoreWorker

USER = 4242


def _held(worker: StoreWorker) -> threading.Event:
    """Keeps the worker thread busy until the returned event is set (writes queue up meanwhile)."""
    started, release = threading.Event(), threading.Event()

    def hold(_: Store) -> None:
        started.set()
        release.wait(10)

    hold_seconds, worker.hold_seconds = worker.hold_seconds, 0  # this one goes to the thread at once
    worker.write("hold", hold)
    worker.hold_seconds = hold_seconds
    assert started.wait(10)
    return release


def _interactions(store: Store) -> int:
    return int(store.db.execute("SELECT count(*) FROM interactions").fetchone()[0])


def test_the_writes_of_a_message_are_committed_once(tmp_path: Path) -> None:
    """Session, interaction and card of one answer: one transaction, all three saved."""
    store = Store.open(tmp_path / "s.db")
    statements: list[str] = []
    worker = StoreWorker(store)
    release = _held(worker)
    store.db.conn.set_trace_callback(statements.append)
    key = store.user_key(USER)
    worker.write("session", lambda s: s.save_session(key, {"territory": None}))
    worker.write("interaction", lambda s: s.log_interaction(USER, status="match", top="x"))
    worker.write("card", lambda s: s.card_shown(USER, 1, 7, "x", "recruter"))
    release.set()
    assert asyncio.run(worker.drain(10))
    worker.close()
    ours = statements[statements.index("BEGIN") :]  # the held write's own COMMIT comes before
    assert ours.count("COMMIT") == 1
    assert sum(sql.startswith("INSERT") for sql in ours) == 3
    store = Store.open(tmp_path / "s.db")
    assert store.load_session(key) == {"territory": None}
    assert _interactions(store) == 1
    assert store.db.execute("SELECT count(*) FROM cards").fetchone()[0] == 1
    store.close()


def test_a_read_sees_the_writes_queued_before_it_and_none_after(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    worker = StoreWorker(store)

    async def scenario() -> int:
        release = _held(worker)
        worker.write("interaction", lambda s: s.log_interaction(USER, status="match"))
        read = asyncio.ensure_future(worker.call("count", _interactions, -1, within=10))
        await asyncio.sleep(0)  # the read is queued before the next write
        worker.write("interaction", lambda s: s.log_interaction(USER, status="no_match"))
        release.set()
        seen = await read
        assert await worker.drain(10)
        return seen

    assert asyncio.run(scenario()) == 1
    assert _interactions(store) == 2
    worker.close()


def test_a_write_that_fails_for_good_loses_only_itself(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken write among a message's writes is dropped (and logged by kind); the others stay."""
    store = Store.open(tmp_path / "s.db")
    worker = StoreWorker(store)

    def broken(s: Store) -> None:
        raise sqlite3.IntegrityError("a constraint of a future schema")

    release = _held(worker)
    worker.write("interaction", lambda s: s.log_interaction(USER, status="match"))
    worker.write("vote", broken)
    worker.write("interaction", lambda s: s.log_interaction(USER, status="match"))
    with caplog.at_level(logging.WARNING):
        release.set()
        assert asyncio.run(worker.drain(10))
    assert _interactions(store) == 2
    assert "a write (vote) could not be saved" in caplog.text
    worker.close()


def test_a_group_refused_by_a_locked_store_is_saved_whole_later(tmp_path: Path) -> None:
    """Locked while a message's writes ran: none is half-saved, all are saved once it is free."""
    path = tmp_path / "s.db"
    store = Store.open(path)
    worker = StoreWorker(store)
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    release = _held(worker)
    worker.write("session", lambda s: s.save_session(s.user_key(USER), {"a": 1}))
    worker.write("interaction", lambda s: s.log_interaction(USER, status="match"))
    release.set()
    assert asyncio.run(worker.drain(10))
    assert worker.deferred == 1
    other.rollback()
    other.close()
    worker.retry_after = 0
    assert asyncio.run(worker.drain(10))
    assert worker.deferred == 0
    assert _interactions(store) == 1
    assert store.load_session(store.user_key(USER)) == {"a": 1}
    worker.close()


def _commits(store: Store) -> list[str]:
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    return statements


def test_messages_answered_within_the_hold_share_one_commit(tmp_path: Path) -> None:
    """Under load, the writes of many answers go to SQLite together: one transaction, none lost."""
    store, worker = _holding(tmp_path, 60)  # nothing leaves before the drain below
    assert asyncio.run(worker.drain(10))  # the worker's own set-up is written before we count
    statements = _commits(store)

    async def scenario() -> None:
        for message in range(20):
            key = store.user_key(USER + message)
            worker.write("session", lambda s, key=key: s.save_session(key, {"territory": None}))
            worker.write("interaction", lambda s: s.log_interaction(USER, status="match", top="x"))
            await asyncio.sleep(0)  # other updates are handled meanwhile
        assert not any(sql.startswith("INSERT") for sql in statements)  # held, not written yet
        assert await worker.drain(10)

    asyncio.run(scenario())
    worker.close()
    assert statements.count("COMMIT") == 1
    assert _interactions(Store.open(tmp_path / "s.db")) == 20


def _holding(tmp_path: Path, seconds: float) -> tuple[Store, StoreWorker]:
    """A store and its worker, holding groups of writes `seconds` on the event loop."""
    store = Store.open(tmp_path / "s.db")
    worker = StoreWorker(store)
    worker.hold_seconds = seconds
    return store, worker


def test_a_read_does_not_wait_for_the_hold_and_sees_the_held_writes(tmp_path: Path) -> None:
    _, worker = _holding(tmp_path, 60)

    async def scenario() -> int:
        worker.write("interaction", lambda s: s.log_interaction(USER, status="match"))
        worker.write("interaction", lambda s: s.log_interaction(USER, status="no_match"))
        return await worker.call("count", _interactions, -1, within=10)

    assert asyncio.run(scenario()) == 2
    worker.close()


def test_held_writes_are_saved_when_the_hold_ends_or_the_bot_stops(tmp_path: Path) -> None:
    store, worker = _holding(tmp_path, 0.01)

    async def by_timer() -> int:
        worker.write("interaction", lambda s: s.log_interaction(USER, status="match"))
        for _ in range(500):  # the hold ends on its own (≤ 5 s on a loaded machine)
            await asyncio.sleep(0.01)
            if worker.pending == 0:
                break
        return worker.pending

    assert asyncio.run(by_timer()) == 0
    assert _interactions(store) == 1
    worker.hold_seconds = 60

    async def held() -> None:
        worker.write("interaction", lambda s: s.log_interaction(USER, status="match"))

    asyncio.run(held())  # the loop ends with the write still held
    worker.close()  # the bot stops: what was held is written first
    assert _interactions(Store.open(tmp_path / "s.db")) == 2


def _sessions(store: Store) -> list[tuple[str, str]]:
    return [tuple(r) for r in store.db.execute("SELECT user_key, data FROM sessions").fetchall()]


def test_two_saves_of_one_conversation_in_a_group_leave_the_last(tmp_path: Path) -> None:
    """Messages of one user answered together: the stored conversation is the latest one."""
    store, worker = _holding(tmp_path, 60)
    key, other = store.user_key(USER), store.user_key(USER + 1)

    async def scenario() -> None:
        worker.write("session", lambda s: s.save_session(key, {"étape": 1}))
        worker.write("session", lambda s: s.save_session(other, {"étape": 1}))
        worker.write("session", lambda s: s.save_session(key, {"étape": 2}))
        assert await worker.drain(10)

    asyncio.run(scenario())
    worker.close()
    store = Store.open(tmp_path / "s.db")
    assert sorted(_sessions(store)) == sorted([(key, '{"étape":2}'), (other, '{"étape":1}')])
    store.close()


def test_an_erasure_between_writes_leaves_nothing_written_before_it(tmp_path: Path) -> None:
    """/oubli while the user's earlier writes are still held: none of them comes back after it;
    what the user does afterwards is stored anew."""
    store, worker = _holding(tmp_path, 60)
    key = store.user_key(USER)

    async def scenario() -> int | None:
        worker.write("session", lambda s: s.save_session(key, {"avant": True}))
        worker.write("interaction", lambda s: s.log_interaction(USER, status="no_match", question="q"))
        worker.write("card", lambda s: s.card_shown(USER, USER, 7, "x", "recruter"))
        erased = await worker.call("erasure", lambda s: s.erase(USER), None, within=10)
        worker.write("session", lambda s: s.save_session(key, {"après": True}))
        assert await worker.drain(10)
        return erased

    assert asyncio.run(scenario()) == 3
    worker.close()
    store = Store.open(tmp_path / "s.db")
    assert _sessions(store) == [(key, '{"après":true}')]
    assert store.rows_about(USER) == 1
    store.close()


def test_inside_a_group_a_deletion_or_a_read_comes_after_the_writes_before_it() -> None:
    """Within one transaction, the writes waiting for the group's statements are written before
    any other statement: a deleted conversation stays deleted, a read sees what was written."""
    store = Store.memory()
    key = store.user_key(USER)
    with store.batch():
        store.save_session(key, {"a": 1})
        assert store.load_session(key) == {"a": 1}
        store.delete_session(key)
        store.log_interaction(USER, status="match")
        assert _interactions(store) == 1
    assert store.load_session(key) is None
    with store.batch():
        store.save_session(key, {"a": 1})
        store.delete_session(key)
        store.save_session(key, {"b": 2})
    assert store.load_session(key) == {"b": 2}
    store.close()


def test_a_row_refused_among_a_group_loses_only_itself(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A row the database refuses for good (a constraint of a future schema), written with the
    other rows of its kind in one statement: it alone is dropped (logged by kind, not content)."""
    store, worker = _holding(tmp_path, 60)
    store.db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON interactions WHEN NEW.status = 'refusé' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    key = store.user_key(USER)

    async def scenario() -> None:
        worker.write("interaction", lambda s: s.log_interaction(USER, status="match"))
        worker.write("session", lambda s: s.save_session(key, {"a": 1}))
        worker.write("interaction", lambda s: s.log_interaction(USER, status="refusé", question="secret"))
        worker.write("card", lambda s: s.card_shown(USER, USER, 7, "x"))
        worker.write("interaction", lambda s: s.log_interaction(USER, status="no_match"))
        assert await worker.drain(10)

    with caplog.at_level(logging.WARNING):
        asyncio.run(scenario())
    worker.stop()
    statuses = [r[0] for r in store.db.execute("SELECT status FROM interactions ORDER BY id")]
    assert statuses == ["match", "no_match"]
    assert store.load_session(key) == {"a": 1}
    assert store.db.execute("SELECT count(*) FROM cards").fetchone()[0] == 1
    assert "a write (interaction) could not be saved" in caplog.text
    assert "secret" not in caplog.text
    store.close()
