"""Stickers, photos, voice notes, documents…: the bot reads text only."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from ..messaging import reply_html, where

__all__ = ["TEXT_ONLY", "on_non_text"]

TEXT_ONLY = (
    "Je ne lis que le texte 🙂 Décrivez votre besoin en une phrase, par exemple "
    "« recruter un chef de projet Petites villes de demain ». Tapez /aide pour en savoir plus."
)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    to = where(update)
    if to is not None:
        await reply_html(to, TEXT_ONLY)
