"""Longest-phrase lookup shared by the readers of conversation words, follow-ups and concepts.

Apart from them so that the concept matcher, which the knowledge loader imports, can use it
without importing the follow-up reader (which imports the loader).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

__all__ = ["PhraseIndex", "phrase_at", "phrase_index"]

T = TypeVar("T")

PhraseIndex = dict[str, tuple[tuple[int, dict[tuple[str, ...], T]], ...]]


def phrase_index(table: Mapping[tuple[str, ...], T]) -> PhraseIndex[T]:
    """Phrases (word tuples) per first word, grouped by length, longest first: reading a message
    costs one dictionary lookup per length at each word, not one comparison per phrase."""
    by_first: dict[str, dict[int, dict[tuple[str, ...], T]]] = {}
    for key in sorted(table, key=len, reverse=True):
        by_first.setdefault(key[0], {}).setdefault(len(key), {})[key] = table[key]
    return {first: tuple(sizes.items()) for first, sizes in by_first.items()}


def phrase_at(index: PhraseIndex[T], tokens: Sequence[str], i: int) -> tuple[int, T] | None:
    """The longest phrase of `index` starting at word `i` (its length and value), or None."""
    for size, phrases in index.get(tokens[i], ()):
        value = phrases.get(tuple(tokens[i : i + size]))
        if value is not None:
            return size, value
    return None
