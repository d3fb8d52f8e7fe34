"""The bot answers while the store cannot: locked by another process, full, or read-only.
What could not be stored is said in the log, by kind, never with the user's data."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from fakebot import running_bot
from shared import shared_engine as engine

from bot.store import Store
from bot.telegram.services import SERVICES_KEY, Services

QUESTION = "subvention piscine municipale de Plouzané-Témoin"


def locked(db: Path, store: Store) -> Callable[[], None]:
    other = sqlite3.connect(db, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO interactions (at, user_key, status) VALUES ('2026-01-01 00:00:00', 'k', 'x')")
    return lambda: (other.rollback(), other.close())  # type: ignore[func-returns-value]


def full(db: Path, store: Store) -> Callable[[], None]:
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    i = 0  # (the bot's first write is an interaction)
    for size in (3000, 300, 30, 1):  # fill every free byte, so that the next write has no room
        while True:
            i += 1
            try:
                store.log_interaction(i, status="no_match", question="x" * size)
            except sqlite3.OperationalError:
                break
    return lambda: store.db.execute("PRAGMA max_page_count = 1073741823") and None


def read_only(db: Path, store: Store) -> Callable[[], None]:
    store.db.execute("PRAGMA query_only = ON")
    return lambda: store.db.execute("PRAGMA query_only = OFF") and None


@pytest.mark.parametrize("fault", [locked, full, read_only], ids=["locked", "full", "read-only"])
def test_the_bot_answers_when_the_store_fails_and_logs_what_was_not_stored(
    fault: Callable[[Path, Store], Callable[[], None]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """/aide is answered within seconds (not after the lock) and a question gets its answer; the log names what
    was lost (an interaction), not the question or the user."""
    db = tmp_path / "store.db"
    store = Store.open(db)
    repair = fault(db, store)

    async def scenario() -> None:
        async with running_bot(engine(), store) as bot:
            mark = bot.api.mark()
            bot.api.message(QUESTION, user_id=31)
            bot.api.message("/aide", user_id=32)
            # A blocked store made /aide wait 24 s; a read now waits 0.5 s at most. 3 s keeps that
            # difference without failing on a loaded machine (the test once failed at 1 s under CI load).
            await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == 32, since=mark, within=3.0)
            await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == 31, since=mark, within=5.0)
            await bot.drain()

    try:
        with caplog.at_level(logging.WARNING):
            asyncio.run(scenario())
    finally:
        repair()
        store.close()
    assert "Store unavailable" in caplog.text
    assert "interaction kept to be saved later" in caplog.text
    assert "Plouzané" not in caplog.text
    assert "31" not in "".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))


@pytest.mark.parametrize("fault", [locked, full, read_only], ids=["locked", "full", "read-only"])
def test_what_the_store_refused_during_an_outage_is_saved_once_it_works_again(
    fault: Callable[[Path, Store], Callable[[], None]], tmp_path: Path
) -> None:
    """Questions asked while the store was locked, full or read-only are answered, and once the
    store works again their interactions (what /stats and the report count) are all there."""
    db = tmp_path / "store.db"
    store = Store.open(db)
    repair = fault(db, store)
    users = [40 + i for i in range(5)]

    async def scenario() -> None:
        async with running_bot(engine(), store) as bot:
            services = bot.app.bot_data[SERVICES_KEY]
            assert isinstance(services, Services)
            services.db.retry_after = 0  # retry at the next call instead of 5 s later
            mark = bot.api.mark()
            for user in users:
                bot.api.message(f"{QUESTION} {user}", user_id=user)
            await bot.api.wait_for("sendMessage", since=mark, count=len(users), within=10.0)
            # The writes are queued after each reply is sent: give the worker time to try them.
            for _ in range(100):
                if services.db.deferred:
                    break
                await asyncio.sleep(0.05)
            assert services.db.deferred > 0, "the outage refused the writes"
            repair()
            await bot.drain()
            assert services.db.deferred == 0

    try:
        asyncio.run(scenario())
        keys = [store.user_key(user) for user in users]
        marks = ", ".join("?" * len(keys))
        stored = store.db.execute(f"SELECT count(*) FROM interactions WHERE user_key IN ({marks})", keys)
        assert stored.fetchone()[0] == len(users)
    finally:
        store.close()
