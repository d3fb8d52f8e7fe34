"""Runs the real application against the fake Bot API server (tests and `aiguilleur bench-bot`).

Everything goes through python-telegram-bot's real HTTP stack: long polling, JSON parsing,
handlers, and the HTTP requests of the replies. Only the Telegram server is fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from telegram.ext import Application

from matching import Engine

from ..settings import Settings
from ..store import Store
from .app import build_application
from .fakeserver import FakeBotApi
from .services import SERVICES_KEY, Services

__all__ = ["RunningBot", "running_bot", "started"]

POLL_TIMEOUT = 5


@dataclass
class RunningBot:
    api: FakeBotApi
    app: Application  # type: ignore[type-arg]
    store: Store
    settings: Settings

    async def drain(self) -> None:
        """Waits until the store writes queued so far are done (they never block handlers)."""
        services = self.app.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        assert await services.db.drain(10.0), "store writes still pending after 10 s"


@asynccontextmanager
async def started(app: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """initialize + start_polling + start, and the reverse on exit (what run_polling does, minus signals)."""
    await app.initialize()
    try:
        if app.post_init is not None:  # run_polling calls it after initialize; so do we
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
        await app.start()
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
    finally:
        await app.shutdown()


@asynccontextmanager
async def running_bot(
    engine: Engine,
    store: Store | None = None,
    *,
    api: FakeBotApi | None = None,
    **settings: Any,
) -> AsyncIterator[RunningBot]:
    """The bot polling a fresh fake server (rate limiter off unless `rate_limit=True` is given)."""
    own_store = store is None
    store = store if store is not None else Store.memory()
    fake = api if api is not None else FakeBotApi()
    try:
        async with fake:
            # Sequential by default: tests rely on updates being handled in the order sent.
            options: dict[str, Any] = {"rate_limit": False, "concurrent_updates": 1, **settings}
            config = Settings(
                _env_file=None,
                telegram_token=SecretStr(fake.token),
                telegram_base_url=fake.base_url,
                **options,
            )  # type: ignore[call-arg]
            app = build_application(config, engine, store)
            async with started(app):
                yield RunningBot(fake, app, store, config)
    finally:
        if own_store:
            store.close()
