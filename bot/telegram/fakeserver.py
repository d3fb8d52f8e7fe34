"""A fake Telegram Bot API, for `aiguilleur bench-bot` and end-to-end tests.

It parses requests the way python-telegram-bot sends them (form fields whose non-string values
are JSON-encoded), serves `getUpdates` with real long polling from a queue of updates the caller
pushes, and checks what Telegram checks and a bot most often gets wrong: message length (4096),
HTML that Telegram could not parse, callback data over 64 bytes, more than 50 inline results.

Two ways in, one behaviour: `transport()` is an `httpx.MockTransport` for PTB's `HTTPXRequest`
(no socket: tests), `start()` serves HTTP/1.1 on 127.0.0.1 with h11 (benchmarks, a bot in
another process; `/control/…` endpoints let that process be driven). Test-only helpers (call
recording, button presses, failure injection) live in the test suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import urllib.parse
from collections import Counter
from typing import Any

import h11
import httpx
from telegram.constants import InlineKeyboardButtonLimit, InlineQueryLimit, MessageLimit

from .htmlcheck import check_html, plain

__all__ = ["ApiError", "FakeBotApi", "check_html", "main", "plain"]

HOST = "127.0.0.1"
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_CONNECTIONS = 64
MAX_POLL_SECONDS = 30.0
MAX_CONTROL_UPDATES = 100_000
MAX_LIFETIME_SECONDS = 3600.0

# How PTB encodes form fields: these are JSON, these integers, these booleans.
_JSON_FIELDS = frozenset(
    [
        "reply_markup",
        "results",
        "commands",
        "allowed_updates",
        "entities",
        "link_preview_options",
        "button",
        "scope",
        "reply_parameters",
        "caption_entities",
    ]
)
_INT_FIELDS = frozenset(
    [
        "offset",
        "limit",
        "timeout",
        "message_id",
        "cache_time",
        "max_connections",
        "reply_to_message_id",
        "message_thread_id",
    ]
)
_BOOL_FIELDS = frozenset(
    ["is_personal", "show_alert", "drop_pending_updates", "disable_notification", "protect_content"]
)
_ALWAYS_TRUE = frozenset(
    [
        "answerCallbackQuery",
        "setMyCommands",
        "deleteMyCommands",
        "sendChatAction",
        "deleteMessage",
        "close",
        "logOut",
        "setMyDescription",
        "setMyShortDescription",
    ]
)


class ApiError(Exception):
    """A Bot API error answer (`ok: false`)."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def _decode(key: str, value: str) -> Any:
    if key in _JSON_FIELDS:
        return json.loads(value)
    if key in _INT_FIELDS or key == "chat_id":
        with contextlib.suppress(ValueError):
            return int(value)
        return value
    if key in _BOOL_FIELDS:
        return value == "true"
    return value


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Request parameters from a form-encoded (PTB) or JSON body."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data
    if content_type.startswith("application/x-www-form-urlencoded"):
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        return {k: _decode(k, v) for k, v in pairs}
    raise ValueError(f"unsupported content type {content_type!r}")


