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
from telegram.constants import InlineQueryLimit, InlineQueryResultLimit, MessageLimit, ParseMode
from telegram.ext import ContextTypes
from telegram.helpers import create_deep_linked_url

from matching import Entry, Territory

from ...dialogue import Reply
from ...render import HTML, render, split_message
from ..services import services
from .basics import DEEP_LINK_ENTRY

__all__ = ["MAX_INLINE_RESULTS", "on_inline_query"]

MAX_INLINE_RESULTS = 10
assert MAX_INLINE_RESULTS <= InlineQueryLimit.RESULTS
DESCRIPTION_CHARS = 200
TITLE_CHARS = 100


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    text = query.query.strip()
    user_id = query.from_user.id
    territory = await svc.db.call("territory", lambda s: s.territory(user_id), None)
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
    if context.bot.username:
        try:
            url = create_deep_linked_url(context.bot.username, DEEP_LINK_ENTRY + entry.id)
        except ValueError:  # an id too long or with characters a deep link cannot carry
            url = None
        if url:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ouvrir dans Aiguilleur", url=url)]])
    limit = InlineQueryResultLimit.MAX_ID_LENGTH
    return InlineQueryResultArticle(
        id=entry.id.encode()[:limit].decode(errors="ignore"),
        title=entry.title[:TITLE_CHARS],
        description=description,
        input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML),
        reply_markup=markup,
    )
