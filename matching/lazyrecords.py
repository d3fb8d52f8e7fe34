"""Records stored as JSON slices of one blob and decoded on use, the most recently used kept.

Why one class: the compiled knowledge holds two such sequences (catalogue entries and the
index's per-entry scoring records); a message reads only a few of either, so decoding all of
them at start-up would cost the time and memory the compiled knowledge exists to save.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

__all__ = ["LazyRecords"]

T = TypeVar("T")


class LazyRecords(Sequence[T]):
    """`blob[offsets[i]:offsets[i + 1]]` is record i; subclasses say how a record is decoded
    (`decode`) and how many decoded records stay in memory (`kept`, least recently used dropped)."""

    def __init__(self, blob: bytes | memoryview, offsets: Sequence[int]) -> None:
        self._blob = memoryview(blob)
        self._offsets = [int(k) for k in offsets]
        self._decoded: OrderedDict[int, T] = OrderedDict()

    def decode(self, data: bytes) -> T:
        """Record i from its JSON bytes."""
        raise NotImplementedError

    def kept(self) -> int:
        """How many decoded records stay in memory."""
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return tuple(self[k] for k in range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        record = self._decoded.get(i)
        if record is not None:
            self._decoded.move_to_end(i)
            return record
        if not 0 <= i < len(self):
            raise IndexError(i)
        record = self._decoded[i] = self.decode(self._blob[self._offsets[i] : self._offsets[i + 1]].tobytes())
        if len(self._decoded) > self.kept():
            self._decoded.popitem(last=False)
        return record

    def __iter__(self) -> Iterator[T]:
        return (self[i] for i in range(len(self)))
