"""One transaction for several writes: what one message changes is committed once.

Each write method of the store is one transaction (sqlite-utils' `atomic()`: its statements
all or none), so a lone call is durable. The bot makes three or four writes per message
(session, place, interaction, cards shown); `batch()` commits them together, all or none, and
saves a commit each.

Inside `batch()`, the rows of the write methods (one statement each, one table each) are not
executed at once: they wait, per statement, and each statement runs once for all of them
(`executemany`) before the commit. Upserts of one key in a batch keep only the last row (the
one an upsert after the other would leave). Any other statement (a read, an erasure, a vote,
anything run on `db`) first writes the rows waiting so far, so every statement still sees the
earlier writes in their order. Rows of one batch are dated once, when its first row is dated.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from sqlite_utils import Database

__all__ = ["Row", "Transactions"]

Row = tuple[Any, ...]


class Transactions:
    """Mixin of `Store`: `batch()` around several writes, `_put()` for a write method's row,
    `_tx()` around a write method's own statements."""

    _db: Database
    clock_text: Callable[[], str]
    _batching: bool = False
    _stamp: str | None = None  # the date of the rows of the batch under way
    _rows: dict[str, dict[Hashable, Row]]  # per statement, the batch's rows by key, in order

    @property
    def db(self) -> Database:
        """The database; inside `batch()`, the rows waiting are written first (see above)."""
        if self._batching and self._rows:
            self._flush()
        return self._db

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Runs the writes inside in one transaction: committed at the end, rolled back as a
        whole if one of them raises (nested batches join the outer one)."""
        if self._batching:
            yield
            return
        self._batching, self._rows = True, {}
        try:
            with self._db.atomic():
                yield
                self._flush()
        finally:
            self._batching, self._rows, self._stamp = False, {}, None

    def _tx(self) -> contextlib.AbstractContextManager[object]:
        """A write method's own transaction, or nothing inside `batch()` (the batch commits)."""
        return contextlib.nullcontext() if self._batching else self._db.atomic()

    def _put(self, sql: str, key: Hashable | None, row: Row) -> None:
        """The one row of a write method: alone, its own transaction; inside `batch()`, kept
        for the statement's `executemany`. `key`: the row's primary key when `sql` is an
        upsert (a later row of the same key replaces it), None for a plain insert."""
        if not self._batching:
            with self._db.atomic():
                self._db.execute(sql, row)
            return
        rows = self._rows.get(sql)
        if rows is None:
            rows = self._rows[sql] = {}
        rows[object() if key is None else key] = row

    def _flush(self) -> None:
        """Writes the rows waiting, one `executemany` per statement (each its own table: the
        order between statements changes nothing)."""
        waiting, self._rows = self._rows, {}
        conn = self._db.conn
        for sql, rows in waiting.items():
            conn.executemany(sql, rows.values())

    def _now(self) -> str:
        """The date of a row being written (UTC, to the second): one per batch."""
        if not self._batching:
            return self.clock_text()
        if self._stamp is None:
            self._stamp = self.clock_text()
        return self._stamp
