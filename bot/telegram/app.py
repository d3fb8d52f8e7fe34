"""`build_application`: the python-telegram-bot application with every handler, in order.

Handler order matters (the first matching handler of a group wins), so it is spelled out in one
place below. Handlers live in `bot.telegram.handlers`, one concept per module.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
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

from matching import Engine

from ..settings import Settings
from ..store import Store
from .handlers import admin, basics, conversation, errors, inline, media, privacy, territory
from .services import SERVICES_KEY, Services
from .services import services as services_of

__all__ = ["COMMANDS", "TokenRedactingFilter", "build_application", "quiet_http_logs"]

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


class TokenRedactingFilter(logging.Filter):
    """Replaces the bot token in any log record (messages, arguments, tracebacks)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "<token>")
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "<token>")
        return True


def quiet_http_logs(token: str | None = None) -> None:
    """httpx logs every request URL at INFO, and Bot API URLs contain the token: keep it at WARNING."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if token:
        redactor = TokenRedactingFilter(token)
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, TokenRedactingFilter) for f in handler.filters):
                handler.addFilter(redactor)


def build_application(
    settings: Settings,
    engine: Engine,
    store: Store,
    *,
    updater: bool = True,
    **builder_options: Any,
) -> Application:  # type: ignore[type-arg]
    """The bot, ready for `run_polling`/`run_webhook` (or `initialize`/`start` in tests).

    `builder_options` are extra `ApplicationBuilder` calls, e.g. `concurrent_updates=4`.
    """
    token = settings.token
    if not token:
        raise ValueError("AIGUILLEUR_TELEGRAM_TOKEN is required")
    quiet_http_logs()
    builder = (
        ApplicationBuilder()
        .token(token)
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .post_init(_post_init)
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if settings.rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))  # type: ignore[arg-type]
    if settings.concurrent_updates > 1:
        builder = builder.concurrent_updates(settings.concurrent_updates)
    if not updater:
        builder = builder.updater(None)
    for name, value in builder_options.items():
        builder = getattr(builder, name)(value)
    application = builder.build()
    application.bot_data[SERVICES_KEY] = Services(settings, engine, store)
    add_handlers(application)
    return application


Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def in_order(callback: Callback) -> Callback:
    """Runs the handler under the user's lock: with concurrent updates, one user's messages and
    button presses are still handled one after the other (their session is not shared)."""

    @functools.wraps(callback)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        async with services_of(context).lock_for(user.id if user else None):
            await callback(update, context)

    return wrapper


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Every handler, in the order Telegram updates are tried against them."""
    new = filters.UpdateType.MESSAGE  # edited messages are ignored
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    handlers = [
        # 1. Commands, in private chats and groups (`/cmd@bot` in groups). /help is an alias of /aide.
        CommandHandler("start", in_order(basics.start), filters=new),
        CommandHandler(["aide", "help"], basics.aide, filters=new),
        CommandHandler("catalogue", in_order(basics.catalogue), filters=new),
        CommandHandler("territoire", in_order(territory.territoire), filters=new),
        CommandHandler("contact", in_order(basics.contact), filters=new),
        CommandHandler("oubli", in_order(privacy.oubli), filters=new),
        # 2. Admin commands: refused politely to anyone not in AIGUILLEUR_ADMIN_IDS.
        CommandHandler("reload", in_order(admin.reload), filters=new),
        CommandHandler("stats", in_order(admin.stats), filters=new),
        # 3. Buttons (callback data is a dialogue action, or o:… for /oubli, q:… for examples).
        CallbackQueryHandler(in_order(conversation.on_callback)),
        # 4. Inline mode: @bot besoin [lieu] from any chat.
        InlineQueryHandler(inline.on_inline_query),
        # 5. Free text: every private message; in groups only mentions and replies to the bot.
        MessageHandler(new & private & filters.TEXT & ~filters.COMMAND, in_order(conversation.on_text)),
        MessageHandler(new & groups & filters.TEXT & ~filters.COMMAND, in_order(conversation.on_group_text)),
        # 6. Unknown commands in private chats (groups: other bots' commands are none of our business).
        MessageHandler(new & private & filters.COMMAND, in_order(basics.unknown_command)),
        # 7. Stickers, photos, voice notes, documents… in private chats: we read text only.
        MessageHandler(
            new & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, in_order(media.on_non_text)
        ),
    ]
    application.add_handlers(handlers)
    # 8. The one error handler.
    application.add_error_handler(errors.on_error)


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Start-up: the French command menu and the retention purge."""
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    services.maybe_purge(force=True)
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    log.info(
        "Aiguilleur ready as @%s with %d catalogue entries.",
        application.bot.username,
        len(services.engine.entries),
    )
