"""Inline mode: `@bot besoin [lieu]` from any chat gives up to 10 shareable answer cards."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.ext import ContextTypes

from matching import Entry, Territory

from ...dialogue import Reply
from ...render import HTML, render, split_message
from ..services import services
from .basics import DEEP_LINK_ENTRY

__all__ = ["MAX_INLINE_RESULTS", "on_inline_query"]

MAX_INLINE_RESULTS = 10
DESCRIPTION_CHARS = 200


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    text = query.query.strip()
    territory = svc.store.territory(query.from_user.id)
    if text:
        answer = svc.engine.ask(text, top=MAX_INLINE_RESULTS, territory=territory)
        territory = answer.territory or territory
        picks = [(e, r.reasons) for r in answer.results if (e := svc.engine.entry(r.id)) is not None]
    else:
        picks = [(e, ()) for e in svc.engine.entries]
    results = [_article(context, entry, reasons, territory) for entry, reasons in picks[:MAX_INLINE_RESULTS]]
    button = None
    if not results:
        button = InlineQueryResultsButton(
            text="Aucune réponse : poser la question au bot", start_parameter="inline"
        )
    await query.answer(results, cache_time=30, is_personal=True, button=button)


def _article(
    context: ContextTypes.DEFAULT_TYPE,
    entry: Entry,
    reasons: tuple[str, ...],
    territory: Territory | None,
) -> InlineQueryResultArticle:
    svc = services(context)
    related = tuple(e for r in entry.related[:2] if (e := svc.engine.entry(r)) is not None)
    contacts = svc.engine.contacts_for(entry.id, territory)
    card = Reply(
        "card", entry=entry, reasons=reasons, related=related, territory=territory, contacts=contacts
    )
    body = split_message(render(card, HTML), MessageLimit.MAX_TEXT_LENGTH)[0]
    who = f" — Contact : {contacts[0].organisation}" if contacts else ""
    description = (entry.summary + who)[:DESCRIPTION_CHARS]
    markup = None
    payload = DEEP_LINK_ENTRY + entry.id
    if len(payload) <= 64 and context.bot.username:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "Ouvrir dans Aiguilleur", url=f"https://t.me/{context.bot.username}?start={payload}"
                    )
                ]
            ]
        )
    return InlineQueryResultArticle(
        id=entry.id.encode()[:64].decode(errors="ignore"),
        title=entry.title[:100],
        description=description,
        input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML),
        reply_markup=markup,
    )
