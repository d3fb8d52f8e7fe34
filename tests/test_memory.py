"""Frozen knowledge: skipped by the garbage collector, yet freed after a /reload."""

from __future__ import annotations

import gc
import weakref

from bot.telegram.memory import settle, settle_again


class _Knowledge:
    """Stands for a loaded catalogue: an object graph with a reference cycle."""

    def __init__(self) -> None:
        self.me = self


def test_the_previous_knowledge_is_freed_after_a_reload() -> None:
    gc.unfreeze()
    try:
        old = _Knowledge()
        alive = weakref.ref(old)
        assert settle() > 0
        del old
        gc.collect()
        assert alive() is not None, "frozen: the collector skips it (no full-collection pause)"
        assert settle_again() > 0
        assert alive() is None, "after /reload the old knowledge is collected"
    finally:
        gc.unfreeze()


def test_a_process_that_never_settled_is_left_alone() -> None:
    gc.unfreeze()
    assert settle_again() == 0
    assert gc.get_freeze_count() == 0
