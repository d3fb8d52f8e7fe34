"""`SendingBot`: python-telegram-bot's `ExtBot` with a `sendMessage` that skips reading the answer.

PTB turns the Message Telegram returns for every message sent into a `Message` (its chat,
sender, entities, keyboard: ≈ 120 attribute assignments for an answer card, ≈ 0.4 ms on a slow
machine), and this bot only keeps the sent message's chat and id. `SendingBot.post_html` sends
the same request as `Bot.send_message` (same parameters, same order, same bytes) through PTB's
own `_post`: defaults (parse mode, link previews), the rate limiter, timeouts and errors
(`BadRequest`, `Forbidden`, `RetryAfter`…) are PTB's; only the answer is read as a `Posted`.
`send`, the one way in, uses it when it can and PTB's `send_message` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict
from telegram.ext import ExtBot
from telegram.request._requestparameter import RequestParameter

__all__ = ["Posted", "SendingBot", "send"]

# `Bot.send_message`'s parameters that `Defaults` may fill, in the order PTB writes them.
_DEFAULTED = ("disable_notification", "link_preview_options", "parse_mode", "protect_content")


@dataclass(frozen=True, slots=True)
class Posted:
    """A message the bot sent or edited: where it is, which one it is."""

    chat_id: int
    message_id: int

    @classmethod
    def of(cls, message: Message) -> Posted:
        return cls(message.chat_id, message.message_id)


class SendingBot(ExtBot[Any]):
    """`ExtBot` with `post_html`, a `send_message` returning a `Posted` instead of a `Message`."""

    __slots__ = ("_sent_defaults",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self._sent_defaults: JSONDict | None = None

    def _send_defaults(self) -> JSONDict:
        """The values `Defaults` gives the parameters of `_DEFAULTED`, as sent (JSON-ready), None
        ones left out: PTB resolves them for every call, they cannot change after start-up."""
        if self._sent_defaults is None:
            data: JSONDict = dict.fromkeys(_DEFAULTED, DEFAULT_NONE)
            self._insert_defaults(data)
            resolved = {k: RequestParameter.from_input(k, v).value for k, v in data.items()}
            with self._unfrozen():
                self._sent_defaults = {k: v for k, v in resolved.items() if v is not None}
        return self._sent_defaults

    async def post_html(
        self,
        chat_id: int,
        text: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        message_thread_id: int | None = None,
        reply_parameters: ReplyParameters | None = None,
    ) -> Posted:
        """`send_message(chat_id, text, …)` with the bot's defaults, answered by a `Posted`;
        without arbitrary callback data only (see `send`, the one way in)."""
        # `Bot.send_message`'s dictionary in its order, without the None values `_post` drops.
        defaults = self._send_defaults()
        data: JSONDict = {"chat_id": chat_id, "text": text}
        for key in ("disable_notification", "link_preview_options"):
            if key in defaults:
                data[key] = defaults[key]
        if message_thread_id is not None:
            data["message_thread_id"] = message_thread_id
        for key in ("parse_mode", "protect_content"):
            if key in defaults:
                data[key] = defaults[key]
        if reply_markup is not None:
            data["reply_markup"] = reply_markup
        if reply_parameters is not None:
            data["reply_parameters"] = reply_parameters  # `_post` applies its defaults (quote parse mode)
        result = await self._post("sendMessage", data)
        return Posted(result["chat"]["id"], result["message_id"])


async def send(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    message_thread_id: int | None = None,
    reply_parameters: ReplyParameters | None = None,
) -> Posted:
    """Sends `text` as `bot.send_message` does: through `SendingBot.post_html` when the bot has
    it and no arbitrary callback data makes PTB rewrite keyboards, else PTB's own call."""
    if isinstance(bot, SendingBot) and bot.callback_data_cache is None:
        return await bot.post_html(
            chat_id,
            text,
            reply_markup=reply_markup,
            message_thread_id=message_thread_id,
            reply_parameters=reply_parameters,
        )
    message = await bot.send_message(
        chat_id,
        text,
        reply_markup=reply_markup,
        message_thread_id=message_thread_id,
        reply_parameters=reply_parameters,
    )
    return Posted.of(message)
