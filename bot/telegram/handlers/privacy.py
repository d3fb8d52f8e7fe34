"""/oubli: erase every row about the user, after a confirmation button."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from ...dialogue import Choice, Reply
from ..keyboards import keyboard
from ..messaging import edit_or_send, reply_html, where
from ..services import services

__all__ = ["CONFIRM", "ERASE_FAILED", "ERASED", "on_erase_choice", "oubli"]

CONFIRM = "o:oui"
CANCEL = "o:non"
ERASED = (
    "C'est fait : j'ai effacé votre commune, vos questions et vos avis. "
    "Vous pouvez continuer à me poser des questions."
)
ERASE_FAILED = (
    "Je n'ai pas pu effacer vos données pour l'instant (problème technique de mon côté). "
    "Rien n'est perdu : réessayez /oubli dans quelques minutes."
)


async def oubli(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    to = where(update)
    if to is None:
        return
    choices = (Choice("Oui, tout effacer", CONFIRM), Choice("Non, annuler", CANCEL))
    await reply_html(
        to,
        "Voulez-vous que j'efface tout ce que je sais de vous : votre commune, l'historique de vos "
        "questions et vos avis ? Cette action est définitive.",
        keyboard(choices),
    )


async def on_erase_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Callback data `o:…`: erase (and say so only once it is done), cancel, or a stale button."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    message = query.message if isinstance(query.message, Message) else None
    if data == CONFIRM:
        svc = services(context)
        removed = await svc.erase(query.from_user.id)
        if removed is None:
            await query.answer()
            await edit_or_send(message, where(update), Reply("info", ERASE_FAILED))
            return
        svc.forget_session(context.user_data)
        if context.user_data is not None:
            context.user_data.clear()
        await query.answer("Données effacées.")
        text = ERASED
    elif data == CANCEL:
        await query.answer()
        text = "Rien n'a été effacé."
    else:
        await query.answer("Ce bouton n'est plus valable.")
        return
    await edit_or_send(message, where(update), Reply("info", text))
