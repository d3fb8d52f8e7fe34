"""The conversation shared by the terminal chat and the Telegram bot: state, reading of
follow-ups, replies. Pure: no Telegram, no SQLite (front ends persist `Session.to_dict()`)."""

from .browse import MAX_THEMES, PAGE_SIZE, Browser
from .core import DIALOGUE_TOP, Dialogue
from .model import MAX_ACTION_BYTES, Choice, Outcome, Reply, action, label
from .state import Need, Session

__all__ = [
    "DIALOGUE_TOP",
    "MAX_ACTION_BYTES",
    "MAX_THEMES",
    "PAGE_SIZE",
    "Browser",
    "Choice",
    "Dialogue",
    "Need",
    "Outcome",
    "Reply",
    "Session",
    "action",
    "label",
]
