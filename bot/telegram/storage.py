"""The store, off the event loop: one worker thread runs every SQLite call, in order.

SQLite blocks while another process holds a lock, the disk is full or the file is read-only.
None of that may stop the bot from answering, so handlers never call the store directly:
- `write` queues a change and returns at once (a bounded queue; beyond it the change is dropped);
- `call` waits for a result at most `timeout` seconds, else goes on with a default.
Anything that could not be stored is said in the log, by kind ("interaction", "vote"…), never
with its content. Because one thread runs everything in order, a read sees earlier writes.

Writes queued one after another, with no read between them, reach SQLite together: one job
of the worker runs them in one transaction. On the event loop, a group of writes is held
`HOLD_SECONDS` before it goes to the thread, so the writes of every message answered meanwhile
join it (group commit: under load, one commit and one wake-up of the thread for dozens of
messages instead of one per message, and the thread no longer contends with the handlers for
the interpreter at every answer). A read, a drain or the stop sends the held group first, so
a read still sees every earlier write. Should one write of a group fail for a lasting reason,
the others are written one by one and it alone is dropped.

Degraded mode: after a failure (locked, full, read-only…), calls fail at once without touching
SQLite for `RETRY_AFTER` seconds, then one call tries again; so an outage costs one busy
timeout every few seconds, not one per message, and the bot keeps its pace. Writes refused
for such a passing reason (`sqlite3.OperationalError`) are not lost: they are kept in memory,
in order (at most `MAX_DEFERRED` groups of writes), and written first, in their order, as soon as the store
works again (next call, next drain, or when the bot stops).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import sqlite3
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import TypeVar

from ..store import Store

__all__ = ["BUSY_TIMEOUT_MS", "CALL_TIMEOUT", "MAX_DEFERRED", "MAX_PENDING", "StoreWorker"]

log = logging.getLogger(__name__)

T = TypeVar("T")
Write = tuple[str, Callable[[Store], object]]  # the kind of data (for the log), the change

CALL_TIMEOUT = 0.5  # seconds a handler waits for a read (its answer must not wait on the disk)
BUSY_TIMEOUT_MS = 250  # how long one statement waits for another connection's lock
RETRY_AFTER = 5.0  # seconds of degraded mode (no SQLite call) after a failure
MAX_PENDING = 10_000  # queued writes beyond this are dropped (and logged)
MAX_DEFERRED = 10_000  # writes kept during an outage, to be written once it ends; beyond: dropped
HOLD_SECONDS = 0.1  # a group of writes waits this long on the event loop for later ones to join
_LOG_EVERY = 100  # during an outage, one log line per this many failures


class StoreUnavailable(Exception):
    """The store refused or failed the call (already logged)."""


class StoreWorker:
    """Runs `Store` calls in one dedicated thread; see the module docstring."""

    def __init__(
        self, store: Store, *, timeout: float = CALL_TIMEOUT, max_pending: int = MAX_PENDING
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.max_pending = max_pending
        self.retry_after = RETRY_AFTER
        self.failures = 0  # failed calls since the store last worked
        self.dropped = 0  # writes not even attempted (queue full), or beyond MAX_DEFERRED
        self.skipped: Counter[str] = Counter()  # calls not attempted in degraded mode, by kind
        self._deferred: deque[tuple[str, Callable[[Store], object]]] = deque()  # worker thread only
        self._failed_at = -1e18
        self._stopped = False
        self._pending = 0
        self._lock = threading.Lock()
        self._batch: list[Write] | None = None  # queued writes that later ones may still join
        self.hold_seconds = HOLD_SECONDS
        self._held: list[Write] | None = None  # a group not handed to the thread yet (event loop)
        self._timer: asyncio.TimerHandle | None = None
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="aiguilleur-store")
        self.write("busy timeout", lambda s: s.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))

    # -- the worker thread ------------------------------------------------------------------

    def _run(
        self, what: str, fn: Callable[[Store], T], keep: bool = False, batch: list[Write] | None = None
    ) -> T:
        """Runs `fn` (after the writes kept from an outage); `keep`: a write to keep on failure;
        `batch`: the group of writes `fn` runs, closed now to later writes."""
        kinds: tuple[str, ...] = (what,)
        if batch is not None:
            with self._lock:
                if self._batch is batch:
                    self._batch = None
                self._pending -= len(batch) - 1  # the group counts once from here on
            kinds = tuple(dict.fromkeys(kind for kind, _ in batch))
            what = ", ".join(kinds)
        try:
            degraded = bool(self.failures) and time.monotonic() < self._failed_at + self.retry_after
            if fn is _nothing:  # drain: waits for the calls before it, and writes what was kept
                if self._deferred and not degraded:
                    self._write_deferred()
                return None  # type: ignore[return-value]
            if degraded:
                self._skipped(kinds, keep)
                if keep:
                    self._defer(what, fn)
                raise StoreUnavailable(what)
            if self._deferred:
                self._write_deferred()
            result = fn(self.store)
        except sqlite3.Error as exc:
            kept = keep and isinstance(exc, sqlite3.OperationalError)
            self._failed("kept writes" if fn is _nothing else what, exc, kept)
            if kept:
                self._defer(what, fn)
            raise StoreUnavailable(what) from None
        finally:
            with self._lock:
                self._pending -= 1
        if self.failures:
            with self._lock:
                failures, self.failures, skipped, self.skipped = self.failures, 0, self.skipped, Counter()
            lost = ", ".join(f"{what}: {n}" for what, n in sorted(skipped.items())) or "none"
            log.warning(
                "Store available again after %d failure(s); not attempted meanwhile: %s (writes among "
                "them saved now).",
                failures,
                lost,
            )
        return result

    def _failed(self, what: str, exc: sqlite3.Error, kept: bool = False) -> None:
        with self._lock:
            self.failures += 1
            failures = self.failures
        self._failed_at = time.monotonic()
        if failures == 1 or failures % _LOG_EVERY == 0:
            log.warning(
                "Store unavailable (%s: %s): %s %s (%d failure(s) in a row).",
                type(exc).__name__,
                _reason(exc),
                what,
                "kept to be saved later" if kept else "not saved or read",
                failures,
            )

    def _defer(self, what: str, fn: Callable[[Store], object]) -> None:
        """Keeps a refused write for when the store works again (worker thread)."""
        if len(self._deferred) >= MAX_DEFERRED:
            with self._lock:
                self.dropped += 1
                dropped = self.dropped
            if dropped == 1 or dropped % _LOG_EVERY == 0:
                log.warning("Store unavailable too long: %s dropped (%d dropped so far).", what, dropped)
            return
        self._deferred.append((what, fn))

    def _write_deferred(self) -> None:
        """Writes the kept writes in their order; raises the first `OperationalError` (the rest
        stays kept); a write failing otherwise is dropped (logged by kind)."""
        written = 0
        while self._deferred:
            what, fn = self._deferred[0]
            try:
                fn(self.store)
            except sqlite3.OperationalError:
                raise
            except sqlite3.Error as exc:
                log.warning(
                    "Store: a kept write (%s) could not be saved (%s), dropped.", what, type(exc).__name__
                )
            else:
                written += 1
            self._deferred.popleft()
        if written:
            log.info("Store: %d write(s) kept during the outage saved.", written)

    def _skipped(self, kinds: tuple[str, ...], kept: bool) -> None:
        """Counts a call not attempted, by each kind of data it holds (a group of writes, several)."""
        with self._lock:
            for kind in kinds:
                self.skipped[kind] += 1
            count = self.skipped[kinds[0]]
        if count == 1 or count % _LOG_EVERY == 0:  # each kind of data once, then every 100
            done = "kept to be saved later" if kept else "not read"
            log.warning(
                "Store unavailable (degraded mode): %s %s (%d so far).", ", ".join(kinds), done, count
            )

    def _submit(
        self, what: str, fn: Callable[[Store], T], keep: bool = False, batch: list[Write] | None = None
    ) -> concurrent.futures.Future[T] | None:
        """Hands a call to the thread, after the group of writes held so far (kept in order)."""
        self._release()
        return self._hand_over(what, fn, keep, batch)

    def _release(self) -> None:
        """Hands the held group of writes to the thread now (its delay is over, or a read, a
        drain or the stop must come after it)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        held, self._held = self._held, None
        if held is not None:
            self._hand_over(held[0][0], functools.partial(_write_all, held), True, held, counted=True)

    def _hand_over(
        self,
        what: str,
        fn: Callable[[Store], T],
        keep: bool = False,
        batch: list[Write] | None = None,
        *,
        counted: bool = False,
    ) -> concurrent.futures.Future[T] | None:
        """`counted`: a held group, its writes already counted in `pending`."""
        size = len(batch) if batch is not None else 1
        if counted:
            with self._lock:
                self._batch = batch
        elif not self._admit(what, batch):
            return None
        try:
            return self._executor.submit(self._run, what, fn, keep, batch)
        except RuntimeError:  # shut down
            with self._lock:
                self._pending -= size
                if self._batch is batch:
                    self._batch = None
            log.warning("Store closed: %s not stored.", what)
            return None

    def _admit(self, what: str, batch: list[Write] | None) -> bool:
        """Counts one more call in `pending` and makes `batch` the group later writes join (a read
        or a drain runs after the writes queued so far, before any later one); False, and the
        call dropped (logged), when the queue is full."""
        with self._lock:
            if self._pending < self.max_pending:
                self._pending += 1
                self._batch = batch
                return True
            self.dropped += 1
            dropped = self.dropped
        if dropped == 1 or dropped % _LOG_EVERY == 0:
            log.warning("Store overloaded: %s dropped (%d dropped so far).", what, dropped)
        return False

    # -- the event loop side ----------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Calls queued or running."""
        return self._pending

    def write(self, what: str, fn: Callable[[Store], object]) -> None:
        """Queues a change; returns at once. `what` names the kind of data for the log. The
        change joins the writes queued just before it unless a read came between them or the
        worker has started them."""
        with self._lock:
            if self._batch is not None and self._pending < self.max_pending:
                self._batch.append((what, fn))
                self._pending += 1
                return
        batch = [(what, fn)]
        loop = _running_loop()
        if loop is None or self.hold_seconds <= 0 or self._stopped:
            self._submit(what, functools.partial(_write_all, batch), keep=True, batch=batch)
            return
        self._release()  # a group held by another event loop (tests) goes first
        if not self._admit(what, batch):
            return
        self._held = batch  # later writes join it until it is handed over
        self._timer = loop.call_later(self.hold_seconds, self._release)

    async def call(self, what: str, fn: Callable[[Store], T], default: T, within: float | None = None) -> T:
        """The result of `fn(store)`, or `default` when the store fails or takes over `within`
        seconds (default: `timeout`)."""
        future = self._submit(what, fn)
        if future is None:
            return default
        try:
            return await asyncio.wait_for(
                asyncio.wrap_future(future), self.timeout if within is None else within
            )
        except TimeoutError:
            log.warning("Store too slow: went on without the %s.", what)
            return default
        except StoreUnavailable:
            return default

    async def drain(self, within: float) -> bool:
        """Waits until every call queued so far is done (True), at most `within` seconds."""
        future = self._submit("drain", _nothing)
        if future is None:
            return False
        try:
            await asyncio.wait_for(asyncio.wrap_future(future), within)
        except (TimeoutError, StoreUnavailable):
            return False
        return True

    @property
    def deferred(self) -> int:
        """Writes kept during an outage, not saved yet."""
        return len(self._deferred)

    def stop(self) -> None:
        """Finishes the queued calls, tries once more the writes kept from an outage, and stops
        the thread (the store stays open)."""
        if self._stopped:
            return
        self._stopped = True
        self._failed_at = -1e18
        self._submit("drain", _nothing)  # after what is held
        self._executor.shutdown(wait=True)
        if self._deferred:
            kinds = Counter(what for what, _ in self._deferred)
            lost = ", ".join(f"{what}: {n}" for what, n in sorted(kinds.items()))
            log.warning("Store unavailable at stop: %d write(s) not saved (%s).", len(self._deferred), lost)

    def close(self) -> None:
        """Finishes the queued calls, then closes the store."""
        self.stop()
        self.store.close()


def _write_all(batch: list[Write], store: Store) -> None:
    """A group of writes in one transaction; when one fails for a lasting reason (not locked,
    full, read-only…), the others are written one by one and it alone is dropped."""
    try:
        with store.batch():
            for _, fn in batch:
                fn(store)
    except sqlite3.OperationalError:
        raise  # a passing reason: the whole group is kept, in order, for later
    except sqlite3.Error:
        if len(batch) == 1:
            raise
        for what, fn in batch:
            try:
                fn(store)
            except sqlite3.OperationalError:
                raise
            except sqlite3.Error as exc:
                log.warning("Store: a write (%s) could not be saved (%s), dropped.", what, type(exc).__name__)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the calling thread, if one runs (writes from elsewhere go at once)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _nothing(store: Store) -> None:
    """The no-op `drain` queues."""


def _reason(exc: sqlite3.Error) -> str:
    """SQLite's reason ("database is locked", "disk I/O error"…): never holds user data, but is
    cut short all the same."""
    return str(exc).splitlines()[0][:80] if str(exc) else "-"
