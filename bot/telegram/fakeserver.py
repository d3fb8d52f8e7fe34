"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and the bot benchmark.

It speaks HTTP/1.1 with keep-alive (what python-telegram-bot's httpx client uses for a custom
`base_url`), parses requests the way PTB sends them (form-encoded fields whose non-string values
are JSON-encoded), serves `getUpdates` with real long polling from a queue of updates the caller
pushes, and records every call so tests can wait for the bot's replies.

It checks what Telegram checks and a bot most often gets wrong: message length (4096), HTML
that Telegram could not parse, callback data over 64 bytes, more than 50 inline results.

Bounded on purpose: loopback only, a cap on connections, header and body sizes, and on the
number of calls recorded. It never reaches the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["Call", "FakeBotApi", "ThreadedFakeBotApi", "check_html", "main", "message_update"]

HOST = "127.0.0.1"
MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_CONNECTIONS = 64
MAX_RECORDED_CALLS = 200_000
MAX_POLL_SECONDS = 30.0
MAX_CONTROL_UPDATES = 100_000
MAX_LIFETIME_SECONDS = 3600.0

_JSON_FIELDS = frozenset(
    {
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
    }
)
_INT_FIELDS = frozenset(
    {"offset", "limit", "timeout", "message_id", "cache_time", "max_connections", "reply_to_message_id"}
)
_BOOL_FIELDS = frozenset(
    {"is_personal", "show_alert", "drop_pending_updates", "disable_notification", "protect_content"}
)

# Telegram's HTML subset (https://core.telegram.org/bots/api#html-style).
_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_SPECIAL = re.compile(r"[<>&]")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")

T = TypeVar("T")


def check_html(text: str) -> str | None:
    """Why Telegram would refuse `text` in HTML parse mode, or None when it parses."""
    stack: list[str] = []
    position = 0
    for special in _SPECIAL.finditer(text):
        i = special.start()
        if i < position:  # inside a tag or an entity already read
            continue
        char = special.group()
        if char == "<":
            match = _TAG.match(text, i)
            if match is None:
                return f"unsupported start tag at byte offset {i}"
            closing, name = match.group(1), match.group(2).lower()
            if name not in _ALLOWED_TAGS:
                return f'unsupported start tag "{name}" at byte offset {i}'
            if closing:
                if not stack or stack[-1] != name:
                    return f'unexpected end tag "{name}" at byte offset {i}'
                stack.pop()
            else:
                stack.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                return f"unsupported entity at byte offset {i}"
            position = match.end()
        else:
            return f'unexpected ">" at byte offset {i}'
    if stack:
        return f'unclosed tag "{stack[-1]}"'
    return None


def _plain(text: str) -> str:
    """Text as a user would see it (tags removed, entities decoded)."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", text))


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
        """Inline keyboard buttons of the call's reply_markup, row by row flattened."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def plain_text(self) -> str:
        return _plain(str(self.params.get("text", "")))


class ApiError(Exception):
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


