"""/start (with deep links), /aide, /catalogue, /contact and unknown commands."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from ...dialogue import MAX_ACTION_BYTES, Choice, Reply, action
from ...render import HTML, contact_lines, territory_line
from ..keyboards import keyboard
from ..messaging import reply_html, send_outcome, send_replies, where
from ..services import services

__all__ = ["DEEP_LINK_ENTRY", "aide", "catalogue", "contact", "deep_link", "start", "unknown_command"]

DEEP_LINK_ENTRY = "e-"
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

GREETING = (
    "<b>Bonjour !</b> Je suis Aiguilleur.\n"
    "Décrivez en une phrase le besoin de votre collectivité : je vous indique l'offre Apec ou le "
    "programme ANCT qui y répond, pourquoi, quoi faire ensuite, et qui contacter sur votre territoire.\n\n"
    "Quelques exemples :"
)
HELP = (
    "<b>Comment m'utiliser</b>\n"
    "Écrivez votre besoin avec vos mots, par exemple « recruter un chef de projet Petites villes de demain "
    "à Guingamp ». Les sigles sont compris (PVD, ACV, QPV, CRTE…). Ajoutez votre commune pour obtenir "
    "le bon contact local : je m'en souviendrai.\n\n"
    "/catalogue — parcourir les offres Apec et les programmes ANCT\n"
    "/territoire — voir ou changer votre commune (ex. <code>/territoire Guingamp</code>)\n"
    "/contact — vos contacts Apec et ANCT\n"
    "/oubli — effacer tout ce que je sais de vous\n"
    "/aide — ce message\n\n"
    "Dans n'importe quelle discussion, tapez <code>@{username} votre besoin</code> pour partager une réponse."
)
FALLBACK_EXAMPLES = (
    "recruter un chef de projet Petites villes de demain",
    "revitaliser notre centre-bourg",
    "aider les jeunes diplômés à trouver un emploi",
)


def examples(context: ContextTypes.DEFAULT_TYPE, count: int = 3) -> list[str]:
    """Example needs from the catalogue (one per theme, short enough for a button's data)."""
    found: list[str] = []
    themes: set[str] = set()
    for entry in services(context).engine.entries:
        if entry.themes and entry.themes[0] in themes:
            continue
        example = next((e for e in entry.examples if len(f"q:{e}".encode()) <= MAX_ACTION_BYTES), None)
        if example:
            found.append(example)
            themes.update(entry.themes[:1])
        if len(found) == count:
            return found
    return (found + [e for e in FALLBACK_EXAMPLES if e not in found])[:count]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greeting with three example needs; `/start e-<entry id>` opens a catalogue entry."""
    to = where(update)
    if to is None:
        return
    if context.args and await deep_link(update, context, context.args[0]):
        return
    choices = tuple(Choice(e, action("q", e)) for e in examples(context))
    await reply_html(to, GREETING, keyboard(choices))


async def deep_link(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> bool:
    """Handles a deep-link payload; False when it is not one we know (greeting follows)."""
    to = where(update)
    if to is None or not _PAYLOAD.match(payload) or not payload.startswith(DEEP_LINK_ENTRY):
        return False
    svc = services(context)
    user = update.effective_user
    user_id = user.id if user else None
    session = await svc.session(context.user_data, user_id)
    entry_id = payload[len(DEEP_LINK_ENTRY) :]
    if svc.engine.entry(entry_id) is None:
        await reply_html(
            to,
            "Ce lien ne correspond plus à une offre du catalogue. Tapez /catalogue pour parcourir les offres.",
        )
        return True
    sent = await send_outcome(to, svc.dialogue.on_action(session, action("e", entry_id)))
    svc.cards_shown(user_id, sent, None)
    return True


async def aide(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    to = where(update)
    if to is not None:
        await reply_html(to, HELP.format(username=context.bot.username))


async def catalogue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    to = where(update)
    if to is not None:
        await send_replies(to, [services(context).dialogue.catalogue_page(0)])


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Whom to contact for the user's territory: APEC delegation, préfecture, national referents."""
    to, user = where(update), update.effective_user
    if to is None:
        return
    svc = services(context)
    territory = (await svc.session(context.user_data, user.id if user else None)).territory
    router = svc.engine.router
    contacts = (router.apec(territory), router.anct(territory), *router.referents())
    lines = ["<b>Vos contacts</b>"]
    if territory is not None:
        lines.append(f"<b>Territoire :</b> {territory_line(territory, HTML)}")
    else:
        lines.append("<i>Indiquez votre commune avec /territoire pour obtenir vos contacts locaux.</i>")
    lines.extend(contact_lines(contacts, HTML))
    await reply_html(to, "\n".join(lines))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    to = where(update)
    if to is not None:
        await send_replies(
            to,
            [Reply("info", "Commande inconnue. Tapez /aide pour voir ce que je sais faire.")],
        )
