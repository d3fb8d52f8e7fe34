"""End-to-end throughput of the bot against the fake Bot API server, next to a bare echo bot.

Both bots run in the same process, on the same fake server, with the same updates, through
python-telegram-bot's real HTTP stack (long polling, JSON, handlers, one HTTP request per reply)
and with the rate limiter off. The echo bot is the floor cost of python-telegram-bot itself;
Aiguilleur adds matching, places, rendering, the SQLite store and sometimes a second message.
The goal is at least half the echo bot's rate.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from matching import Engine

from ..settings import Settings
from ..store import Store
from .app import build_application
from .fakeserver import FakeBotApi
from .harness import started

__all__ = ["GOAL", "MAX_UPDATES", "BenchResult", "bench_texts", "run_bench_bot"]

GOAL = 0.5
MAX_UPDATES = 50_000
WARM_UP = 50
USERS = 200
SENTINEL = 999_999_999
NO_MATCH = ("la recette du gâteau au chocolat", "quel temps fera-t-il demain ?")
PLACES = ("à Guingamp", "à Alès", "dans le Cantal")

AppFactory = Callable[[FakeBotApi], Application]  # type: ignore[type-arg]


@dataclass(frozen=True)
class BenchResult:
    updates: int
    rounds: int
    echo_rate: float
    bot_rate: float
    echo_rates: tuple[float, ...]
    bot_rates: tuple[float, ...]

    @property
    def ratio(self) -> float:
        return self.bot_rate / self.echo_rate if self.echo_rate else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=round(self.ratio, 3), goal=GOAL, goal_met=self.ratio >= GOAL, unit="updates/s")
        return data


def bench_texts(engine: Engine, count: int) -> list[str]:
    """A realistic mix: catalogue examples, some with a place, a few out-of-scope questions."""
    examples = [e for entry in engine.entries for e in entry.examples] or ["recruter un chef de projet"]
    texts: list[str] = []
    for i in range(count):
        if i % 10 == 9:
            texts.append(NO_MATCH[i % len(NO_MATCH)])
        elif i % 4 == 3:
            texts.append(f"{examples[i % len(examples)]} {PLACES[i % len(PLACES)]}")
        else:
            texts.append(examples[i % len(examples)])
    return texts


def echo_app(api: FakeBotApi) -> Application:  # type: ignore[type-arg]
    """The bare echo bot of python-telegram-bot's examples."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def _drive(api: FakeBotApi, texts: Sequence[str]) -> float:
    """Queues the updates, then a sentinel; returns the seconds until the sentinel is answered."""
    before = api.sent_to[SENTINEL]
    start = time.perf_counter()
    for i, text in enumerate(texts):
        api.message(text, user_id=10_000 + i % USERS)
    api.message("/aide", user_id=SENTINEL)
    await api.wait_sent_to(SENTINEL, before + 1, within=max(60.0, len(texts) / 20))
    return time.perf_counter() - start


async def _measure(factory: AppFactory, texts: Sequence[str]) -> float:
    async with FakeBotApi(record=False) as api:
        app = factory(api)
        async with started(app):
            await _drive(api, texts[:WARM_UP])
            seconds = await _drive(api, texts)
    return len(texts) / seconds


async def _bench(engine: Engine, updates: int, rounds: int, store_dir: Path, progress: Callable[[str], None] | None) -> BenchResult:
    texts = bench_texts(engine, updates)
    store = Store.open(store_dir / "bench.db", salt="bench-" + "0" * 32)

    def aiguilleur_app(api: FakeBotApi) -> Application:  # type: ignore[type-arg]
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, telegram_token=SecretStr(api.token), telegram_base_url=api.base_url, rate_limit=False,
        )
        return build_application(settings, engine, store)

    echo_rates: list[float] = []
    bot_rates: list[float] = []
    try:
        for r in range(rounds):
            echo_rates.append(await _measure(echo_app, texts))
            bot_rates.append(await _measure(aiguilleur_app, texts))
            if progress:
                progress(f"round {r + 1}/{rounds}: echo {echo_rates[-1]:.0f}/s, aiguilleur {bot_rates[-1]:.0f}/s")
    finally:
        store.close()
    return BenchResult(
        updates=updates, rounds=rounds, echo_rate=statistics.median(echo_rates), bot_rate=statistics.median(bot_rates),
        echo_rates=tuple(round(r, 1) for r in echo_rates), bot_rates=tuple(round(r, 1) for r in bot_rates),
    )


def run_bench_bot(
    engine: Engine, updates: int = 1000, rounds: int = 3, progress: Callable[[str], None] | None = None,
) -> BenchResult:
    """Runs the benchmark (rounds alternate echo and Aiguilleur; medians are reported)."""
    updates = max(1, min(updates, MAX_UPDATES))
    with tempfile.TemporaryDirectory(prefix="aiguilleur-bench-") as tmp:
        return asyncio.run(_bench(engine, updates, max(1, rounds), Path(tmp), progress))
