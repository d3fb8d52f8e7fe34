"""Admin commands (ids in AIGUILLEUR_ADMIN_IDS, in a private chat with the bot): /reload
validates and swaps the knowledge, /stats shows activity and unanswered questions.

Both show what only admins may see (other users' questions, file names of the server), so in
a group they are refused even to an admin.
"""

from __future__ import annotations

import asyncio
import html
import logging
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from matching import KnowledgeError, default_knowledge_dir
from matching.validation import load_engine

from ...store import Stats
from ..memory import settle_again
from ..messaging import reply_html, where
from ..services import services

__all__ = ["PRIVATE_ONLY", "REFUSAL", "reload", "render_stats", "stats"]

log = logging.getLogger(__name__)

REFUSAL = "Désolé, cette commande est réservée aux administrateurs d'Aiguilleur."
PRIVATE_ONLY = "Cette commande d'administration ne s'utilise qu'en message privé avec le bot."
STORE_DOWN = "Statistiques indisponibles pour l'instant (la base ne répond pas). Réessayez dans un instant."
MAX_PROBLEMS_SHOWN = 30
STATS_TIMEOUT = 5.0
STATUS_LABELS = {"match": "réponse claire", "ambiguous": "plusieurs pistes", "no_match": "sans réponse"}


async def _admin_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True for an admin in a private chat; anyone else gets a refusal (nothing else)."""
    user, to = update.effective_user, where(update)
    if to is None:
        return False
    if to.chat.type != ChatType.PRIVATE:
        await reply_html(to, PRIVATE_ONLY)
        return False
    if services(context).is_admin(user.id if user else None):
        return True
    await reply_html(to, REFUSAL)
    return False


def _relative(text: str, directory: Path) -> str:
    """A problem as the admin reads it: file names relative to the knowledge directory."""
    for base in {str(directory), str(directory.resolve())}:
        text = text.replace(base.rstrip("/") + "/", "")
    return text


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-reads the knowledge; on any problem keeps serving the current one and lists the problems."""
    to = where(update)
    if to is None or not await _admin_only(update, context):
        return
    svc = services(context)
    directory = svc.settings.knowledge_dir or default_knowledge_dir()
    try:
        async with svc.reloading:  # two admins at once: one after the other
            engine = await asyncio.to_thread(
                load_engine, directory, require_territories=svc.engine.places is not None
            )
    except KnowledgeError as exc:
        problems = [html.escape(_relative(str(p), directory), quote=False) for p in exc.problems]
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = (
            f"<b>Connaissances invalides : {len(problems)} problème(s).</b> "
            "Je continue avec la version actuelle.\n" + "\n".join(f"• {p}" for p in shown)
        )
        if more:
            text += f"\n… et {more} autre(s). Lancez <code>aiguilleur validate</code> pour la liste complète."
        await reply_html(to, text)
        return
    except Exception as exc:  # an unexpected failure must not replace good knowledge either
        log.error("Reload failed (%s); still serving the previous knowledge.", type(exc).__name__)
        await reply_html(
            to,
            "<b>Rechargement impossible</b> (erreur inattendue, voir le journal du serveur). "
            "Je continue avec la version actuelle. Lancez <code>aiguilleur validate</code>.",
        )
        return
    svc.swap_engine(engine)
    settle_again()  # the old knowledge may go, the new one is frozen
    log.info("Knowledge reloaded: %d entries.", len(engine.entries))
    places = "avec" if engine.places is not None else "sans"
    await reply_html(
        to, f"Connaissances rechargées : {len(engine.entries)} entrées, {places} les tables de territoires."
    )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    to = where(update)
    if to is None or not await _admin_only(update, context):
        return
    found = await services(context).db.call("statistics", lambda s: s.stats(30), None, within=STATS_TIMEOUT)
    await reply_html(to, render_stats(found) if found is not None else STORE_DOWN)


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
