"""/oubli: erase every row about the user, after a confirmation button."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from ...dialogue import Choice, Reply
from ..keyboards import keyboard
from ..messaging import edit_or_send, reply_html
from ..services import services

__all__ = ["CONFIRM", "oubli", "on_erase_choice"]

CONFIRM = "o:oui"
CANCEL = "o:non"


async def oubli(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    choices = (Choice("Oui, tout effacer", CONFIRM), Choice("Non, annuler", CANCEL))
    await reply_html(
        chat,
        "Voulez-vous que j'efface tout ce que je sais de vous : votre commune, l'historique de vos "
        "questions et vos avis ? Cette action est définitive.",
        keyboard(choices),
    )


async def on_erase_choice(update: Update, context: ContextTypes.DEFAULT_TYPE, data: str) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    chat = message.chat if message is not None else None
    if data == CONFIRM:
        svc = services(context)
        svc.store.erase(query.from_user.id)
        svc.forget_session(context.user_data)
        if context.user_data is not None:
            context.user_data.clear()
        await query.answer("Données effacées.")
        text = "C'est fait : j'ai effacé votre commune, vos questions et vos avis. Vous pouvez continuer à me poser des questions."
    elif data == CANCEL:
        await query.answer()
        text = "Rien n'a été effacé."
    else:
        await query.answer("Ce bouton n'est plus valable.")
        return
    await edit_or_send(message, chat, Reply("info", text))
