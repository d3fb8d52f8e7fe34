"""Test helpers around the shipped fake Bot API (`bot.telegram.fakeserver`): every call recorded,
updates built as Telegram sends them, button presses, failure injection, waiting for replies,
and `running_bot`, the real application talking to the fake through `httpx.MockTransport`
(no socket; only the network edge is fake)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import pytest
from pydantic import SecretStr
from shared import shared_engine
from telegram.ext import Application

from bot.settings import Settings
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.bench import started
from bot.telegram.fakeserver import ApiError, FakeBotApi, plain
from bot.telegram.fakeupdates import message_update
from bot.telegram.jsonrequest import JsonRequest
from bot.telegram.services import SERVICES_KEY, Services
from matching import Engine

T = TypeVar("T")


@cache
def clear_need() -> tuple[str, str]:
    """A catalogue example the engine answers with a clear match and no place: (text, entry id)."""
    for entry in shared_engine().entries:
        for example in entry.examples:
            answer = shared_engine().ask(example)
            if answer.status == "match" and answer.territory is None and not answer.territory_candidates:
                assert answer.top is not None
                return example, answer.top.id
    pytest.skip("no example of the catalogue gives a clear match")


class Clock:
    """A settable clock, so retention is tested without waiting a year."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


MAX_RECORDED_CALLS = 200_000
# Any URL: with the mock transport nothing is resolved or connected.
MOCK_BASE_URL = "https://api.telegram.invalid/bot"


@dataclass(frozen=True)
class Call:
    """One Bot API request received: the method and its decoded parameters."""

    method: str
    params: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons of the call's reply_markup, rows flattened."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def plain_text(self) -> str:
        return plain(str(self.params.get("text", "")))


