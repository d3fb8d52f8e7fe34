"""The bot's HTTP requests to the Bot API: JSON bodies, files still uploaded as multipart forms,
PTB's errors on network failures (the network edge is an `httpx.MockTransport`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.ext import ExtBot

from bot.telegram.jsonrequest import JsonRequest

TOKEN = "123456:TEST-TOKEN"
ME = {"id": 123456, "is_bot": True, "first_name": "Aiguilleur", "username": "aiguilleur_test_bot"}
SENT = {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}, "text": "x"}


def _bot(handler: Callable[[httpx.Request], httpx.Response]) -> ExtBot[None]:
    request = JsonRequest(httpx_kwargs={"transport": httpx.MockTransport(handler)})
    return ExtBot(TOKEN, request=request, get_updates_request=request)


def test_a_message_goes_as_one_utf8_json_body_with_its_keyboard_as_an_object() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True, "result": SENT})

    async def main() -> None:
        bot = _bot(handler)
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Contacts et coordonnées", callback_data="n:x")]]
        )
        message = await bot.send_message(
            42, "<b>Revitalisation</b> à Alès", parse_mode="HTML", reply_markup=markup
        )
        assert message.message_id == 7

    asyncio.run(main())
    (request,) = seen
    assert request.headers["content-type"] == "application/json"
    assert "à Alès".encode() in request.content, "UTF-8, not escaped"
    params = json.loads(request.content)
    assert params["chat_id"] == 42
    assert params["parse_mode"] == "HTML"
    assert params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Contacts et coordonnées", "callback_data": "n:x"}]]
    }


def test_a_cards_keyboard_goes_as_python_telegram_bot_would_send_it() -> None:
    """The keyboards the bot builds are serialised once: the request carries what PTB's own
    markup gives, every time, whatever a caller does with an earlier copy."""
    from bot.dialogue import Choice
    from bot.telegram.keyboards import keyboard

    choices = (
        Choice("En savoir plus", "m:apec-job-meeting"),
        Choice("👍", "f:+:apec-job-meeting"),
        Choice("👎", "f:-:apec-job-meeting"),
    )
    markup = keyboard(choices)
    assert markup is not None
    plain = InlineKeyboardMarkup(markup.inline_keyboard)
    first = markup.to_dict()
    assert first == plain.to_dict()
    assert json.dumps(first) == json.dumps(plain.to_dict())
    first["inline_keyboard"][0][0]["text"] = "changé"
    first["inline_keyboard"].clear()
    assert markup.to_dict() == plain.to_dict()
    assert markup == plain


def test_files_are_still_uploaded_as_a_multipart_form() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True, "result": SENT})

    async def main() -> None:
        await _bot(handler).send_document(42, InputFile(b"a,b\n1,2\n", filename="stats.csv"))

    asyncio.run(main())
    assert seen[0].headers["content-type"].startswith("multipart/form-data")


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.ReadTimeout("slow"), TimedOut),
        (httpx.PoolTimeout("full"), TimedOut),
        (httpx.ConnectError("down"), NetworkError),
    ],
)
def test_network_failures_become_ptbs_errors(failure: Exception, error: type[Exception]) -> None:
    """Handlers and the error handler see the same exceptions as with PTB's own request class."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    async def main() -> None:
        await _bot(handler).send_message(42, "Bonjour")

    with pytest.raises(error):
        asyncio.run(main())
