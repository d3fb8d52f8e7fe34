"""The Telegram front end of Aiguilleur (python-telegram-bot v22)."""

import os

# Opt in to python-telegram-bot's future `timedelta` durations (e.g. RetryAfter.retry_after):
# without it, every flood-control error also emits a deprecation warning. We never read them.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from .app import build_application  # noqa: E402

__all__ = ["build_application"]
