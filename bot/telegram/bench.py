"""End-to-end throughput of the bot against the fake Bot API server, next to a bare echo bot.

Both bots run in the same process, on the same fake server, with the same updates, through the
same real HTTP stack (python-telegram-bot's long polling and handlers, httpx, Aiguilleur's JSON
request bodies, one HTTP request per reply), with the rate limiter off and the same number of
updates handled at once. The echo bot is the
floor cost of python-telegram-bot itself; Aiguilleur adds matching, places, rendering and the
SQLite store. The goal is at least half the echo bot's rate.

Fairness, checked each run: a measurement ends when every update was handled (not merely when
the last one was answered), the Bot API calls each bot made are counted by the fake server
(per answer, the sentinel's excluded), and the CPU time the bots' process spent per update is
reported next to the rates: on a shared machine it varies far less than wall time.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from matching import Engine

from ..settings import Settings
from ..store import Store
from .app import MAX_CONNECTIONS, build_application
from .benchfakes import BenchFake, LocalFake, ProcessFake
from .fakeupdates import message_update
from .jsonrequest import JsonRequest
from .memory import settle

__all__ = ["GOAL", "MAX_UPDATES", "BenchResult", "bench_texts", "echo_app", "run_bench_bot", "started"]

GOAL = 0.5
MAX_UPDATES = 50_000
WARM_UP = 50
USERS = 200
SENTINEL = 999_999_999
NO_MATCH = ("la recette du gâteau au chocolat", "quel temps fera-t-il demain ?")
PLACES = ("à Guingamp", "à Alès", "dans le Cantal")

AppFactory = Callable[[BenchFake], Application]  # type: ignore[type-arg]


def _spread(values: Sequence[float]) -> dict[str, float]:
    """Median, quartiles and extremes (rounded), for figures that vary from round to round."""
    if not values:
        return {"median": 0.0, "q1": 0.0, "q3": 0.0, "min": 0.0, "max": 0.0}
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return {
        "median": round(statistics.median(values), 3),
        "q1": round(q1, 3),
        "q3": round(q3, 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


@dataclass(frozen=True)
class BenchResult:
    updates: int
    rounds: int
    echo_rate: float
    bot_rate: float
    echo_rates: tuple[float, ...]
    bot_rates: tuple[float, ...]
    fake_server: str = "separate process"
    concurrent_updates: int = 1
    echo_cpu_ms: tuple[float, ...] = ()  # CPU ms per update of the bots' process, per round
    bot_cpu_ms: tuple[float, ...] = ()
    echo_calls: dict[str, int] = field(default_factory=dict)  # Bot API calls, all rounds
    bot_calls: dict[str, int] = field(default_factory=dict)

    @property
    def ratios(self) -> tuple[float, ...]:
        """Aiguilleur / echo for each round (the two are measured back to back)."""
        return tuple(b / e for e, b in zip(self.echo_rates, self.bot_rates, strict=True) if e)

    @property
    def ratio(self) -> float:
        """Median of the per-round ratios: paired rounds cancel most of the machine's load changes."""
        return statistics.median(self.ratios) if self.ratios else 0.0

    @property
    def cpu_ratios(self) -> tuple[float, ...]:
        """Echo's CPU time per update / Aiguilleur's, per round (the same ratio, in CPU time)."""
        return tuple(e / b for e, b in zip(self.echo_cpu_ms, self.bot_cpu_ms, strict=True) if b)

    def calls_per_answer(self, calls: dict[str, int]) -> float:
        """Bot API calls per update handled, long polling (getUpdates) aside."""
        answers = self.updates * self.rounds
        return sum(n for method, n in calls.items() if method != "getUpdates") / answers if answers else 0.0

    def to_json(self) -> dict[str, Any]:
        spread = _spread(self.ratios)
        return {
            "updates": self.updates,
            "rounds": self.rounds,
            "echo_rate": round(self.echo_rate, 1),
            "bot_rate": round(self.bot_rate, 1),
            "echo_rates": [round(r, 1) for r in self.echo_rates],
            "bot_rates": [round(r, 1) for r in self.bot_rates],
            "fake_server": self.fake_server,
            "concurrent_updates": self.concurrent_updates,
            "ratio": round(self.ratio, 3),
            "ratios": [round(r, 3) for r in self.ratios],
            # The spread over paired rounds: on a shared machine one round says little.
            "ratio_min": spread["min"],
            "ratio_max": spread["max"],
            "ratio_q1": spread["q1"],
            "ratio_q3": spread["q3"],
            "echo_cpu_ms": [round(c, 3) for c in self.echo_cpu_ms],
            "bot_cpu_ms": [round(c, 3) for c in self.bot_cpu_ms],
            "cpu_ratio": _spread(self.cpu_ratios),
            "echo_calls_per_answer": round(self.calls_per_answer(self.echo_calls), 3),
            "bot_calls_per_answer": round(self.calls_per_answer(self.bot_calls), 3),
            "echo_calls": dict(sorted(self.echo_calls.items())),
            "bot_calls": dict(sorted(self.bot_calls.items())),
            "goal": GOAL,
            "goal_met": self.ratio >= GOAL,
            "unit": "updates/s",
        }


POLL_TIMEOUT = 5


