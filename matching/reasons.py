"""The reasons shown with a result: the user's own words that explain why an entry was ranked
(matched concepts and keyword phrases first, then distinctive single words)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from .analyzer import Term
from .concepts import ConceptHit

if TYPE_CHECKING:
    from .records import Adjustment, _Doc

__all__ = ["MAX_REASONS", "REASON_MIN_IDF", "explain", "positions"]

# A single matched word is shown as a reason only if it is this distinctive.
REASON_MIN_IDF = 1.0
MAX_REASONS = 5


def _find(stems: Sequence[str], at: Mapping[str, Sequence[int]], phrase: Sequence[str]) -> int:
    """First position of a run of stems, or -1; `at` gives each stem's positions in `stems`."""
    size = len(phrase)
    for k in at.get(phrase[0], ()):
        if tuple(stems[k : k + size]) == tuple(phrase):
            return k
    return -1


def positions(stems: Sequence[str]) -> dict[str, list[int]]:
    """Each stem's positions in order: where a phrase beginning with it may be found."""
    at: dict[str, list[int]] = {}
    for k, s in enumerate(stems):
        at.setdefault(s, []).append(k)
    return at


def explain(
    doc: _Doc,
    idf: Callable[[str], float],
    terms: Sequence[Term],
    unique: Mapping[str, str],
    context: frozenset[str],
    hits: Sequence[ConceptHit],
    change: Adjustment | None,
    at: Mapping[str, Sequence[int]] | None = None,
) -> tuple[str, ...]:
    """The user's words that explain the entry: matched concepts and keyword phrases first,
    then distinctive single words; never digits, context words, stop words or place words
    (the last two never reach the scorer); `at`: `positions` of the terms' stems, when known."""
    reasons: list[str] = [h.surface for h in hits if h.concept in doc.concepts]
    stems = [t.stem for t in terms]
    at = at if at is not None else positions(stems)
    for phrase, _ in doc.phrases:
        if phrase[0] not in at:
            continue
        k = _find(stems, at, phrase)
        if k >= 0:
            reasons.append(" ".join(dict.fromkeys(t.surface for t in terms[k : k + len(phrase)])))
    for s, surface in unique.items():
        if s in doc.strong and s not in context and idf(s) >= REASON_MIN_IDF and len(surface) > 2:
            reasons.append(surface)
    if change is not None and change.reason:
        reasons.append(change.reason)
    kept: list[str] = []
    for r in dict.fromkeys(reasons):
        low = r.lower()
        if any(low in k.lower() for k in kept):
            continue
        kept = [k for k in kept if k.lower() not in low]
        kept.append(r)
    return tuple(kept[:MAX_REASONS])