class FakeBotApi:
    """The fake Bot API: push updates, point PTB at `transport()` or (after `start()`) `base_url`."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_id: int = 123456,
        username: str = "aiguilleur_test_bot",
        control: bool = False,
    ) -> None:
        self.token = token
        self.control = control
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Aiguilleur",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.counts: Counter[str] = Counter()
        self.sent_to: Counter[int] = Counter()
        self.webhook: dict[str, Any] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._chats: dict[int, dict[str, Any]] = {}
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Condition()
        self._new_update = asyncio.Event()
        self.port = 0

    # -- serving ----------------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """For `HTTPXRequest(httpx_kwargs={"transport": …})`: PTB talks to this fake, no socket."""

        async def handler(request: httpx.Request) -> httpx.Response:
            status, answer = await self.handle(
                request.url.path, request.headers.get("content-type", ""), await request.aread()
            )
            return httpx.Response(status, json=answer)

        return httpx.MockTransport(handler)

    async def start(self) -> FakeBotApi:
        """Serves HTTP on 127.0.0.1 (a free port) until `stop()`."""
        self._server = await asyncio.start_server(self._serve, HOST, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One keep-alive connection: h11 parses, `handle` answers (bounded headers and bodies)."""
        task = asyncio.current_task()
        if task is None or len(self._connections) >= MAX_CONNECTIONS:
            writer.close()
            return
        self._connections.add(task)
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_BYTES)
        try:
            while True:
                event = await _next_event(conn, reader)
                if not isinstance(event, h11.Request):
                    break
                body = bytearray()
                while isinstance(part := await _next_event(conn, reader), h11.Data):
                    body += part.data
                    if len(body) > MAX_BODY_BYTES:
                        raise ValueError("body too large")
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in event.headers}
                status, answer = await self.handle(
                    event.target.decode("latin-1"), headers.get("content-type", ""), bytes(body)
                )
                payload = json.dumps(answer).encode()
                response = h11.Response(
                    status_code=status,
                    headers=[("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
                )
                out = conn.send(response) or b""
                out += (conn.send(h11.Data(data=payload)) or b"") + (conn.send(h11.EndOfMessage()) or b"")
                writer.write(out)
                await writer.drain()
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    break
                conn.start_next_cycle()
        except (h11.ProtocolError, ConnectionError, ValueError, asyncio.CancelledError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Value for python-telegram-bot's `base_url` (the token is appended by PTB)."""
        return f"http://{HOST}:{self.port}/bot"

    # -- updates ----------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queues an update for getUpdates; assigns its update_id."""
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        for key in ("message", "edited_message", "callback_query"):
            message = update.get(key)
            if isinstance(message, dict):
                chat = message.get("chat") or (message.get("message") or {}).get("chat")
                if isinstance(chat, dict) and "id" in chat:
                    self._chats[chat["id"]] = chat
        self._new_update.set()
        return update

    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    async def wait_sent_to(self, chat_id: int, count: int = 1, within: float = 60.0) -> None:
        """Waits until `count` messages were sent to `chat_id` in total."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.sent_to[chat_id] >= count), within)

    # -- requests ---------------------------------------------------------------------------

    async def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """One HTTP request: (status, JSON answer)."""
        if self.control and path.startswith("/control/"):
            return await self._control(path[len("/control/") :], body)
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix) :].split("?")[0]
        try:
            params = parse_body(content_type, body)
        except ValueError:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse request"}
        try:
            result = await self.dispatch(method, params)
        except ApiError as exc:
            answer: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.retry_after is not None and exc.code == 429:
                answer["parameters"] = {"retry_after": exc.retry_after}
            self.counts["failed"] += 1
            return exc.code, answer
        self.counts[method] += 1
        if method != "getUpdates":
            async with self._changed:
                self._changed.notify_all()
        return 200, {"ok": True, "result": result}

    async def _control(self, command: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """`updates` queues a list of updates; `wait_sent` waits for messages to a chat; `counts`."""
        try:
            data = json.loads(body) if body else {}
            if command == "updates":
                updates = data["updates"]
                if not isinstance(updates, list) or len(updates) > MAX_CONTROL_UPDATES:
                    raise ValueError("updates must be a list of at most 100,000 updates")
                for update in updates:
                    self.push_update(dict(update))
                return 200, {"ok": True, "result": len(updates)}
            if command == "wait_sent":
                chat_id, count = int(data["chat_id"]), int(data["count"])
                within = min(float(data.get("timeout", 60)), MAX_POLL_SECONDS * 10)
                try:
                    await self.wait_sent_to(chat_id, count, within)
                except TimeoutError:
                    return 504, {"ok": False, "error_code": 504, "description": "timeout"}
                return 200, {"ok": True, "result": self.sent_to[chat_id]}
            if command == "counts":
                return 200, {"ok": True, "result": dict(self.counts)}
        except (KeyError, TypeError, ValueError) as exc:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    # -- Bot API methods --------------------------------------------------------------------

    async def dispatch(self, method: str, p: dict[str, Any]) -> Any:
        """The result of one Bot API method (raises `ApiError` where Telegram would refuse)."""
        if method == "getMe":
            return self.bot_user
        if method == "getUpdates":
            return await self._get_updates(p)
        if method == "sendMessage":
            return self.send_message(p)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self.edit_message(method, p)
        if method == "answerInlineQuery":
            results = p.get("results") or []
            if len(results) > InlineQueryLimit.RESULTS:
                raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
            for result in results:
                if len(str(result.get("id", "")).encode()) > 64:
                    raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
                content = result.get("input_message_content") or {}
                self.check_text(content.get("message_text", ""), content.get("parse_mode"))
                self.check_markup(result.get("reply_markup"))
            return True
        if method == "setWebhook":
            self.webhook = {"url": p.get("url", ""), "secret_token": p.get("secret_token")}
            return True
        if method == "deleteWebhook":
            self.webhook = {}
            return True
        if method == "getWebhookInfo":
            return {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
        if method in _ALWAYS_TRUE:
            return True
        raise ApiError(404, "Not Found")

    async def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(p.get("offset") or 0)
        limit = max(1, min(int(p.get("limit") or 100), 100))
        timeout = min(float(p.get("timeout") or 0), MAX_POLL_SECONDS)
        if offset:  # confirms every update before `offset`
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        return self._updates[:limit]

    def check_text(self, text: str, parse_mode: str | None) -> None:
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if parse_mode == "HTML":
            problem = check_html(text)
            if problem:
                raise ApiError(400, f"Bad Request: can't parse entities: {problem}")
            if len(text) > MessageLimit.MAX_TEXT_LENGTH:  # markup does not count, only what users see
                text = plain(text)
        if len(text) > MessageLimit.MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")

    def check_markup(self, markup: dict[str, Any] | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if (
                    data is not None
                    and not 1 <= len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
                ):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")

    def send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        text = str(p.get("text", ""))
        self.check_text(text, p.get("parse_mode"))
        self.check_markup(p.get("reply_markup"))
        chat_id = p.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
            "from": self.bot_user,
            "text": plain(text) if p.get("parse_mode") == "HTML" else text,
        }
        if p.get("message_thread_id"):
            message["message_thread_id"] = p["message_thread_id"]
            message["is_topic_message"] = True
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        self.sent_to[chat_id] += 1
        return message

    def edit_message(self, method: str, p: dict[str, Any]) -> Any:
        """Checks the edit; answers True (the test suite's recording fake tracks messages)."""
        if method == "editMessageText":
            self.check_text(str(p.get("text", "")), p.get("parse_mode"))
        self.check_markup(p.get("reply_markup"))
        return True


async def _next_event(conn: h11.Connection, reader: asyncio.StreamReader) -> object:
    """The next h11 event, reading from the socket as needed (`h11.ConnectionClosed` at EOF)."""
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        conn.receive_data(await reader.read(65536))


async def _serve_until_stopped(api: FakeBotApi, lifetime: float) -> None:
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Stop when the parent closes our stdin (it died or is done with us), where stdin can be watched.
    try:
        loop.add_reader(0, stop.set)
        watching = True
    except (OSError, ValueError):
        watching = False
    async with api:
        print(json.dumps({"port": api.port, "base_url": api.base_url, "token": api.token}), flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), lifetime)
    if watching:
        loop.remove_reader(0)


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.telegram.fakeserver`: serves on 127.0.0.1 for a benchmark in another process.

    Prints one JSON line (port, base_url, token), then serves until SIGTERM/SIGINT, the end of
    its standard input, or --max-seconds. Loopback only; control endpoints enabled.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.telegram.fakeserver", description=main.__doc__)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args(argv)
    api = FakeBotApi(args.token, control=True)
    asyncio.run(_serve_until_stopped(api, min(max(args.max_seconds, 1.0), MAX_LIFETIME_SECONDS)))
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised by the benchmark in a subprocess
    raise SystemExit(main())
