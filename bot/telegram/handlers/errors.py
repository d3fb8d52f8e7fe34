"""The one error handler: logs where it failed (never the update's content nor the exception's
message, see `bot.telegram.logs`), apologises in French, never shows the exception."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from ..logs import private_traceback
from ..messaging import reply_html, where

__all__ = ["APOLOGY", "on_error"]

log = logging.getLogger(__name__)

APOLOGY = "Désolé, un problème technique m'a empêché de répondre. Réessayez dans un instant."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    transient = isinstance(error, NetworkError) and not isinstance(error, BadRequest)  # incl. TimedOut
    if transient or isinstance(error, RetryAfter | TimedOut | Forbidden):
        # Transient or user-side (blocked bot): nothing to fix, and no way to tell the user.
        log.warning("Telegram error on update %s: %s", update_id, type(error).__name__)
        return
    trace = private_traceback(error) if error is not None else "-"
    log.error("Error while handling update %s:\n%s", update_id, trace)
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    to = where(update)
    if to is None:
        return
    try:
        await reply_html(to, APOLOGY)
    except TelegramError as exc:
        log.warning("Could not send the apology: %s", type(exc).__name__)
