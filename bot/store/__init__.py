"""The bot's SQLite store: preferences, sessions, interactions, cards and votes, privacy built in.

See `bot.store.core` for what is kept and for how long.
"""

from .core import KEEP_QUESTION_STATUSES, SaltError, Store, Vote, load_or_create_salt, private_file
from .reads import Stats
from .schema import SCHEMA_VERSION

__all__ = [
    "KEEP_QUESTION_STATUSES",
    "SCHEMA_VERSION",
    "SaltError",
    "Stats",
    "Store",
    "Vote",
    "load_or_create_salt",
    "private_file",
]
