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

import httpx
from telegram.constants import InlineKeyboardButtonLimit, InlineQueryLimit, MessageLimit

from .fakehttp import MAX_POLL_SECONDS, LoopbackHTTP
from .htmlcheck import check_html, plain

__all__ = ["ApiError", "FakeBotApi", "check_html", "plain"]


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


class FakeBotApi(LoopbackHTTP):
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
        self.port = 0
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
