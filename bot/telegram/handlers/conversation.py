"""Free text (private chats, and group messages addressed to the bot) and button presses."""

from __future__ import annotations

import contextlib
import logging
import re
import time

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from ...dialogue import Outcome
from ..messaging import edit_or_send, send_outcome
from ..services import services
from .privacy import on_erase_choice

__all__ = ["addressed_text", "on_callback", "on_group_text", "on_text"]

log = logging.getLogger(__name__)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private message: a need, or the commune we asked for."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _answer(update, context, message, message.text)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group message: answered only when it mentions the bot or replies to it; silence otherwise."""
    message = update.effective_message
    if message is None:
        return
    text = addressed_text(message, context.bot.username, context.bot.id)
    if text is None:
        return
    await _answer(update, context, message, text, quote=True)


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """The text without the bot's @mention when the message is for the bot, else None."""
    text = message.text or ""
    mention = f"@{username}".lower()
    mentioned = any(
        entity.type == MessageEntityType.MENTION and value.lower() == mention
        for entity, value in message.parse_entities([MessageEntityType.MENTION]).items()
    )
    replied = message.reply_to_message is not None and (
        message.reply_to_message.from_user is not None and message.reply_to_message.from_user.id == bot_id
    )
    if not (mentioned or replied):
        return None
    return re.sub(re.escape(f"@{username}"), " ", text, flags=re.IGNORECASE).strip()


async def _answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    text: str,
    *,
    quote: bool = False,
) -> None:
    started = time.perf_counter()
    svc = services(context)
    user = update.effective_user
    user_id = user.id if user else None
    session = svc.session(context.user_data, user_id)
    before = session.territory
    outcome = svc.dialogue.on_text(session, text)
    await send_outcome(message.chat, outcome, quote=message if quote else None)
    svc.remember(user_id, session, before, outcome, text, started)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press; stale or forged data gets a polite answer, never an error."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    if data.startswith("o:"):
        await on_erase_choice(update, context, data)
        return
    started = time.perf_counter()
    svc = services(context)
    user_id = query.from_user.id
    session = svc.session(context.user_data, user_id)
    before = session.territory
    message = query.message if isinstance(query.message, Message) else None
    chat = update.effective_chat
    if data.startswith("q:"):
        # An example need offered by /start: handled as if typed.
        await query.answer()
        text = data[2:]
        outcome = svc.dialogue.on_text(session, text)
        if chat is not None:
            await send_outcome(chat, outcome)
        svc.remember(user_id, session, before, outcome, text, started)
        return
    outcome = svc.dialogue.on_action(session, data)
    await _show(query, data, outcome, message)
    svc.remember(user_id, session, before, outcome, None, started)


# Presses that replace the list they were pressed on (pages, a theme's entries) rather than
# piling up messages; "Ce n'est pas ça" on a card keeps the card and sends the themes below.
_IN_PLACE = ("c:", "t:")


async def _show(query: CallbackQuery, data: str, outcome: Outcome, message: Message | None) -> None:
    first = outcome.replies[0] if outcome.replies else None
    if outcome.feedback is not None and first is not None:
        # 👍 / 👎: a short notice on the button, and the vote buttons go away (one vote per card).
        await query.answer(first.text)
        if message is not None and message.reply_markup is not None:
            rows = [
                [b for b in row if not (b.callback_data and str(b.callback_data).startswith("f:"))]
                for row in message.reply_markup.inline_keyboard
            ]
            rows = [row for row in rows if row]
            with contextlib.suppress(BadRequest):
                await message.edit_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
        return
    await query.answer()
    chat = message.chat if message is not None else None
    if first is not None and data.startswith(_IN_PLACE) and len(outcome.replies) == 1:
        await edit_or_send(message, chat, first)
        return
    if chat is None:
        return
    if message is not None and message.chat.type != ChatType.PRIVATE:
        await send_outcome(chat, outcome, quote=message)
    else:
        await send_outcome(chat, outcome)
