"""Inline keyboards built from dialogue choices (the choice's action is the callback data)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from ..dialogue import Choice

__all__ = ["keyboard", "row_key"]

# Choices with these action prefixes share one row: 👍 / 👎, ◀ Précédent / Suivant ▶, Oui / Non.
_SAME_ROW = ("f", "c", "o")


def row_key(choice: Choice) -> str | None:
    prefix = choice.action.partition(":")[0]
    return prefix if prefix in _SAME_ROW else None


class _Keyboard(InlineKeyboardMarkup):
    """An inline keyboard serialised once: python-telegram-bot turns the markup of every
    message sent into a dictionary, walking each button's attributes; this one is built once
    (the same card's buttons are sent again and again) and each call gets fresh copies."""

    __slots__ = ("_serialised",)

    def __init__(self, inline_keyboard: Sequence[Sequence[InlineKeyboardButton]]) -> None:
        super().__init__(inline_keyboard)
        with self._unfrozen():
            self._serialised = super().to_dict()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        data = dict(self._serialised)
        data["inline_keyboard"] = [[dict(button) for button in row] for row in data["inline_keyboard"]]
        return data


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
    return _Keyboard(rows) if rows else None
