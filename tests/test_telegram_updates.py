"""Updates python-telegram-bot cannot read, and the daily retention job (JobQueue)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest
from fakebot import Clock, RecordingBotApi, running_bot
from shared import shared_engine as engine

from bot.store import Store
from bot.telegram.app import PURGE_AT
from bot.telegram.polling import parse_update

# A poll as a newer or self-hosted Bot API server may send it: PTB 22 requires more fields.
POISON_POLL = {"poll": {"id": "7", "question": "Quel jour ?", "options": []}}
# A message whose sender misses fields PTB requires, with personal data in it.
POISON_MESSAGE = {
    "message": {
        "message_id": 3,
        "date": 0,
        "chat": {"id": 8675309, "type": "private", "first_name": "Dominique-Secrète"},
        "from": {"id": 8675309, "first_name": "Dominique-Secrète"},
        "text": "ma question très privée",
    }
}


def test_a_poison_update_is_skipped_once_and_the_next_one_answered(caplog: pytest.LogCaptureFixture) -> None:
    """An update PTB cannot parse never makes the bot retry the same getUpdates offset: it is
    skipped (logged once, without its content), and `/start` after it is answered."""
    api = RecordingBotApi()

    async def scenario() -> None:
        async with running_bot(engine(), api=api) as bot:
            before = api.counts["getUpdates"]
            api.push_update(POISON_POLL)
            api.push_update(POISON_MESSAGE)
            mark = api.mark()
            api.message("/start", user_id=55)
            [greeting] = await api.wait_for("sendMessage", since=mark, within=5)
            assert greeting.plain_text.startswith("Bonjour")
            assert api.counts["getUpdates"] - before < 50
            await asyncio.sleep(0)  # the next poll confirms the whole batch
            await bot.drain()

    with caplog.at_level(logging.INFO):
        asyncio.run(scenario())
    skipped = [r for r in caplog.records if "Skipped update" in r.getMessage()]
    assert len(skipped) == 2, "each poison update is logged once"
    for private in ("8675309", "Dominique", "très privée", "Quel jour"):
        assert private not in caplog.text


def test_a_poison_update_keeps_its_id_so_the_offset_moves_on() -> None:
    """The skipped update stays in the batch as an empty update with the same id."""
    update = parse_update({"update_id": 41, **POISON_POLL}, None)
    assert update is not None
    assert update.update_id == 41
    assert update.effective_message is None
    assert parse_update({"update_id": "x"}, None) is None


def test_the_retention_purge_is_a_daily_job_that_runs_without_traffic() -> None:
    """The purge is PTB's `run_daily` job: no message needed; old and future rows go."""
    clock = Clock()
    store = Store.memory(retention_days=30, clock=clock)
    store.log_interaction(1, status="no_match", question="vieille question")
    clock.now += dt.timedelta(days=3650)
    store.log_interaction(2, status="no_match", question="datée dans le futur")
    clock.now -= dt.timedelta(days=3650)
    store.log_interaction(3, status="no_match", question="récente")

    async def scenario() -> None:
        async with running_bot(engine(), store) as bot:
            await bot.drain()
            assert store.rows_about(2) == 0, "the start-up purge already ran"
            clock.now += dt.timedelta(days=40)
            assert store.rows_about(3) == 1
            assert bot.app.job_queue is not None
            [job] = bot.app.job_queue.get_jobs_by_name("retention-purge")
            assert job.next_t is not None
            assert job.next_t.timetz() == PURGE_AT
            assert job.next_t - dt.datetime.now(dt.UTC) <= dt.timedelta(days=1)
            await job.run(bot.app)  # what the scheduler does at PURGE_AT, with no traffic
            await bot.drain()
            assert store.rows_about(3) == 0

    asyncio.run(scenario())
    assert store.rows_about(1) == 0
    store.close()
