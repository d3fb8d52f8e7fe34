"""Sending dialogue replies: HTML rendering, splitting under Telegram's limit, keyboards, and
the right place (the chat, its forum topic, and in groups a quote of the question)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Chat, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest

from ..dialogue import Choice, Outcome, Reply
from ..render import HTML, render, split_message
from ..render.split import telegram_length
from .keyboards import keyboard
from .sending import Posted, send

__all__ = ["Sent", "Where", "edit_or_send", "reply_html", "send_outcome", "send_replies", "where"]

log = logging.getLogger(__name__)

LIMIT = MessageLimit.MAX_TEXT_LENGTH
# Telegram refuses an empty message; a reply made only of buttons gets this line.
CHOOSE = "Choisissez :"


@dataclass(frozen=True)
class Where:
    """Where replies go: the chat, its forum topic (None outside topics), the message to quote."""

    chat: Chat
    thread_id: int | None = None
    quote: Message | None = None

    def quoting(self, message: Message | None) -> Where:
        return Where(self.chat, self.thread_id, message)


@dataclass(frozen=True)
class Sent:
    """A message the bot sent, with the choices (buttons) it carries."""

    message: Posted
    choices: tuple[Choice, ...] = ()


def where(update: Update, *, quote: bool = False) -> Where | None:
    """Replies to `update` go to its chat and topic; `quote` quotes its message (groups)."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    thread_id = None
    if message is not None and getattr(message, "is_topic_message", False):
        thread_id = message.message_thread_id
    return Where(chat, thread_id, message if quote and isinstance(message, Message) else None)


def reply_text(reply: Reply) -> str:
    return render(reply, HTML) or CHOOSE


async def reply_html(to: Where, html_text: str, markup: InlineKeyboardMarkup | None = None) -> list[Posted]:
    """Sends already escaped HTML, split below Telegram's limit; the keyboard goes on the last
    part, the quote on the first."""
    parts = split_message(html_text, LIMIT)
    bot = to.chat.get_bot()
    sent: list[Posted] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        quote = to.quote if i == 0 else None
        reply_markup = markup if last else None
        reply = ReplyParameters(quote.message_id, allow_sending_without_reply=True) if quote else None
        sent.append(
            await send(
                bot,
                to.chat.id,
                part,
                reply_markup=reply_markup,
                message_thread_id=to.thread_id,
                reply_parameters=reply,
            )
        )
    return sent


def bundle(replies: Sequence[Reply]) -> list[tuple[str, tuple[Choice, ...]]]:
    """Groups replies into as few Telegram messages as possible: consecutive replies share a
    message when the text stays under the limit and no button would be lost, i.e. at most one
    of them has buttons (the card and "dans quelle commune ?", "C'est noté" and the card) or
    the later one's buttons are all on the earlier one already (a card's "démarche" with the
    card's own "En savoir plus"). One message instead of two: one Bot API call less, and less
    of the per-chat sending budget Telegram allows."""
    messages: list[tuple[str, tuple[Choice, ...]]] = []
    for reply in replies:
        text, choices = reply_text(reply), reply.choices
        if messages:
            previous, previous_choices = messages[-1]
            if _can_share(previous_choices, choices) and len(previous) + 2 + len(text) <= LIMIT:
                messages[-1] = (f"{previous}\n\n{text}", previous_choices or choices)
                continue
        messages.append((text, choices))
    return messages


def _can_share(previous: Sequence[Choice], later: Sequence[Choice]) -> bool:
    """True when one message can carry both replies' buttons: the earlier message's keyboard,
    or the later one's, already holds every button (same label, same action)."""
    if not previous or not later:
        return True
    offered = {(c.label, c.action) for c in previous}
    return all((c.label, c.action) in offered for c in later)


async def send_replies(to: Where, replies: Sequence[Reply]) -> list[Sent]:
    """Sends the replies (bundled); returns the messages that carry buttons, with their choices."""
    sent: list[Sent] = []
    for i, (text, choices) in enumerate(bundle(replies)):
        messages = await reply_html(to if i == 0 else to.quoting(None), text, keyboard(choices))
        if choices and messages:
            sent.append(Sent(messages[-1], choices))
    return sent


async def send_outcome(to: Where, outcome: Outcome) -> list[Sent]:
    return await send_replies(to, outcome.replies)


async def edit_or_send(message: Message | None, to: Where | None, reply: Reply) -> list[Sent]:
    """Replaces a message in place (pagination); sends a new one when it cannot be edited."""
    text = reply_text(reply)
    markup = keyboard(reply.choices)
    if message is not None and telegram_length(text) <= LIMIT:
        try:
            edited = await message.edit_text(text, reply_markup=markup)
            return (
                [Sent(Posted.of(edited), reply.choices)]
                if isinstance(edited, Message) and reply.choices
                else []
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return []
            log.info("Could not edit a message (%s); sending a new one.", type(exc).__name__)
    if to is None:
        return []
    return await send_replies(to.quoting(None), [reply])
