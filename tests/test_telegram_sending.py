"""The light `sendMessage` (`sending.send`): the very request PTB's `send_message` sends,
whatever the bot's defaults, PTB's errors, and the sent message's chat and id (the network
edge is the fake Bot API behind an `httpx.MockTransport`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from fakebot import RecordingBotApi
from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import AIORateLimiter, Defaults, ExtBot

from bot.telegram.jsonrequest import JsonRequest
from bot.telegram.messaging import Where, reply_html
from bot.telegram.polling import GuardedBot
from bot.telegram.sending import Posted, send

CHAT = 42
APP_DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True), tzinfo=dt.UTC
)
OTHER_DEFAULTS = Defaults(
    parse_mode=ParseMode.MARKDOWN_V2,
    disable_notification=True,
    protect_content=True,
    allow_sending_without_reply=False,
    link_preview_options=LinkPreviewOptions(prefer_small_media=True),
)
MARKUP = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("En savoir plus", callback_data="m:x")],
        [
            InlineKeyboardButton("👍", callback_data="f:+:x"),
            InlineKeyboardButton("👎", callback_data="f:-:x"),
        ],
    ]
)


def recording(api: RecordingBotApi, bodies: list[bytes]) -> JsonRequest:
    """The production request class; every sendMessage body is kept, then answered by `api`."""
    inner = api.transport()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sendMessage"):
            bodies.append(await request.aread())
        return await inner.handle_async_request(request)

    return JsonRequest(httpx_kwargs={"transport": httpx.MockTransport(handler)})


def bots(api: RecordingBotApi, bodies: list[bytes], **options: Any) -> tuple[ExtBot[Any], GuardedBot]:
    """PTB's own bot and this bot's, with the same options, on the same fake."""
    plain = ExtBot(api.token, request=recording(api, bodies), **options)
    guarded = GuardedBot(api.token, request=recording(api, bodies), **options)
    return plain, guarded


SENDS: list[dict[str, Any]] = [
    {},
    {"reply_markup": MARKUP},
    {"message_thread_id": 77},
    {"reply_parameters": ReplyParameters(5, allow_sending_without_reply=True)},
    {"reply_parameters": ReplyParameters(5)},
    {"reply_markup": MARKUP, "message_thread_id": 77, "reply_parameters": ReplyParameters(5)},
]


@pytest.mark.parametrize("options", [{"defaults": APP_DEFAULTS}, {"defaults": OTHER_DEFAULTS}, {}])
def test_send_sends_the_bytes_send_message_sends(options: dict[str, Any]) -> None:
    """Same parameters, same order, same defaults applied; the answer gives the message's id."""

    async def main() -> None:
        api = RecordingBotApi()
        expected: list[bytes] = []
        got: list[bytes] = []
        plain, _ = bots(api, expected, **options)
        _, guarded = bots(api, got, **options)
        for kwargs in SENDS:
            message = await plain.send_message(CHAT, "<b>Revitalisation</b> à Alès", **kwargs)
            posted = await send(guarded, CHAT, "<b>Revitalisation</b> à Alès", **kwargs)
            assert posted == Posted(CHAT, message.message_id + 1)
        assert got == expected
        assert len(set(got)) == len(SENDS)

    asyncio.run(main())


def test_send_goes_through_the_rate_limiter() -> None:
    """With AIORateLimiter (production), a 429 is retried as for `send_message`."""

    async def main() -> None:
        api = RecordingBotApi()
        bodies: list[bytes] = []
        _, guarded = bots(api, bodies, defaults=APP_DEFAULTS, rate_limiter=AIORateLimiter(max_retries=2))
        async with guarded:
            api.fail_next("sendMessage")  # retry after 1 s
            posted = await send(guarded, CHAT, "Bonjour")
        assert len(bodies) == 2
        assert bodies[0] == bodies[1]
        assert api.sent_message(api.calls_to("sendMessage")[-1])["message_id"] == posted.message_id

    asyncio.run(main())


@pytest.mark.parametrize(
    ("code", "description", "retry_after", "error"),
    [
        (403, "Forbidden: bot was blocked by the user", None, Forbidden),
        (400, "Bad Request: chat not found", None, BadRequest),
        (429, "Too Many Requests: retry after 3", 3, RetryAfter),
    ],
)
def test_send_raises_ptbs_errors(code: int, description: str, retry_after: int | None, error: type) -> None:
    async def main() -> None:
        api = RecordingBotApi()
        _, guarded = bots(api, [], defaults=APP_DEFAULTS)
        api.fail_next("sendMessage", code, description, retry_after)
        with pytest.raises(error):
            await send(guarded, CHAT, "Bonjour")

    asyncio.run(main())


def test_reply_html_sends_the_same_with_any_bot_and_returns_every_part() -> None:
    """Split parts, the quote on the first, the keyboard and topic as PTB's `Chat.send_message`
    would send them; each part's chat and id are returned."""
    text = "\n\n".join(f"Paragraphe {i} : " + "é" * 300 for i in range(20))

    async def main() -> None:
        api = RecordingBotApi()
        expected: list[bytes] = []
        got: list[bytes] = []
        plain, _ = bots(api, expected, defaults=APP_DEFAULTS)
        _, guarded = bots(api, got, defaults=APP_DEFAULTS)
        results = []
        for bot in (plain, guarded):
            chat = Chat(-100777, Chat.SUPERGROUP)
            chat.set_bot(bot)
            quote = Message(5, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), chat)
            results.append(await reply_html(Where(chat, 77, quote), text, MARKUP))
        assert got == expected
        ptb, ours = results
        assert len(ours) == len(ptb) > 1
        assert [p.message_id for p in ours] == [p.message_id + len(ptb) for p in ptb]
        assert all(p.chat_id == -100777 for p in ours)

    asyncio.run(main())
