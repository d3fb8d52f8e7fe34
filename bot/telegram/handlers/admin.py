"""Admin commands (ids in AIGUILLEUR_ADMIN_IDS): /reload validates and swaps the knowledge, /stats."""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Update
from telegram.ext import ContextTypes

from matching import Engine, KnowledgeError

from ...store import Stats
from ..messaging import reply_html
from ..services import services

__all__ = ["REFUSAL", "reload", "render_stats", "stats"]

log = logging.getLogger(__name__)

REFUSAL = "Désolé, cette commande est réservée aux administrateurs d'Aiguilleur."
MAX_PROBLEMS_SHOWN = 30
STATUS_LABELS = {"match": "réponse claire", "ambiguous": "plusieurs pistes", "no_match": "sans réponse"}


async def _admin_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user, chat = update.effective_user, update.effective_chat
    if services(context).is_admin(user.id if user else None):
        return True
    if chat is not None:
        await reply_html(chat, REFUSAL)
    return False


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-reads the knowledge; on any problem keeps serving the current one and lists the problems."""
    chat = update.effective_chat
    if chat is None or not await _admin_only(update, context):
        return
    svc = services(context)
    try:
        engine = await asyncio.to_thread(Engine.load, svc.settings.knowledge_dir)
    except KnowledgeError as exc:
        problems = [html.escape(str(p), quote=False) for p in exc.problems]
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = (
            f"<b>Connaissances invalides : {len(problems)} problème(s).</b> "
            "Je continue avec la version actuelle.\n" + "\n".join(f"• {p}" for p in shown)
        )
        if more:
            text += f"\n… et {more} autre(s). Lancez <code>aiguilleur validate</code> pour la liste complète."
        await reply_html(chat, text)
        return
    svc.swap_engine(engine)
    log.info("Knowledge reloaded: %d entries.", len(engine.entries))
    places = "avec" if engine.places is not None else "sans"
    await reply_html(
        chat, f"Connaissances rechargées : {len(engine.entries)} entrées, {places} les tables de territoires."
    )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or not await _admin_only(update, context):
        return
    await reply_html(chat, render_stats(services(context).store.stats(30)))


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def render_stats(s: Stats) -> str:
    lines = [
        f"<b>Statistiques des {s.days} derniers jours</b>",
        f"Questions : {s.questions} (utilisateurs : {s.users})",
    ]
    for status, count in s.by_status.items():
        lines.append(f"• {STATUS_LABELS.get(status, esc(status))} : {count}")
    if s.median_latency_ms is not None:
        lines.append(f"Temps de réponse médian : {s.median_latency_ms} ms")
    if s.top_entries:
        lines.append("\n<b>Réponses les plus données</b>")
        lines.extend(f"• {esc(entry)} : {count}" for entry, count in s.top_entries)
    if s.unanswered:
        lines.append("\n<b>Questions sans réponse</b>")
        lines.extend(f"• « {esc(q[:200])} » × {count}" for q, count in s.unanswered)
    if s.feedback:
        lines.append("\n<b>Avis (👍 / 👎)</b>")
        lines.extend(f"• {esc(entry)} : {up} / {down}" for entry, (up, down) in s.feedback.items())
    if not s.questions and not s.feedback:
        lines.append("Aucune activité sur la période.")
    return "\n".join(lines)
