"""Sending dialogue replies: HTML rendering, splitting under 4096 characters, keyboards."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Chat, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from ..dialogue import Choice, Outcome, Reply
from ..render import HTML, TELEGRAM_LIMIT, render, split_message
from .keyboards import keyboard

__all__ = ["edit_or_send", "reply_html", "send_outcome", "send_replies"]

log = logging.getLogger(__name__)

# Telegram refuses an empty message; a reply made only of buttons gets this line.
CHOOSE = "Choisissez :"


def reply_text(reply: Reply) -> str:
    return render(reply, HTML) or CHOOSE


async def reply_html(
    chat: Chat,
    html_text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    quote: Message | None = None,
) -> Message:
    """Sends already escaped HTML, split below Telegram's limit; the keyboard goes on the last part."""
    parts = split_message(html_text)
    sent: Message | None = None
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if quote is not None and i == 0:
            sent = await quote.reply_html(part, reply_markup=markup if last else None, do_quote=True)
        else:
            sent = await chat.send_message(part, reply_markup=markup if last else None)
    assert sent is not None
    return sent


def bundle(replies: Sequence[Reply]) -> list[tuple[str, tuple[Choice, ...]]]:
    """Groups replies into as few Telegram messages as possible: consecutive replies share a
    message when at most one of them has buttons and the text stays under the limit (e.g. the
    card and "dans quelle commune ?", or "C'est noté" and the card)."""
    messages: list[tuple[str, tuple[Choice, ...]]] = []
    for reply in replies:
        text, choices = reply_text(reply), reply.choices
        if messages:
            previous, previous_choices = messages[-1]
            if not (previous_choices and choices) and len(previous) + 2 + len(text) <= TELEGRAM_LIMIT:
                messages[-1] = (f"{previous}\n\n{text}", previous_choices or choices)
                continue
        messages.append((text, choices))
    return messages


async def send_replies(chat: Chat, replies: Sequence[Reply], *, quote: Message | None = None) -> None:
    for i, (text, choices) in enumerate(bundle(replies)):
        await reply_html(chat, text, keyboard(choices), quote=quote if i == 0 else None)


async def send_outcome(chat: Chat, outcome: Outcome, *, quote: Message | None = None) -> None:
    await send_replies(chat, outcome.replies, quote=quote)


async def edit_or_send(message: Message | None, chat: Chat | None, reply: Reply) -> None:
    """Replaces a message in place (pagination); sends a new one when it cannot be edited."""
    text = reply_text(reply)
    markup = keyboard(reply.choices)
    if message is not None and len(text) <= 4096:
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.info("Could not edit a message (%s); sending a new one.", type(exc).__name__)
    if chat is not None:
        await reply_html(chat, text, markup)
