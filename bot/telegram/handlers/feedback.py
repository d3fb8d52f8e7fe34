"""👍 / 👎 on an answer card: one vote per user and card, only on a card shown to that user."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from ...store import Vote
from ..services import services

__all__ = ["ALREADY", "NOT_YOURS", "STALE", "UNSAVED", "on_vote"]

STALE = "Ce bouton n'est plus valable. Posez à nouveau votre question."
NOT_YOURS = "Seule la personne qui a posé la question peut donner son avis sur cette réponse."
ALREADY = "Votre avis sur cette réponse est déjà enregistré."
UNSAVED = "Désolé, je n'ai pas pu enregistrer votre avis. Réessayez dans un instant."


async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Callback data `f:+:<entry id>` or `f:-:<entry id>` (the dialogue reads it and words the
    thanks; the store decides whether the vote counts)."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    user_id = query.from_user.id
    session = await svc.session(context.user_data, user_id)
    outcome = svc.dialogue.on_action(session, query.data or "")
    message = query.message
    if outcome.feedback is None or message is None:
        await query.answer(STALE)
        return
    entry_id, vote = outcome.feedback
    chat_id, message_id = message.chat.id, message.message_id
    result = await svc.db.call(
        "vote", lambda s: s.record_vote(user_id, chat_id, message_id, entry_id, vote), None
    )
    if result is None:
        await query.answer(UNSAVED)
        return
    if result is Vote.NOT_SHOWN:
        await query.answer(STALE if message.chat.type == ChatType.PRIVATE else NOT_YOURS)
        return
    thanks = outcome.replies[0].text if outcome.replies else None
    await query.answer(thanks if result is Vote.RECORDED else ALREADY)
    if isinstance(message, Message):
        await _remove_vote_buttons(message)


async def _remove_vote_buttons(message: Message) -> None:
    """The vote buttons go away once the card's owner voted (the other buttons stay)."""
    if message.reply_markup is None:
        return
    rows = [
        [b for b in row if not (b.callback_data and str(b.callback_data).startswith("f:"))]
        for row in message.reply_markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    with contextlib.suppress(BadRequest):
        await message.edit_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
