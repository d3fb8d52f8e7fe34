"""The loaded knowledge kept out of the garbage collector's way.

The catalogue, vocabulary and territory tables are about 100,000 Python objects that live as
long as the bot. Each full collection walked all of them: about 90 ms during which no message
was answered, every few hundred messages. `gc.freeze()` after loading moves them to a
permanent generation the collector skips; objects freed by reference counting are still freed.
"""

from __future__ import annotations

import gc

__all__ = ["settle", "settle_again"]


def settle() -> int:
    """Once the knowledge is loaded and the bot built: collect, then freeze what is left.
    Returns the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def settle_again() -> int:
    """After `/reload`: the previous knowledge must be collectable again, then the new frozen.
    Does nothing in a process that never settled (tests, the terminal)."""
    if not gc.get_freeze_count():
        return 0
    gc.unfreeze()
    return settle()
