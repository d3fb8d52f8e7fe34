"""What every handler needs: settings, the current engine and dialogue, the store, sessions.

Kept in `application.bot_data` under one key, so handlers stay small and `/reload` swaps the
engine in one place. The store is reached only through `db` (a `StoreWorker`): handlers never
wait on SQLite longer than a bounded time, and carry on without it when it is unavailable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from matching import Engine

from ..dialogue import Dialogue, Outcome, Session
from ..settings import Settings
from ..store import Store
from .messaging import Sent
from .storage import StoreWorker

__all__ = ["SERVICES_KEY", "Services", "card_entries", "services"]

log = logging.getLogger(__name__)

SERVICES_KEY = "aiguilleur"
SESSION_KEY = "session"
VOTE_PREFIXES = ("f:+:", "f:-:")
PURGE_TIMEOUT = 60.0
ERASE_TIMEOUT = 5.0


@dataclass
class Services:
    """Shared state of the running bot."""

    settings: Settings
    engine: Engine
    store: Store
    dialogue: Dialogue = field(init=False)
    db: StoreWorker = field(init=False)
    # One /reload at a time: a second admin's waits for the first, then reloads in turn.
    reloading: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.dialogue = Dialogue(self.engine)
        self.db = StoreWorker(self.store)

    def swap_engine(self, engine: Engine) -> None:
        """Serves new knowledge from the next message on (`/reload`)."""
        self.engine = engine
        self.dialogue = Dialogue(engine)

    def is_admin(self, user_id: int | None) -> bool:
        return self.settings.is_admin(user_id)

    # -- sessions ---------------------------------------------------------------------------

    async def session(self, user_data: dict[Any, Any] | None, user_id: int | None) -> Session:
        """The user's conversation: in memory while the bot runs, read once from the store
        (under the pseudonymous key) after a restart; a commune chosen before sessions were
        stored still comes from the preferences."""
        if user_data is None or user_id is None:
            return Session()
        session = user_data.get(SESSION_KEY)
        if not isinstance(session, Session):
            data = await self.db.call("session", lambda s: s.load_session(s.user_key(user_id)), None)
            session = Session.from_dict(data, now=dt.datetime.now(dt.UTC))
            if session.territory is None:
                session.territory = await self.db.call("territory", lambda s: s.territory(user_id), None)
            user_data[SESSION_KEY] = session
        return session

    def forget_session(self, user_data: dict[Any, Any] | None) -> None:
        if user_data is not None:
            user_data.pop(SESSION_KEY, None)

    def remember(
        self,
        user_id: int | None,
        session: Session,
        before: Any,
        outcome: Outcome,
        text: str | None,
        started: float,
    ) -> None:
        """Stores the conversation and what changed (territory) and logs the interaction
        (queued, never waited for)."""
        if user_id is None:
            return
        state = session.to_dict(saved_at=dt.datetime.now(dt.UTC))
        self.db.write("session", lambda s: s.save_session(s.user_key(user_id), state))
        territory = session.territory
        # The same object is the same place: pydantic's equality is asked only of a new one.
        if territory is not before and territory != before:
            self.db.write("territory", lambda s: s.set_territory(user_id, territory))
        if outcome.status is not None:
            latency = int((time.perf_counter() - started) * 1000)
            status, top = outcome.status, outcome.top
            self.db.write(
                "interaction",
                lambda s: s.log_interaction(
                    user_id, status=status, top=top, latency_ms=latency, question=text
                ),
            )

    def cards_shown(self, user_id: int | None, sent: Iterable[Sent], question: str | None) -> None:
        """Remembers the answer cards just shown to the user (only those can get their vote)."""
        if user_id is None:
            return
        for item in sent:
            chat_id, message_id = item.message.chat_id, item.message.message_id
            entries = card_entries(item.choices)
            if entries:
                self.db.write(
                    "card", functools.partial(_cards_shown, user_id, chat_id, message_id, entries, question)
                )

    async def purge(self) -> int:
        """Applies the retention period (start-up and the daily job)."""
        removed = await self.db.call("retention purge", lambda s: s.purge(), 0, within=PURGE_TIMEOUT)
        if removed:
            log.info("Retention: %d old rows purged.", removed)
        return removed

    async def erase(self, user_id: int) -> int | None:
        """Deletes every row about the user; None when the store could not do it now."""
        return await self.db.call("erasure", lambda s: s.erase(user_id), None, within=ERASE_TIMEOUT)


def _cards_shown(
    user_id: int, chat_id: int, message_id: int, entries: list[str], question: str | None, store: Store
) -> None:
    for entry_id in entries:
        store.card_shown(user_id, chat_id, message_id, entry_id, question)


def card_entries(choices: Iterable[Any]) -> list[str]:
    """Entry ids of the answer cards among a message's choices (their 👍 / 👎 buttons)."""
    found: list[str] = []
    for choice in choices:
        action = str(getattr(choice, "action", ""))
        if action.startswith(VOTE_PREFIXES) and action[4:] not in found:
            found.append(action[4:])
    return found


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    value = context.bot_data[SERVICES_KEY]
    assert isinstance(value, Services)
    return value
