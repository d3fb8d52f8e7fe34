"""/territoire: show, set or change the user's commune (remembered in the store)."""

from __future__ import annotations

import html
import time

from telegram import Update
from telegram.ext import ContextTypes

from ..messaging import reply_html, send_outcome, where
from ..services import services

__all__ = ["territoire"]


async def territoire(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    to, user = where(update), update.effective_user
    if to is None or user is None:
        return
    started = time.perf_counter()
    svc = services(context)
    session = await svc.session(context.user_data, user.id)
    place = " ".join(context.args or ()).strip()
    if not place:
        session.awaiting_place = True
        session.last_query = None
        if session.territory is None:
            await reply_html(
                to, "Aucune commune enregistrée. Dans quelle commune êtes-vous ? (nom ou code postal)"
            )
        else:
            await reply_html(
                to,
                f"Votre territoire : <b>{html.escape(session.territory.label(), quote=False)}</b>.\n"
                "Écrivez une autre commune pour le changer, ou posez directement votre question.",
            )
        return
    before = session.territory
    outcome = svc.dialogue.on_place(session, place)
    sent = await send_outcome(to, outcome)
    svc.cards_shown(user.id, sent, None)
    svc.remember(user.id, session, before, outcome, place, started)
