"""Per-user ordering is python-telegram-bot's update processor: it applies to every handler."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.telegram.fakeupdates import message_update
from bot.telegram.ordering import PerUserOrder


def update(update_id: int, user_id: int) -> Update:
    update = Update.de_json({"update_id": update_id, **message_update(update_id, "x", user_id=user_id)}, None)
    assert update is not None
    return update


def test_one_users_updates_run_in_order_while_other_users_go_ahead() -> None:
    """A slow update holds back the same user's next one, not another user's."""

    async def scenario() -> list[str]:
        order = PerUserOrder(concurrency=4)
        release = asyncio.Event()
        done: list[str] = []

        async def slow() -> None:
            await release.wait()
            done.append("first of user 1")

        async def quick(name: str) -> None:
            done.append(name)

        tasks = [
            asyncio.create_task(order.process_update(update(1, 1), slow())),
            asyncio.create_task(order.process_update(update(2, 1), quick("second of user 1"))),
            asyncio.create_task(order.process_update(update(3, 2), quick("user 2"))),
        ]
        for _ in range(5):
            await asyncio.sleep(0)
        assert done == ["user 2"]
        release.set()
        await asyncio.gather(*tasks)
        return done

    assert asyncio.run(scenario()) == ["user 2", "first of user 1", "second of user 1"]


def test_a_burst_of_one_user_does_not_hold_the_slots_of_others() -> None:
    """With 2 slots, 5 queued updates of one blocked user leave room for another user."""

    async def scenario() -> bool:
        order = PerUserOrder(concurrency=2)
        release = asyncio.Event()
        other = asyncio.Event()

        async def blocked() -> None:
            await release.wait()

        async def mark() -> None:
            other.set()

        tasks = [asyncio.create_task(order.process_update(update(i, 1), blocked())) for i in range(5)]
        tasks.append(asyncio.create_task(order.process_update(update(9, 2), mark())))
        await asyncio.wait_for(other.wait(), 5)
        release.set()
        await asyncio.gather(*tasks)
        return other.is_set()

    assert asyncio.run(scenario())


def test_the_webhook_can_wait_for_an_update_to_be_handled() -> None:
    async def scenario() -> None:
        order = PerUserOrder(concurrency=1)
        done = order.track(7)

        async def work() -> None:
            assert not done.done()

        await order.process_update(update(7, 1), work())
        assert done.done()

    asyncio.run(scenario())
