"""Per-user ordering of every update, as python-telegram-bot's `BaseUpdateProcessor`.

With concurrent updates, two messages of one user could otherwise be handled at once and race
on their conversation state. This processor runs each user's updates (every handler, the error
handler included) one after the other in arrival order, and different users concurrently, at
most `concurrency` at a time. The user lock is taken before a concurrency slot, so a user who
sends a burst never holds the slots that other users' updates are waiting for.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["PerUserOrder", "ordering_key"]

# Tasks PTB may start at once (they wait here for their user's turn and a slot); polling fetches
# at most one batch (≤ 100 updates) at a time, so this bound is never the one that applies.
MAX_WAITING = 1024


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holders: int = 0


def ordering_key(update: object) -> int | None:
    """Whose turn an update waits for: its user, else its chat (channel posts), else nobody's."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerUserOrder(BaseUpdateProcessor):
    """One user's updates in order; `concurrency` updates of different users at once."""

    def __init__(self, concurrency: int) -> None:
        super().__init__(MAX_WAITING if concurrency > 1 else 1)
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._turns: dict[int, _Turn] = {}
        self._waiting: dict[int, asyncio.Future[None]] = {}

    def track(self, update_id: int) -> asyncio.Future[None]:
        """A future done once the update with this id was handled (the webhook answers then)."""
        future = self._waiting.get(update_id)
        if future is None:
            future = self._waiting[update_id] = asyncio.get_running_loop().create_future()
        return future

    def _done(self, update: object) -> None:
        if self._waiting and isinstance(update, Update):
            future = self._waiting.pop(update.update_id, None)
            if future is not None and not future.done():
                future.set_result(None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        started = False
        turn = None
        if key is not None:
            turn = self._turns.setdefault(key, _Turn())
            turn.holders += 1
        try:
            if turn is not None:
                await turn.lock.acquire()
            try:
                async with self._slots:
                    started = True
                    await coroutine
            finally:
                if turn is not None:
                    turn.lock.release()
        finally:
            if turn is not None and key is not None:
                turn.holders -= 1
                if not turn.holders:
                    self._turns.pop(key, None)
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting: never "never awaited"
            self._done(update)

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
