"""Inline keyboards built from dialogue choices (the choice's action is the callback data)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from ..dialogue import Choice

__all__ = ["keyboard", "row_key"]

# Choices with these action prefixes share one row: 👍 / 👎, ◀ Précédent / Suivant ▶, Oui / Non.
_SAME_ROW = ("f", "c", "o")


def row_key(choice: Choice) -> str | None:
    prefix = choice.action.partition(":")[0]
    return prefix if prefix in _SAME_ROW else None


def keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
    """One button per row, except feedback, paging and confirmation pairs; None without choices."""
    return _keyboard(tuple(choices)) if choices else None


@functools.lru_cache(maxsize=2048)
def _keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    # Markups are immutable python-telegram-bot objects: the same card's buttons are built once.
    rows: list[list[InlineKeyboardButton]] = []
    previous: str | None = None
    for choice in choices:
        data = choice.action.encode()[: InlineKeyboardButtonLimit.MAX_CALLBACK_DATA].decode(errors="ignore")
        button = InlineKeyboardButton(choice.label, callback_data=data)
        key = row_key(choice)
        if rows and key is not None and key == previous:
            rows[-1].append(button)
        else:
            rows.append([button])
        previous = key
    return InlineKeyboardMarkup(rows) if rows else None
