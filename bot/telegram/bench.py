"""End-to-end throughput of the bot against the fake Bot API server, next to a bare echo bot.

Both bots run in the same process, on the same fake server, with the same updates, through
python-telegram-bot's real HTTP stack (long polling, JSON, handlers, one HTTP request per reply)
and with the rate limiter off. The echo bot is the floor cost of python-telegram-bot itself;
Aiguilleur adds matching, places, rendering, the SQLite store and sometimes a second message.
The goal is at least half the echo bot's rate.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from matching import Engine

from ..settings import Settings
from ..store import Store
from .app import build_application
from .fakeserver import FakeBotApi
from .fakeupdates import message_update

__all__ = ["GOAL", "MAX_UPDATES", "BenchResult", "bench_texts", "run_bench_bot", "started"]

GOAL = 0.5
MAX_UPDATES = 50_000
WARM_UP = 50
USERS = 200
SENTINEL = 999_999_999
NO_MATCH = ("la recette du gâteau au chocolat", "quel temps fera-t-il demain ?")
PLACES = ("à Guingamp", "à Alès", "dans le Cantal")

AppFactory = Callable[["_Fake"], Application]  # type: ignore[type-arg]


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

    @property
    def ratios(self) -> tuple[float, ...]:
        """Aiguilleur / echo for each round (the two are measured back to back)."""
        return tuple(b / e for e, b in zip(self.echo_rates, self.bot_rates, strict=True) if e)

    @property
    def ratio(self) -> float:
        """Median of the per-round ratios: paired rounds cancel most of the machine's load changes."""
        return statistics.median(self.ratios) if self.ratios else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["echo_rates"] = [round(r, 1) for r in self.echo_rates]
        data["bot_rates"] = [round(r, 1) for r in self.bot_rates]
        data["echo_rate"], data["bot_rate"] = round(self.echo_rate, 1), round(self.bot_rate, 1)
        data.update(
            ratio=round(self.ratio, 3),
            ratios=[round(r, 3) for r in self.ratios],
            # The spread over paired rounds: on a shared machine one round says little.
            ratio_min=round(min(self.ratios), 3) if self.ratios else 0.0,
            ratio_max=round(max(self.ratios), 3) if self.ratios else 0.0,
            goal=GOAL,
            goal_met=self.ratio >= GOAL,
            unit="updates/s",
        )
        return data


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


def echo_app(api: _Fake) -> Application:  # type: ignore[type-arg]
    """The bare echo bot of python-telegram-bot's examples."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        assert update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


class _Fake(Protocol):
    token: str

    @property
    def base_url(self) -> str: ...
    async def push(self, updates: list[dict[str, Any]]) -> None: ...
    async def wait_sent(self, chat_id: int, count: int, within: float) -> None: ...


class _LocalFake:
    """The fake server in this process and event loop (`--in-process`)."""

    def __init__(self) -> None:
        self.api = FakeBotApi()
        self.token = self.api.token

    @property
    def base_url(self) -> str:
        return self.api.base_url

    async def __aenter__(self) -> _LocalFake:
        await self.api.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.api.stop()

    async def push(self, updates: list[dict[str, Any]]) -> None:
        for update in updates:
            self.api.push_update(update)

    async def wait_sent(self, chat_id: int, count: int, within: float) -> None:
        await self.api.wait_sent_to(chat_id, count, within)


class _ProcessFake:
    """The fake server in a child process, like Telegram on another machine (the default)."""

    def __init__(self) -> None:
        self.token = ""
        self._base_url = ""
        self._proc: subprocess.Popen[str] | None = None
        self._client: httpx.AsyncClient | None = None

    @property
    def base_url(self) -> str:
        return self._base_url

    def _spawn(self) -> str:
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH", "")]))
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bot.telegram.fakehttp", "--max-seconds", "900"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait(10)
            raise RuntimeError("the fake Bot API server did not start")
        return line

    async def __aenter__(self) -> _ProcessFake:
        info = json.loads(await asyncio.to_thread(self._spawn))
        self.token, self._base_url = info["token"], info["base_url"]
        self._control = self._base_url.removesuffix("/bot") + "/control/"
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(600.0))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._proc is not None:
            assert self._proc.stdin is not None
            assert self._proc.stdout is not None
            self._proc.stdin.close()
            self._proc.terminate()
            await asyncio.to_thread(self._proc.wait, 10)
            self._proc.stdout.close()

    async def _call(self, command: str, payload: dict[str, Any]) -> None:
        assert self._client is not None
        response = await self._client.post(self._control + command, json=payload)
        response.raise_for_status()

    async def push(self, updates: list[dict[str, Any]]) -> None:
        await self._call("updates", {"updates": updates})

    async def wait_sent(self, chat_id: int, count: int, within: float) -> None:
        await self._call("wait_sent", {"chat_id": chat_id, "count": count, "timeout": within})


async def _drive(fake: _Fake, texts: Sequence[str], sentinel_count: int) -> float:
    """Queues the updates, then a sentinel; returns the seconds until the sentinel is answered."""
    updates = [message_update(i + 1, text, user_id=10_000 + i % USERS) for i, text in enumerate(texts)]
    updates.append(message_update(len(texts) + 1, "/aide", user_id=SENTINEL))
    start = time.perf_counter()
    await fake.push(updates)
    await fake.wait_sent(SENTINEL, sentinel_count, max(60.0, len(texts) / 20))
    return time.perf_counter() - start


async def _measure(factory: AppFactory, texts: Sequence[str], in_process: bool) -> float:
    fake: _LocalFake | _ProcessFake = _LocalFake() if in_process else _ProcessFake()
    async with fake:
        app = factory(fake)
        async with started(app):
            await _drive(fake, texts[:WARM_UP], 1)
            seconds = await _drive(fake, texts, 2)
    return len(texts) / seconds


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
    options: dict[str, Any] = {} if concurrency is None else {"concurrent_updates": concurrency}

    def aiguilleur_app(fake: _Fake) -> Application:  # type: ignore[type-arg]
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            telegram_token=SecretStr(fake.token),
            telegram_base_url=fake.base_url,
            rate_limit=False,
            **options,
        )
        return build_application(settings, engine, store)

    echo_rates: list[float] = []
    bot_rates: list[float] = []
    try:
        for r in range(rounds):
            echo_rates.append(await _measure(echo_app, texts, in_process))
            bot_rates.append(await _measure(aiguilleur_app, texts, in_process))
            if progress:
                progress(
                    f"round {r + 1}/{rounds}: echo {echo_rates[-1]:.0f}/s, aiguilleur {bot_rates[-1]:.0f}/s"
                )
    finally:
        store.close()
    return BenchResult(
        updates=updates,
        rounds=rounds,
        echo_rate=statistics.median(echo_rates),
        bot_rate=statistics.median(bot_rates),
        echo_rates=tuple(echo_rates),
        bot_rates=tuple(bot_rates),
        fake_server="same process" if in_process else "separate process",
        concurrent_updates=concurrency
        if concurrency is not None
        else Settings.model_fields["concurrent_updates"].default,
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
    `concurrency` overrides Aiguilleur's `concurrent_updates` setting; the echo bot keeps
    python-telegram-bot's defaults.
    """
    updates = max(1, min(updates, MAX_UPDATES))
    with tempfile.TemporaryDirectory(prefix="aiguilleur-bench-") as tmp:
        return asyncio.run(
            _bench(engine, updates, max(1, rounds), Path(tmp), progress, in_process, concurrency)
        )
