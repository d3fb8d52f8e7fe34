"""What every handler needs: settings, the current engine and dialogue, the store, sessions.

Kept in `application.bot_data` under one key, so handlers stay small and `/reload` swaps the
engine in one place.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from matching import Engine

from ..dialogue import Dialogue, Outcome, Session
from ..settings import Settings
from ..store import Store

__all__ = ["SERVICES_KEY", "Services", "services"]

log = logging.getLogger(__name__)

SERVICES_KEY = "aiguilleur"
SESSION_KEY = "session"
PURGE_EVERY = dt.timedelta(days=1)
LOCK_STRIPES = 64


@dataclass
class Services:
    """Shared state of the running bot."""

    settings: Settings
    engine: Engine
    store: Store
    dialogue: Dialogue = field(init=False)
    last_purge: float = 0.0
    _locks: list[asyncio.Lock] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.dialogue = Dialogue(self.engine)
        self._locks = [asyncio.Lock() for _ in range(LOCK_STRIPES)]

    def lock_for(self, user_id: int | None) -> asyncio.Lock:
        """The lock that keeps one user's updates in order while others run concurrently."""
        return self._locks[hash(user_id) % LOCK_STRIPES]

    def swap_engine(self, engine: Engine) -> None:
        """Serves new knowledge from the next message on (`/reload`)."""
        self.engine = engine
        self.dialogue = Dialogue(engine)

    def is_admin(self, user_id: int | None) -> bool:
        return self.settings.is_admin(user_id)

    # -- sessions ---------------------------------------------------------------------------

    def session(self, user_data: dict[Any, Any] | None, user_id: int | None) -> Session:
        """The user's session: in memory, with the territory read once from the store."""
        if user_data is None or user_id is None:
            return Session()
        session = user_data.get(SESSION_KEY)
        if not isinstance(session, Session):
            session = Session(territory=self.store.territory(user_id))
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
        """Stores what changed (territory) and logs the interaction or the feedback."""
        if user_id is None:
            return
        if session.territory != before:
            self.store.set_territory(user_id, session.territory)
        if outcome.status is not None:
            latency = int((time.perf_counter() - started) * 1000)
            self.store.log_interaction(
                user_id,
                status=outcome.status,
                top=outcome.top,
                latency_ms=latency,
                question=text,
            )
        if outcome.feedback is not None:
            entry_id, vote = outcome.feedback
            self.store.log_feedback(user_id, entry_id, vote, question=session.last_query)
        self.maybe_purge()

    def maybe_purge(self, *, force: bool = False) -> int:
        """Applies the retention period at start-up and then at most once a day."""
        now = time.monotonic()
        if not force and now - self.last_purge < PURGE_EVERY.total_seconds():
            return 0
        self.last_purge = now
        removed = self.store.purge()
        if removed:
            log.info("Retention: %d old rows purged.", removed)
        return removed


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    value = context.bot_data[SERVICES_KEY]
    assert isinstance(value, Services)
    return value