@asynccontextmanager
async def started(app: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """initialize + start_polling + start, and the reverse on exit (what run_polling does, minus
    signals)."""
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
        if app.post_shutdown is not None:  # run_polling calls it after shutdown; so do we
            await app.post_shutdown(app)


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


def echo_app(api: BenchFake, concurrency: int = 1) -> Application:  # type: ignore[type-arg]
    """The bare echo bot of python-telegram-bot's examples, on the same HTTP stack as Aiguilleur
    (its JSON request class, pool of the same size) and handling `concurrency` updates at once
    (PTB's own update processor) like Aiguilleur."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.text is not None
        await update.message.reply_text(update.message.text)

    builder = ApplicationBuilder().token(api.token).base_url(api.base_url)
    builder = builder.request(JsonRequest(connection_pool_size=MAX_CONNECTIONS)).get_updates_request(
        JsonRequest()
    )
    app = builder.concurrent_updates(concurrency if concurrency > 1 else False).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


@dataclass(frozen=True)
class _Run:
    rate: float  # updates per second
    cpu_ms: float  # CPU ms per update, every thread of this process
    calls: Counter[str]  # Bot API calls made for the updates (the sentinel's reply excluded)


async def _drive(
    fake: BenchFake,
    app: Application,  # type: ignore[type-arg]
    texts: Sequence[str],
    first_id: int,
    sentinel_count: int,
) -> float:
    """Queues the updates, then a sentinel; returns the seconds until the sentinel is answered
    and every update was handled."""
    updates = [message_update(first_id + i, t, user_id=10_000 + i % USERS) for i, t in enumerate(texts)]
    updates.append(message_update(first_id + len(texts), "/aide", user_id=SENTINEL))
    start = time.perf_counter()
    await fake.push(updates)
    await fake.wait_sent(SENTINEL, sentinel_count, max(60.0, len(texts) / 20))
    await app.update_queue.join()  # with updates handled at once, others may still be under way
    return time.perf_counter() - start


async def _measure(factory: AppFactory, texts: Sequence[str], in_process: bool) -> _Run:
    fake: LocalFake | ProcessFake = LocalFake() if in_process else ProcessFake()
    async with fake:
        app = factory(fake)
        async with started(app):
            await _drive(fake, app, texts[:WARM_UP], 1, 1)
            before, sentinel = await fake.counts(), await fake.wait_sent(SENTINEL, 1, 1.0)
            cpu = time.process_time()
            seconds = await _drive(fake, app, texts, WARM_UP + 2, sentinel + 1)
            cpu = time.process_time() - cpu
            calls = await fake.counts()
            calls.subtract(before)
            calls["sendMessage"] -= await fake.wait_sent(SENTINEL, 1, 1.0) - sentinel
    return _Run(len(texts) / seconds, cpu * 1000 / len(texts), +calls)


async def _bench(
    engine: Engine,
    updates: int,
    rounds: int,
    store_dir: Path,
    progress: Callable[[str], None] | None,
    in_process: bool,
    concurrency: int | None,
) -> BenchResult:
    texts = bench_texts(engine, updates)
    store = Store.open(store_dir / "bench.db", salt="bench-" + "0" * 32)
    settle()  # as `aiguilleur run` does once the knowledge is loaded
    concurrent = (
        concurrency if concurrency is not None else Settings.model_fields["concurrent_updates"].default
    )

    def aiguilleur_app(fake: BenchFake) -> Application:  # type: ignore[type-arg]
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            telegram_token=SecretStr(fake.token),
            telegram_base_url=fake.base_url,
            rate_limit=False,
            concurrent_updates=concurrent,
        )
        return build_application(settings, engine, store)

    def echo(fake: BenchFake) -> Application:  # type: ignore[type-arg]
        return echo_app(fake, concurrent)

    echo_runs: list[_Run] = []
    bot_runs: list[_Run] = []
    try:
        for r in range(rounds):
            echo_runs.append(await _measure(echo, texts, in_process))
            bot_runs.append(await _measure(aiguilleur_app, texts, in_process))
            if progress:
                progress(
                    f"round {r + 1}/{rounds}: echo {echo_runs[-1].rate:.0f}/s "
                    f"({echo_runs[-1].cpu_ms:.2f} ms CPU/update), aiguilleur {bot_runs[-1].rate:.0f}/s "
                    f"({bot_runs[-1].cpu_ms:.2f} ms CPU/update), ratio {bot_runs[-1].rate / echo_runs[-1].rate:.2f}"
                )
    finally:
        store.close()
    return BenchResult(
        updates=updates,
        rounds=rounds,
        echo_rate=statistics.median(r.rate for r in echo_runs),
        bot_rate=statistics.median(r.rate for r in bot_runs),
        echo_rates=tuple(r.rate for r in echo_runs),
        bot_rates=tuple(r.rate for r in bot_runs),
        fake_server="same process" if in_process else "separate process",
        concurrent_updates=concurrent,
        echo_cpu_ms=tuple(r.cpu_ms for r in echo_runs),
        bot_cpu_ms=tuple(r.cpu_ms for r in bot_runs),
        echo_calls=dict(sum((r.calls for r in echo_runs), Counter())),
        bot_calls=dict(sum((r.calls for r in bot_runs), Counter())),
    )


def run_bench_bot(
    engine: Engine,
    updates: int = 1000,
    rounds: int = 3,
    progress: Callable[[str], None] | None = None,
    *,
    in_process: bool = False,
    concurrency: int | None = None,
) -> BenchResult:
    """Runs the benchmark (rounds alternate echo and Aiguilleur; medians are reported).

    By default the fake server runs in a child process, as Telegram runs on other machines;
    `in_process` puts it in the bots' own event loop (then it competes with them for the CPU).
    `concurrency` overrides Aiguilleur's `concurrent_updates` setting; the echo bot handles as
    many updates at once.
    """
    updates = max(1, min(updates, MAX_UPDATES))
    with tempfile.TemporaryDirectory(prefix="aiguilleur-bench-") as tmp:
        return asyncio.run(
            _bench(engine, updates, max(1, rounds), Path(tmp), progress, in_process, concurrency)
        )
