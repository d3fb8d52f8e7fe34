"""Which handler takes which update: the free-text handlers, tried first, take no update that any
other handler would take, so their place in the list changes nothing but the work of finding them
(python-telegram-bot's own `check_update` of every handler decides, on updates as Telegram
sends them)."""

from __future__ import annotations

import asyncio
from typing import Any

from fakebot import running_bot
from shared import shared_engine
from telegram import Update
from telegram.ext import BaseHandler

from bot.telegram.fakeupdates import message_update
from bot.telegram.handlers import basics, conversation, feedback, inline, media, privacy

GROUP = {"chat_id": -100777, "chat_type": "supergroup"}
BOT = {"id": 123456, "is_bot": True, "first_name": "Aiguilleur", "username": "aiguilleur_test_bot"}


def _raw_updates() -> list[tuple[dict[str, Any], Any]]:
    """Updates of every kind, with the callback that must take each (None: no handler)."""
    sent = message_update(7, "Une fiche", chat_id=1001, **{"from": BOT})["message"]

    def press(data: str) -> dict[str, Any]:
        query = {"id": "1", "from": {"id": 1001, "is_bot": False, "first_name": "C"}, "chat_instance": "c"}
        return {"callback_query": {**query, "data": data, "message": sent}}

    return [
        (message_update(1, "je cherche une aide pour mon commerce"), conversation.on_text),
        (message_update(2, "@aiguilleur_test_bot une aide", **GROUP), conversation.on_group_text),
        (message_update(3, "bonjour tout le monde", **GROUP), conversation.on_group_text),
        (message_update(4, "voir /aide plus tard"), conversation.on_text),
        (message_update(5, "/aide"), basics.aide),
        (message_update(6, "/start@aiguilleur_test_bot", **GROUP), basics.start),
        (message_update(7, "/start@autre_bot", **GROUP), None),
        (message_update(8, "/inconnue"), basics.unknown_command),
        (message_update(9, "/oubli"), privacy.oubli),
        (
            message_update(
                10,
                None,
                sticker={
                    "file_id": "s",
                    "file_unique_id": "u",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                },
            ),
            media.on_non_text,
        ),
        ({"edited_message": message_update(11, "une aide")["message"]}, None),
        (press("f:+:x"), feedback.on_vote),
        (press("o:oui"), privacy.on_erase_choice),
        (press("q:une aide pour mon commerce"), conversation.on_example),
        (press("m:x"), conversation.on_action),
        (
            {
                "inline_query": {
                    "id": "2",
                    "from": {"id": 1001, "is_bot": False, "first_name": "C"},
                    "query": "commerce",
                    "offset": "",
                }
            },
            inline.on_inline_query,
        ),
    ]


def _matching(handlers: list[BaseHandler[Any, Any, Any]], update: Update) -> list[Any]:
    return [h.callback for h in handlers if h.check_update(update) not in (None, False)]


def test_each_update_has_one_handler_and_free_text_overlaps_none() -> None:
    async def main() -> None:
        async with running_bot(shared_engine()) as bot:
            handlers = bot.app.handlers[0]
            assert [h.callback for h in handlers[:2]] == [conversation.on_text, conversation.on_group_text]
            for i, (raw, expected) in enumerate(_raw_updates()):
                update = Update.de_json({"update_id": 100 + i, **raw}, bot.app.bot)
                found = _matching(handlers, update)
                assert found[:1] == ([expected] if expected else []), raw
                if found and found[0] in (conversation.on_text, conversation.on_group_text):
                    assert found == found[:1], f"free text also matched by {found[1:]}"

    asyncio.run(main())
