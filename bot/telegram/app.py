"""`build_application`: the python-telegram-bot application with every handler, in order.

Handler order matters (the first matching handler of a group wins), so it is spelled out in one
place below. Handlers live in `bot.telegram.handlers`, one concept per module. What PTB already
does is left to PTB: per-user ordering is an update processor (`ordering.PerUserOrder`), buttons
are routed by `CallbackQueryHandler(pattern=…)`, the retention purge is a `JobQueue` daily job,
admins get their own command menu (`BotCommandScopeChat`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from matching import Engine

from ..settings import Settings
from ..store import Store
from .handlers import admin, basics, conversation, errors, feedback, inline, media, privacy, territory
from .jsonrequest import JsonRequest
from .logs import install_privacy_filter
from .ordering import PerUserOrder
from .polling import GuardedBot
from .services import SERVICES_KEY, Services
from .services import services as services_of

__all__ = [
    "ADMIN_COMMANDS",
    "CALLBACK_PATTERNS",
    "COMMANDS",
    "PURGE_AT",
    "build_application",
    "quiet_http_logs",
]

log = logging.getLogger(__name__)

# The command menu Telegram shows (setMyCommands at start-up), in French.
COMMANDS = (
    ("start", "Présentation et exemples"),
    ("aide", "Comment m'utiliser"),
    ("catalogue", "Parcourir les offres Apec et les programmes ANCT"),
    ("territoire", "Voir ou changer ma commune"),
    ("contact", "Mes contacts Apec et ANCT"),
    ("oubli", "Effacer tout ce que le bot sait de moi"),
)
# Shown, in addition, to each admin in their private chat with the bot only.
ADMIN_COMMANDS = (
    ("stats", "Statistiques d'usage et questions sans réponse"),
    ("reload", "Recharger les connaissances (après validation)"),
)
# Callback data prefixes, each routed to its handler; any other data is a dialogue action.
CALLBACK_PATTERNS = {"erase": r"^o:", "vote": r"^f:", "example": r"^q:"}
PURGE_AT = dt.time(3, 17, tzinfo=dt.UTC)
# Before the next getUpdates confirms a batch, wait at most this long for it to be handled.
ACK_TIMEOUT = 30.0
MAX_CONNECTIONS = 256


def quiet_http_logs(token: str | None = None) -> None:
    """Keeps httpx/httpcore (request URLs hold the token) quiet and masks the token everywhere."""
    install_privacy_filter([token])


def build_application(
    settings: Settings,
    engine: Engine,
    store: Store,
    *,
    updater: bool = True,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    **builder_options: Any,
) -> Application:  # type: ignore[type-arg]
    """The bot, ready for `run_polling`/`run_webhook` (or `initialize`/`start` in tests).

    `request` / `get_updates_request` replace the HTTP layer (tests: `httpx.MockTransport`);
    `builder_options` are extra `ApplicationBuilder` calls.
    """
    token = settings.token
    if not token:
        raise ValueError("AIGUILLEUR_TELEGRAM_TOKEN is required")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    install_privacy_filter([token, secret])
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True), tzinfo=dt.UTC
    )
    options: dict[str, Any] = {}
    if settings.telegram_base_url:
        options["base_url"] = settings.telegram_base_url
    if settings.rate_limit:
        options["rate_limiter"] = AIORateLimiter(max_retries=2)
    bot = GuardedBot(
        token,
        defaults=defaults,
        # JSON bodies: no pure-Python percent-encoding of every card (see jsonrequest.py).
        request=request or JsonRequest(connection_pool_size=MAX_CONNECTIONS),
        get_updates_request=get_updates_request or JsonRequest(),
        **options,
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(PerUserOrder(settings.concurrent_updates))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if not updater:
        builder = builder.updater(None)
    for name, value in builder_options.items():
        builder = getattr(builder, name)(value)
    application: Application = builder.build()  # type: ignore[type-arg]
    services = Services(settings, engine, store)
    application.bot_data[SERVICES_KEY] = services
    bot.set_before_fetch(lambda: _caught_up(application, services))
    add_handlers(application)
    if application.job_queue is not None:
        application.job_queue.run_daily(purge_job, time=PURGE_AT, name="retention-purge")
    else:  # pragma: no cover - the job-queue extra is a dependency
        log.warning("No job queue: the retention purge runs at start-up only.")
    return application


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Every handler, in the order Telegram updates are tried against them."""
    new = filters.UpdateType.MESSAGE  # edited messages are ignored
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    handlers = [
        # 1. Free text, tried first because most updates are free text: every private message; in
        #    groups only mentions and replies to the bot. No later handler could take these
        #    updates (commands are ~filters.COMMAND's opposite; buttons and inline queries are
        #    other kinds of update), so going first only spares trying 13 handlers per message.
        MessageHandler(new & private & filters.TEXT & ~filters.COMMAND, conversation.on_text),
        MessageHandler(new & groups & filters.TEXT & ~filters.COMMAND, conversation.on_group_text),
        # 2. Commands, in private chats and groups (`/cmd@bot` in groups). /help is an alias of /aide.
        CommandHandler("start", basics.start, filters=new),
        CommandHandler(["aide", "help"], basics.aide, filters=new),
        CommandHandler("catalogue", basics.catalogue, filters=new),
        CommandHandler("territoire", territory.territoire, filters=new),
        CommandHandler("contact", basics.contact, filters=new),
        CommandHandler("oubli", privacy.oubli, filters=new),
        # 3. Admin commands: only for AIGUILLEUR_ADMIN_IDS, only in a private chat.
        CommandHandler("reload", admin.reload, filters=new),
        CommandHandler("stats", admin.stats, filters=new),
        # 4. Buttons: /oubli's confirmation, votes, /start's examples, then dialogue actions
        #    (stale or forged data included: answered politely).
        CallbackQueryHandler(privacy.on_erase_choice, pattern=CALLBACK_PATTERNS["erase"]),
        CallbackQueryHandler(feedback.on_vote, pattern=CALLBACK_PATTERNS["vote"]),
        CallbackQueryHandler(conversation.on_example, pattern=CALLBACK_PATTERNS["example"]),
        CallbackQueryHandler(conversation.on_action),
        # 5. Inline mode: @bot besoin [lieu] from any chat.
        InlineQueryHandler(inline.on_inline_query),
        # 6. Unknown commands in private chats (groups: other bots' commands are none of our business).
        MessageHandler(new & private & filters.COMMAND, basics.unknown_command),
        # 7. Stickers, photos, voice notes, documents… in private chats: we read text only.
        MessageHandler(new & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, media.on_non_text),
    ]
    application.add_handlers(handlers)
    # 8. The one error handler.
    application.add_error_handler(errors.on_error)


