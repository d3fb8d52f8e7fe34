"""`aiguilleur run`: the Telegram bot, by long polling or (`--webhook`) behind a web server.

SIGTERM and SIGINT stop it cleanly (pending updates finished, store closed), exit code 0.
"""

from __future__ import annotations

import logging
import secrets
import signal
import sys
from pathlib import Path

import click

from .base import CliError, Command
from .common import knowledge, knowledge_option, load_engine, open_store, os_reason, settings

__all__ = ["MISSING_TOKEN", "command", "run"]

MISSING_TOKEN = (
    "AIGUILLEUR_TELEGRAM_TOKEN est manquant : donnez le jeton du bot (BotFather) dans l'environnement ou un fichier .env. "
    "/ AIGUILLEUR_TELEGRAM_TOKEN is missing: set the bot token (from BotFather) in the environment or a .env file."
)
MISSING_WEBHOOK_URL = (
    "AIGUILLEUR_WEBHOOK_URL est manquant : l'adresse HTTPS publique du webhook est requise avec --webhook. "
    "/ AIGUILLEUR_WEBHOOK_URL is missing: the public HTTPS URL of the webhook is required with --webhook."
)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@click.command(
    "run",
    cls=Command,
    help="Lance le bot Telegram. Réglages : variables AIGUILLEUR_* ou fichier .env (voir .env.example). "
    "SIGTERM ou Ctrl-C l'arrêtent proprement.",
)
@click.option(
    "--webhook",
    is_flag=True,
    help="recevoir les mises à jour par webhook (AIGUILLEUR_WEBHOOK_URL, _SECRET, _LISTEN, _PORT)",
)
@click.option(
    "--env-file",
    type=click.Path(path_type=Path),
    default=Path(".env"),
    metavar="FICHIER",
    help="fichier de réglages (défaut : .env s'il existe)",
)
@knowledge_option
@click.option("-v", "--verbose", is_flag=True, help="journal détaillé (DEBUG)")
def command(webhook: bool, env_file: Path, knowledge_dir: Path | None, verbose: bool) -> int:
    """Runs the bot until SIGTERM / SIGINT; exit code 0 after a clean stop."""
    return run(webhook=webhook, env_file=env_file, knowledge_dir=knowledge_dir, verbose=verbose)


def run(*, webhook: bool, env_file: Path | None, knowledge_dir: Path | None, verbose: bool) -> int:
    """Starts the bot with the settings of `env_file` and the environment."""
    config = settings(env_file)
    # The bot serves (and /reload re-reads) one explicit directory.
    chosen = knowledge(knowledge_dir, config)
    config = config.model_copy(update={"knowledge_dir": chosen.path})
    token = config.token
    if not token:
        raise CliError(MISSING_TOKEN, code=2)
    if webhook and not config.webhook_url:
        raise CliError(MISSING_WEBHOOK_URL, code=2)

    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if verbose:  # our code only: other libraries' debug lines hold whole updates (bot.telegram.logs)
        for name in ("bot", "matching"):
            logging.getLogger(name).setLevel(logging.DEBUG)
    secret = None
    if webhook:
        secret = (
            config.webhook_secret.get_secret_value() if config.webhook_secret else secrets.token_urlsafe(32)
        )
    # Imported late: `aiguilleur --help` and the other commands do not pay for python-telegram-bot.
    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from ..telegram.app import build_application
    from ..telegram.logs import install_privacy_filter
    from ..telegram.memory import settle
    from ..telegram.webhook import run_webhook

    install_privacy_filter([token, secret])  # masks them in every log line, tracebacks included
    engine = load_engine(chosen)
    salt = config.salt.get_secret_value() if config.salt else None
    store = open_store(config.db, salt=salt, retention_days=config.retention_days)
    application = build_application(config, engine, store, updater=not webhook)
    settle()  # the knowledge, loaded for good, out of the collector's way
    try:
        if webhook:
            assert config.webhook_url is not None
            assert secret is not None
            run_webhook(
                application,
                url=str(config.webhook_url),
                secret=secret,
                listen=config.webhook_listen,
                port=config.webhook_port,
                path=config.webhook_path,
                stop_signals=STOP_SIGNALS,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=STOP_SIGNALS)
    except InvalidToken:
        raise CliError(
            "Telegram refuse ce jeton / Telegram rejected this token (AIGUILLEUR_TELEGRAM_TOKEN).", code=2
        ) from None
    except NetworkError as exc:
        raise CliError(f"Telegram injoignable / cannot reach Telegram: {type(exc).__name__}") from None
    except OSError as exc:  # the webhook's address or port cannot be used
        raise CliError(
            f"serveur webhook impossible sur {config.webhook_listen}:{config.webhook_port} ({os_reason(exc)})"
        ) from None
    finally:
        store.close()
    logging.getLogger(__name__).info("Aiguilleur stopped.")
    return 0