class RecordingBotApi(FakeBotApi):
    """The fake Bot API, recording every call and the messages it sent (for edits and presses)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[Call] = []
        self.failed: list[tuple[Call, int, str]] = []
        self._failures: dict[str, list[ApiError]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._sent_ids = itertools.count(1000)
        self._ids = itertools.count(1)

    async def dispatch(self, method: str, p: dict[str, Any]) -> Any:
        call = Call(method, p)
        try:
            failures = self._failures.get(method)
            if failures:
                raise failures.pop(0)
            result = await super().dispatch(method, p)
        except ApiError as exc:
            self.failed.append((call, exc.code, exc.description))
            raise
        if method != "getUpdates" and len(self.calls) < MAX_RECORDED_CALLS:
            self.calls.append(call)
        return result

    def send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        message = super().send_message(p)
        self._messages[(message["chat"]["id"], message["message_id"])] = message
        p["_message_id"] = message["message_id"]
        return message

    def edit_message(self, method: str, p: dict[str, Any]) -> Any:
        super().edit_message(method, p)
        if p.get("inline_message_id"):
            return True
        key = (p.get("chat_id"), p.get("message_id"))
        message = self._messages.get(key)  # type: ignore[arg-type]
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        updated = dict(message)
        if method == "editMessageText":
            updated["text"] = plain(p["text"]) if p.get("parse_mode") == "HTML" else p["text"]
        if p.get("reply_markup"):
            updated["reply_markup"] = p["reply_markup"]
        else:
            updated.pop("reply_markup", None)
        if updated == message:
            raise ApiError(400, "Bad Request: message is not modified")
        self._messages[key] = updated  # type: ignore[index]
        p["_message_id"] = updated["message_id"]
        return updated

    # -- building updates -------------------------------------------------------------------

    @staticmethod
    def user(user_id: int, first_name: str = "Camille") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "fr"}

    def message(self, text: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """Queues a message update (see `message_update` for the options)."""
        return self.push_update(message_update(next(self._sent_ids), text, **kwargs))

    def callback(self, data: str, message: dict[str, Any] | None, *, user_id: int = 1001) -> dict[str, Any]:
        """A button press on `message` (a message the bot sent, as recorded)."""
        query: dict[str, Any] = {
            "id": str(next(self._ids)),
            "from": self.user(user_id),
            "chat_instance": "ci-1",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return self.push_update({"callback_query": query})

    def inline_query(self, query: str, *, user_id: int = 1001, offset: str = "") -> dict[str, Any]:
        return self.push_update(
            {
                "inline_query": {
                    "id": str(next(self._ids)),
                    "from": self.user(user_id),
                    "query": query,
                    "offset": offset,
                }
            }
        )

    def sent_message(self, call: Call) -> dict[str, Any]:
        """The message object the fake returned for a recorded sendMessage/editMessageText call."""
        return dict(self._messages[(int(call["chat_id"]), int(call.params["_message_id"]))])

    def fail_next(
        self,
        method: str,
        code: int = 429,
        description: str = "Too Many Requests: retry after 1",
        retry_after: int | None = 1,
    ) -> None:
        """The next call to `method` gets this error instead of its normal answer."""
        self._failures.setdefault(method, []).append(ApiError(code, description, retry_after))

    # -- waiting for the bot ----------------------------------------------------------------

    def mark(self) -> int:
        """Index to pass as `since` so `wait_for` only sees later calls."""
        return len(self.calls)

    def calls_to(self, method: str, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.method == method]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        since: int = 0,
        within: float = 10.0,
    ) -> list[Call]:
        """Waits until `count` calls to `method` (matching `predicate`) arrived after `since`."""

        def found() -> list[Call]:
            return [c for c in self.calls_to(method, since) if predicate is None or predicate(c)]

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: len(found()) >= count), within)
            except TimeoutError:
                seen = [(c.method, str(c.params.get("text", ""))[:80]) for c in self.calls[since:]]
                raise AssertionError(
                    f"no {count} × {method} within {within}s; calls since mark: {seen}"
                ) from None
        return found()


@dataclass
class RunningBot:
    api: RecordingBotApi
    app: Application  # type: ignore[type-arg]
    store: Store
    settings: Settings

    async def drain(self) -> None:
        """Waits until the store writes queued so far are done (they never block handlers)."""
        services = self.app.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        assert await services.db.drain(10.0), "store writes still pending after 10 s"


def settings_for(api: FakeBotApi, base_url: str = MOCK_BASE_URL, **options: Any) -> Settings:
    """Settings of a bot talking to `api` (rate limiter off, sequential unless told otherwise)."""
    values: dict[str, Any] = {"rate_limit": False, "concurrent_updates": 1, **options}
    return Settings(_env_file=None, telegram_token=SecretStr(api.token), telegram_base_url=base_url, **values)  # type: ignore[call-arg]


def mocked(api: FakeBotApi) -> dict[str, JsonRequest]:
    """`build_application` options routing every Bot API call to `api` without a socket (with
    the request class the bot uses in production)."""
    return {
        "request": JsonRequest(connection_pool_size=64, httpx_kwargs={"transport": api.transport()}),
        "get_updates_request": JsonRequest(httpx_kwargs={"transport": api.transport()}),
    }


@asynccontextmanager
async def running_bot(
    engine: Engine,
    store: Store | None = None,
    *,
    api: RecordingBotApi | None = None,
    **settings: Any,
) -> AsyncIterator[RunningBot]:
    """The real application polling a fresh fake Bot API through `httpx.MockTransport`."""
    own_store = store is None
    store = store if store is not None else Store.memory()
    fake = api if api is not None else RecordingBotApi()
    config = settings_for(fake, **settings)
    try:
        app = build_application(config, engine, store, **mocked(fake))
        async with started(app):
            yield RunningBot(fake, app, store, config)
    finally:
        if own_store:
            store.close()


class ThreadedFakeBotApi:
    """The fake Bot API on a loopback socket, in its own thread and event loop, for a bot
    running in a subprocess (`aiguilleur run`)."""

    def __init__(self, **kwargs: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-bot-api", daemon=True)
        self._kwargs = kwargs
        self.api: RecordingBotApi

    def __enter__(self) -> ThreadedFakeBotApi:
        self._thread.start()

        async def create() -> RecordingBotApi:
            return await RecordingBotApi(**self._kwargs).start()  # type: ignore[return-value]

        self.api = self.run(create())
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.run(self.api.stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    def run(self, coro: Awaitable[T], timeout: float = 30.0) -> T:
        async def wrap() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(wrap(), self._loop).result(timeout)

    def call(self, fn: Callable[[], T]) -> T:
        async def wrap() -> T:
            return fn()

        return self.run(wrap())
