"""Logs without user data and without secrets, at every level: one filter on the log handlers.

What could leak, and what the filter does about it:
- python-telegram-bot, httpx and tornado log whole updates and API calls (ids, names, texts)
  at DEBUG, and httpx logs request URLs (which hold the token) at INFO: records of other
  libraries below WARNING are dropped for httpx/httpcore, below INFO for the others. `-v`
  makes *our* code verbose, whose log lines name the kind of data, never its content.
- Exception messages may quote user text (a `KeyError` on a user's word, an API error echoing
  a payload): our tracebacks are logged with their frames and exception types, not their
  messages; other libraries' records keep their one line and the exception's type (PTB logs a
  traceback for every network hiccup and for a rejected token, which `run` reports itself).
- Secrets (the bot token, its secret half, the webhook secret) are replaced wherever they
  appear, messages and tracebacks alike.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

__all__ = ["OWN_LOGGERS", "PrivacyFilter", "install_privacy_filter", "private_traceback"]

OWN_LOGGERS = ("bot", "matching", "__main__")
# Libraries whose INFO lines carry request URLs (and so the token): kept from WARNING on.
_URL_LOGGERS = ("httpx", "httpcore")
MASK = "<token>"


def private_traceback(exc: BaseException) -> str:
    """A traceback that keeps where it happened (frames) and what (types), not the messages."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    for i, item in enumerate(reversed(chain)):
        if i:
            lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(item.__traceback__))
        kind = type(item)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message not logged: it may hold user data)\n")
    return "".join(lines).rstrip("\n")


class PrivacyFilter(logging.Filter):
    """Drops other libraries' chatty records, hides exception messages, masks secrets."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = ()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str | None]) -> None:
        found = set(self.secrets)
        for secret in secrets:
            if not secret:
                continue
            found.add(secret)
            _, colon, tail = secret.partition(":")
            if colon and len(tail) >= 8:  # a bot token: its secret half shows up alone in some URLs
                found.add(tail)
        self.secrets = tuple(sorted(found, key=len, reverse=True))

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if not name.startswith(OWN_LOGGERS):
            floor = logging.WARNING if name.startswith(_URL_LOGGERS) else logging.INFO
            if record.levelno < floor:
                return False
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            if name.startswith(OWN_LOGGERS):
                record.exc_text = private_traceback(error)
            else:
                record.exc_text = f"  ({type(error).__module__}.{type(error).__qualname__})"
        if self.secrets:
            message = record.getMessage()
            masked = self._mask(message)
            if masked != message:
                record.msg, record.args = masked, None
            if record.exc_text:
                record.exc_text = self._mask(record.exc_text)
        return True


def install_privacy_filter(secrets: Iterable[str | None] = ()) -> PrivacyFilter:
    """Puts one `PrivacyFilter` on every handler of the root logger (adding `secrets` to the one
    already there), and keeps the URL-logging libraries quiet; returns the filter."""
    secrets = tuple(secrets)
    for name in _URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    existing: PrivacyFilter | None = None
    for handler in logging.getLogger().handlers:
        for f in handler.filters:
            if isinstance(f, PrivacyFilter):
                existing = f
    privacy = existing or PrivacyFilter()
    privacy.add_secrets(secrets)
    for handler in logging.getLogger().handlers:
        if privacy not in handler.filters:
            handler.addFilter(privacy)
    return privacy
