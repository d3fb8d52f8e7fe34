"""The records of scoring: an entry as the scorer reads it (`_Doc`, built once at load time), what
scoring needs of one message (`_Batch`), and what it gives back (`Scored`), with the territory
rules' effect (`Adjustment`) and the work counter (`Work`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Adjustment", "Scored", "Work"]


@dataclass(slots=True)
class Scored:
    """An entry's score (0..100), its raw evidence, the size of the best declared answer it
    matched (0: none) and the user's words that explain it. Never changed once built (a copy
    is made instead); not frozen, as tens are built per message and a frozen dataclass costs
    five times as much to build."""

    index: int
    score: float
    reasons: tuple[str, ...]
    evidence: float
    concepts: int = 0
    # Concepts of the message that appear in the entry's declared answers (a plausible lead).
    related: int = 0


@dataclass(frozen=True)
class Adjustment:
    """A territory rule's effect on one entry: a factor, a bonus and the reason shown."""

    factor: float = 1.0
    bonus: float = 0.0
    reason: str | None = None


@dataclass
class Work:
    """Deterministic count of the scoring work of a message (postings, grams, entries scored)."""

    units: int = 0


@dataclass(slots=True)
class _Batch:
    """What scoring an entry needs of one message (see `Index._score`); built once per message,
    never changed but for `similarity` (not frozen: that costs more to build than to use)."""

    gained: Mapping[int, float]
    grams: set[tuple[str, ...]]
    found: set[str]
    stems: set[str]
    sought: str | None
    keep: Callable[[int], bool] | None
    adjust: Mapping[int, Adjustment] | None
    # Entry -> size of its largest declared answer the message's concepts cover.
    sizes: dict[int, int]
    text: str
    # Similarities already computed (by `Index._bounds`), entry -> 0..100.
    similarity: dict[int, float] = field(default_factory=dict)
    # Entry -> how many of its keyword phrases the message holds; entries with a boost phrase,
    # an exclusion phrase or a required phrase in the message.
    phrases: dict[int, int] = field(default_factory=dict)
    boosted: set[int] = field(default_factory=set)
    excluded: set[int] = field(default_factory=set)
    required: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Doc:
    phrases: tuple[tuple[tuple[str, ...], str], ...]
    # Example phrasings as their stems, sorted and joined by spaces (see `Index._similarities`).
    examples: tuple[str, ...]
    boost: tuple[tuple[str, ...], ...]
    exclude: tuple[tuple[str, ...], ...]
    require_any: tuple[tuple[str, ...], ...]
    answers: tuple[frozenset[str], ...]
    not_for: frozenset[str]
    audiences: frozenset[str]
    concepts: frozenset[str]
    strong: frozenset[str] = field(default_factory=frozenset)
    # Single stems that are need-bearing evidence by themselves: one-word keywords and, for an
    # entry declaring no answers, the distinctive words of its title.
    singles: frozenset[str] = field(default_factory=frozenset)
