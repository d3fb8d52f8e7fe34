"""Free text (private chats, and group messages addressed to the bot) and button presses."""

from __future__ import annotations

import re
import time

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import ContextTypes

from ..messaging import Sent, edit_or_send, send_outcome, where
from ..services import services

__all__ = ["addressed_text", "on_action", "on_example", "on_group_text", "on_text"]


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private message: a need, or the commune we asked for."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _answer(update, context, message.text)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group message: answered only when it mentions the bot or replies to it; silence otherwise."""
    message = update.effective_message
    if message is None:
        return
    text = addressed_text(message, context.bot.username, context.bot.id)
    if text is None:
        return
    await _answer(update, context, text, quote=True)


async def on_example(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An example need offered by /start (callback data `q:<text>`): handled as if typed."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await _answer(update, context, (query.data or "")[2:])


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
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, quote: bool = False
) -> None:
    started = time.perf_counter()
    to = where(update, quote=quote)
    if to is None:
        return
    svc = services(context)
    user = update.effective_user
    user_id = user.id if user else None
    session = await svc.session(context.user_data, user_id)
    before = session.territory
    outcome = svc.dialogue.on_text(session, text)
    sent = await send_outcome(to, outcome)
    svc.cards_shown(user_id, sent, text)
    svc.remember(user_id, session, before, outcome, text, started)


# Presses that replace the list they were pressed on (pages, a theme's entries) rather than
# piling up messages; "Ce n'est pas ça" on a card keeps the card and sends the themes below.
_IN_PLACE = ("c:", "t:")


async def on_action(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A dialogue button (entry, place, theme, page…); stale or forged data gets a polite
    answer, never an error."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    started = time.perf_counter()
    svc = services(context)
    user_id = query.from_user.id
    session = await svc.session(context.user_data, user_id)
    before = session.territory
    message = query.message if isinstance(query.message, Message) else None
    to = where(update, quote=message is not None and message.chat.type != ChatType.PRIVATE)
    outcome = svc.dialogue.on_action(session, data)
    await query.answer()
    first = outcome.replies[0] if outcome.replies else None
    sent: list[Sent] = []
    if first is not None and data.startswith(_IN_PLACE) and len(outcome.replies) == 1:
        sent = await edit_or_send(message, to, first)
    elif to is not None:
        sent = await send_outcome(to, outcome)
    # A card opened from a button answers the user's own last question, in a private chat only:
    # in a group, that question may be unrelated to what is on screen.
    private = message is None or message.chat.type == ChatType.PRIVATE
    svc.cards_shown(user_id, sent, session.last_query if private else None)
    svc.remember(user_id, session, before, outcome, None, started)
