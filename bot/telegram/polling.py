"""`GuardedBot`: python-telegram-bot's `ExtBot` with a safer `getUpdates` (and the lighter
`sendMessage` of `sending.SendingBot`).

1. **Poison updates.** PTB parses a whole batch at once: one update it cannot read (a poll
   missing a field PTB requires, as a newer or self-hosted Bot API server can send) fails the
   batch, the offset never moves, PTB asks for the same batch forever and logs it whole, user
   ids and names included. Here each update is parsed alone; one that fails becomes an empty
   `Update` with the same id (no handler matches it), logged once by id and kind only, and
   the offset moves on.
2. **Acknowledge after processing.** An update is confirmed to Telegram by the next
   `getUpdates` offset. Before asking for the next batch, this bot waits (bounded) until every
   update fetched so far was handled and its store writes are done (`before_fetch`). So a
   `kill -9` loses no update: the batch in progress is unconfirmed and Telegram sends it again
   at restart (at most one batch, ≤ `limit` updates, is handled twice; votes are idempotent).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import ExtBot

from .sending import SendingBot

__all__ = ["GuardedBot", "parse_update"]

log = logging.getLogger(__name__)

BeforeFetch = Callable[[], Awaitable[bool]]


def parse_update(data: object, bot: ExtBot[Any] | None) -> Update | None:
    """The update, or an empty `Update` with its id when PTB cannot read it (logged without its
    content); None when not even the id can be read."""
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.warning("Skipped an update without a valid update_id.")
        return None
    try:
        update = Update.de_json(data, bot)  # type: ignore[arg-type]
        if update is not None:
            return update
    except Exception as exc:  # PTB raises TypeError, KeyError, ValueError… on unexpected data
        kinds = sorted(str(k)[:32] for k in data if k != "update_id") if isinstance(data, dict) else []
        log.warning(
            "Skipped update %d: python-telegram-bot cannot read it (%s; fields: %s).",
            update_id,
            type(exc).__name__,
            ", ".join(kinds[:5]) or "-",
        )
    return Update(update_id=update_id)


class GuardedBot(SendingBot):
    """`ExtBot` whose `get_updates` skips poison updates and confirms only processed ones."""

    __slots__ = ("_before_fetch",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self._before_fetch: BeforeFetch | None = None

    def set_before_fetch(self, callback: BeforeFetch | None) -> None:
        """`callback` runs before each `getUpdates` (the application waits for its backlog);
        False means polling stopped meanwhile: a long poll is then not started."""
        with self._unfrozen():
            self._before_fetch = callback

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 - PTB's signature
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        wait = timeout.total_seconds() if isinstance(timeout, dt.timedelta) else (timeout or 0)
        if self._before_fetch is not None and not await self._before_fetch() and wait:
            return ()  # stopping: PTB no longer awaits this call, its final confirmation comes next
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # As PTB does: the HTTP read may last the long-polling timeout plus the read timeout.
        if isinstance(read_timeout, DefaultValue):
            base = self._request[0].read_timeout or 0
        else:
            base = read_timeout or 0
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=base + wait,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        updates = tuple(u for raw in result or () if (u := parse_update(raw, self)) is not None)
        for update in updates:
            self.insert_callback_data(update)
        return updates