class FakeBotApi:
    """The fake server; create it, `await start()`, point PTB's `base_url` at `base_url`."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_id: int = 123456,
        username: str = "aiguilleur_test_bot",
        record: bool = True,
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
        self.record = record
        self.calls: list[Call] = []
        self.failed: list[tuple[Call, int, str]] = []
        self.counts: Counter[str] = Counter()
        self.sent_to: Counter[int] = Counter()
        self.webhook: dict[str, Any] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._failures: dict[str, list[ApiError]] = {}
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._changed: asyncio.Condition | None = None
        self._new_update: asyncio.Event | None = None
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        self._changed = asyncio.Condition()
        self._new_update = asyncio.Event()
        self._server = await asyncio.start_server(self._serve, HOST, 0, limit=MAX_HEADER_BYTES)
        self.port = self._server.sockets[0].getsockname()[1]
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
                if chat:
                    self._chats[chat["id"]] = chat
        if self._new_update is not None:
            self._new_update.set()
        return update

    def pending_updates(self) -> int:
        return len(self._updates)

    @staticmethod
    def user(user_id: int, first_name: str = "Camille", username: str | None = None) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": "fr",
        }
        if username:
            user["username"] = username
        return user

    def message(
        self,
        text: str | None = None,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Queues a message update as Telegram sends it (entities computed for commands and mentions)."""
        return self.push_update(
            message_update(
                next(self._message_ids),
                text,
                user_id=user_id,
                chat_id=chat_id,
                chat_type=chat_type,
                reply_to=reply_to,
                **extra,
            )
        )

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
        key = (int(call["chat_id"]), int(call.params["_message_id"]))
        return dict(self._messages[key])

    # -- failure injection ------------------------------------------------------------------

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
        assert self._changed is not None, "server not started"

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

    async def wait_count(self, method: str, count: int, within: float = 60.0) -> None:
        """Waits until `method` was called `count` times in total (works with record=False)."""
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.counts[method] >= count), within)

    async def wait_sent_to(self, chat_id: int, count: int = 1, within: float = 60.0) -> None:
        """Waits until `count` messages were sent to `chat_id` in total (works with record=False)."""
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.sent_to[chat_id] >= count), within)

    # -- HTTP -------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        if len(self._connections) >= MAX_CONNECTIONS:
            writer.close()
            return
        self._connections.add(task)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                status, body = await self._respond(*request)
                payload = json.dumps(body).encode()
                writer.write(
                    f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(payload)}\r\nConnection: keep-alive\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _respond(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        if self.control and path.startswith("/control/"):
            return await self._control(path[len("/control/") :], body)
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix) :].split("?")[0]
        try:
            params = _parse_body(headers.get("content-type", ""), body)
        except ValueError:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse request"}
        call = Call(method, params)
        try:
            failures = self._failures.get(method)
            if failures:
                raise failures.pop(0)
            result = await self._dispatch(method, params)
        except ApiError as exc:
            answer: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.retry_after is not None and exc.code == 429:
                answer["parameters"] = {"retry_after": exc.retry_after}
            self.failed.append((call, exc.code, exc.description))
            self.counts["failed"] += 1
            return exc.code, answer
        await self._record(call)
        return 200, {"ok": True, "result": result}

    async def _record(self, call: Call) -> None:
        assert self._changed is not None
        self.counts[call.method] += 1
        if call.method == "getUpdates":
            return
        if self.record and len(self.calls) < MAX_RECORDED_CALLS:
            self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    # -- control (benchmarks driving a fake in another process) -----------------------------

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

    async def _dispatch(self, method: str, p: dict[str, Any]) -> Any:
        if method == "getMe":
            return self.bot_user
        if method == "getUpdates":
            return await self._get_updates(p)
        if method == "sendMessage":
            return self._send_message(p)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._edit_message(method, p)
        if method == "answerInlineQuery":
            results = p.get("results") or []
            if len(results) > 50:
                raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
            for result in results:
                if len(str(result.get("id", "")).encode()) > 64:
                    raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
                content = result.get("input_message_content") or {}
                self._check_text(content.get("message_text", ""), content.get("parse_mode"))
                self._check_markup(result.get("reply_markup"))
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
        if method in (
            "answerCallbackQuery",
            "setMyCommands",
            "deleteMyCommands",
            "sendChatAction",
            "deleteMessage",
            "close",
            "logOut",
            "setMyDescription",
            "setMyShortDescription",
        ):
            return True
        raise ApiError(404, "Not Found")

    async def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._new_update is not None
        offset = int(p.get("offset") or 0)
        limit = max(1, min(int(p.get("limit") or 100), 100))
        timeout = min(float(p.get("timeout") or 0), MAX_POLL_SECONDS)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        return self._updates[:limit]

    def _check_text(self, text: str, parse_mode: str | None) -> None:
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if parse_mode == "HTML":
            problem = check_html(text)
            if problem:
                raise ApiError(400, f"Bad Request: can't parse entities: {problem}")
            if len(text) > 4096:  # markup does not count, only what the user sees
                text = _plain(text)
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")

    def _check_markup(self, markup: dict[str, Any] | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if "callback_data" in button and not 1 <= len(button["callback_data"].encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        text = str(p.get("text", ""))
        self._check_text(text, p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        chat_id = p.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
            "from": self.bot_user,
            "text": _plain(text) if p.get("parse_mode") == "HTML" and self.record else text,
        }
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        if self.record:  # kept for editMessageText; not in benchmarks, to stay bounded
            self._messages[(chat_id, message_id)] = message
        self.sent_to[chat_id] += 1
        p["_message_id"] = message_id
        return message

    def _edit_message(self, method: str, p: dict[str, Any]) -> Any:
        if method == "editMessageText":
            self._check_text(str(p.get("text", "")), p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        if p.get("inline_message_id"):
            return True
        key = (p.get("chat_id"), p.get("message_id"))
        message = self._messages.get(key)  # type: ignore[arg-type]
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        updated = dict(message)
        if method == "editMessageText":
            updated["text"] = _plain(p["text"]) if p.get("parse_mode") == "HTML" else p["text"]
        if p.get("reply_markup"):
            updated["reply_markup"] = p["reply_markup"]
        else:
            updated.pop("reply_markup", None)
        if updated == message:
            raise ApiError(400, "Bad Request: message is not modified")
        self._messages[key] = updated  # type: ignore[index]
        p["_message_id"] = updated["message_id"]
        return updated


def message_update(
    message_id: int,
    text: str | None = None,
    *,
    user_id: int = 1001,
    chat_id: int | None = None,
    chat_type: str = "private",
    reply_to: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A message update (without its update_id), as Telegram sends it."""
    chat_id = chat_id if chat_id is not None else user_id
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = "Camille"
    else:
        chat["title"] = "Groupe de test"
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat,
        "from": FakeBotApi.user(user_id),
        **extra,
    }
    if text is not None:
        message["text"] = text
        entities = _entities(text)
        if entities:
            message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"message": message}


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, with offsets in UTF-16 code units like Telegram."""
    entities = []
    for match in re.finditer(r"(?<![\w/])(/[a-zA-Z0-9_]+(?:@[a-zA-Z0-9_]+)?|@[a-zA-Z0-9_]{3,})", text):
        offset = len(text[: match.start()].encode("utf-16-le")) // 2
        length = len(match.group(0).encode("utf-16-le")) // 2
        kind = "mention" if match.group(0).startswith("@") else "bot_command"
        if kind == "bot_command" and match.start() != 0:
            continue
        entities.append({"type": kind, "offset": offset, "length": length})
    return entities


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data
    if content_type.startswith("application/x-www-form-urlencoded"):
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        return {k: _decode(k, v) for k, v in pairs}
    raise ValueError(f"unsupported content type {content_type!r}")


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise ValueError("bad request line")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if length < 0 or length > MAX_BODY_BYTES:
        raise ValueError("body too large")
    body = await reader.readexactly(length) if length else b""
    return parts[1], headers, body


class ThreadedFakeBotApi:
    """The fake server in its own thread and event loop, for a bot running in a subprocess."""

    def __init__(self, **kwargs: Any) -> None:
        self.api = FakeBotApi(**kwargs)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-bot-api", daemon=True)

    def __enter__(self) -> ThreadedFakeBotApi:
        self._thread.start()
        self.run(self.api.start())
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
    parser.add_argument(
        "--record", action="store_true", help="record every call (memory grows with the calls)"
    )
    args = parser.parse_args(argv)
    api = FakeBotApi(args.token, record=args.record, control=True)
    asyncio.run(_serve_until_stopped(api, min(max(args.max_seconds, 1.0), MAX_LIFETIME_SECONDS)))
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised by the benchmark in a subprocess
    raise SystemExit(main())
