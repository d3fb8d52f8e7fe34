"""The Telegram front end of Aiguilleur (python-telegram-bot v22)."""

from .app import build_application

__all__ = ["build_application"]
