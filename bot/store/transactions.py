"""One transaction for several writes: what one message changes is committed once.

Each write method of the store is one transaction (sqlite-utils' `atomic()`: its statements
all or none), so a lone call is durable. The bot makes three or four writes per message
(session, place, interaction, cards shown); `batch()` commits them together, all or none, and
saves a commit each.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlite_utils import Database

__all__ = ["Transactions"]


class Transactions:
    """Mixin of `Store`: `batch()` around several writes, `_tx()` inside each write method."""

    db: Database
    _batching: bool = False

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Runs the writes inside in one transaction: committed at the end, rolled back as a
        whole if one of them raises (nested batches join the outer one)."""
        if self._batching:
            yield
            return
        self._batching = True
        try:
            with self.db.atomic():
                yield
        finally:
            self._batching = False

    def _tx(self) -> contextlib.AbstractContextManager[object]:
        """A write method's own transaction, or nothing inside `batch()` (the batch commits)."""
        return contextlib.nullcontext() if self._batching else self.db.atomic()
