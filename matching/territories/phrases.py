"""Indexes of the lexicon's phrase sets by first and last word.

Why: the scan asks, at almost every word of a message, whether a cue phrase ends just before
it or a blocked phrase starts at it; most words end or start no phrase at all, and one set
lookup on the word says so before any phrase is built.
"""

from __future__ import annotations

from collections.abc import Iterable

_LAST_WORDS: dict[frozenset[str], frozenset[str]] = {}


def last_words(phrases: frozenset[str]) -> frozenset[str]:
    """Last words of the phrases of a (fixed) lexicon set, computed once per set."""
    found = _LAST_WORDS.get(phrases)
    if found is None:
        found = _LAST_WORDS[phrases] = frozenset(p.rpartition(" ")[2] for p in phrases)
    return found


_ENDINGS: dict[frozenset[str], dict[str, tuple[int, ...]]] = {}


def ending_sizes(phrases: frozenset[str]) -> dict[str, tuple[int, ...]]:
    """Last word -> lengths in words (longest first) of the phrases of a (fixed) lexicon set
    ending with it, computed once per set."""
    found = _ENDINGS.get(phrases)
    if found is None:
        sizes: dict[str, set[int]] = {}
        for phrase in phrases:
            sizes.setdefault(phrase.rpartition(" ")[2], set()).add(phrase.count(" ") + 1)
        found = _ENDINGS[phrases] = {w: tuple(sorted(n, reverse=True)) for w, n in sizes.items()}
    return found


def first_word_lengths(phrases: Iterable[str]) -> dict[str, int]:
    """Length in words of the longest phrase per first word."""
    out: dict[str, int] = {}
    for phrase in phrases:
        first = phrase.partition(" ")[0]
        out[first] = max(out.get(first, 0), phrase.count(" ") + 1)
    return out


def word_prefixes(keys: Iterable[str]) -> frozenset[str]:
    """Every proper word prefix of the keys ("a b" and "a" for "a b c")."""
    out: set[str] = set()
    for key in keys:
        cut = key.find(" ")
        while cut != -1:
            out.add(key[:cut])
            cut = key.find(" ", cut + 1)
    return frozenset(out)


def reach(prefixes: frozenset[str], keys: list[str], i: int, top: int) -> int:
    """Longest size (at most `top`) a key from keys[i] on can have: every shorter n-gram of a
    key is one of its proper prefixes."""
    size, key = 1, keys[i]
    while size < top and key in prefixes:
        key = f"{key} {keys[i + size]}"
        size += 1
    return min(size, top)