async def purge_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily retention purge (runs without any traffic)."""
    await services_of(context).purge()


async def _caught_up(application: Application, services: Services) -> bool:  # type: ignore[type-arg]
    """Waits until every fetched update was handled and its store writes are done, so the next
    getUpdates confirms only processed updates (see `polling.GuardedBot`); False once polling
    stops."""
    try:
        await asyncio.wait_for(application.update_queue.join(), ACK_TIMEOUT)
    except TimeoutError:
        log.warning("Updates still being handled after %.0f s: fetching more anyway.", ACK_TIMEOUT)
    if not await services.db.drain(ACK_TIMEOUT):
        log.warning("Store writes still pending: confirming the updates anyway.")
    return application.updater is not None and application.updater.running


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Start-up: the retention purge and the French command menus."""
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    await services.purge()
    bot = application.bot
    await bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS], scope=BotCommandScopeDefault())
    admin_menu = [BotCommand(n, d) for n, d in (*COMMANDS, *ADMIN_COMMANDS)]
    missing = 0
    for admin_id in sorted(services.settings.admin_ids):
        try:
            await bot.set_my_commands(admin_menu, scope=BotCommandScopeChat(admin_id))
        except TelegramError:
            missing += 1
    if missing:
        log.warning("Admin command menu not set for %d admin(s): they must first /start the bot.", missing)
    log.info("Aiguilleur ready as @%s with %d catalogue entries.", bot.username, len(services.engine.entries))


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    """Lets queued store writes finish (the caller closes the store)."""
    services = application.bot_data.get(SERVICES_KEY)
    if isinstance(services, Services):
        await asyncio.to_thread(services.db.stop)
