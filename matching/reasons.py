"""The reasons shown with a result: the user's own words that explain why an entry was ranked
(matched concepts and keyword phrases first, then distinctive single words)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from .analyzer import Term
from .concepts import ConceptHit

if TYPE_CHECKING:
    from .records import Adjustment, _Doc

__all__ = ["MAX_REASONS", "REASON_MIN_IDF", "Explainer"]

# A single matched word is shown as a reason only if it is this distinctive.
REASON_MIN_IDF = 1.0
MAX_REASONS = 5


class Explainer:
    """What the reasons of one message's results need, read once for all of them: the terms'
    stems and where each stem is, and the message's words distinctive enough to be a reason."""

    def __init__(
        self,
        idf: Callable[[str], float],
        terms: Sequence[Term],
        unique: Mapping[str, str],
        context: frozenset[str],
        hits: Sequence[ConceptHit],
    ) -> None:
        self.terms = terms
        self.hits = hits
        self.stems = [t.stem for t in terms]
        self.at: dict[str, list[int]] = {}
        for k, stem in enumerate(self.stems):
            self.at.setdefault(stem, []).append(k)
        # Never digits, context words, stop words or place words (the last two never reach the
        # scorer), nor a word of one or two letters.
        self.words = [
            (s, surface)
            for s, surface in unique.items()
            if s not in context and len(surface) > 2 and idf(s) >= REASON_MIN_IDF
        ]

    def explain(self, doc: _Doc, change: Adjustment | None) -> tuple[str, ...]:
        """The user's words that explain the entry: matched concepts and keyword phrases first,
        then distinctive single words."""
        reasons: list[str] = [h.surface for h in self.hits if h.concept in doc.concepts]
        for phrase, _ in doc.phrases:
            k = self._find(phrase) if phrase[0] in self.at else -1
            if k >= 0:
                reasons.append(" ".join(dict.fromkeys(t.surface for t in self.terms[k : k + len(phrase)])))
        strong = doc.strong
        reasons += [surface for s, surface in self.words if s in strong]
        if change is not None and change.reason:
            reasons.append(change.reason)
        # Each kept reason with its lowercase form, lowered once rather than at every comparison.
        kept: list[tuple[str, str]] = []
        for r in dict.fromkeys(reasons):
            low = r.lower()
            if any(low in k for _, k in kept):
                continue
            kept = [(reason, k) for reason, k in kept if k not in low]
            kept.append((r, low))
        return tuple(r for r, _ in kept[:MAX_REASONS])

    def _find(self, phrase: tuple[str, ...]) -> int:
        """First position of a run of stems in the terms, or -1."""
        size = len(phrase)
        for k in self.at.get(phrase[0], ()):
            if tuple(self.stems[k : k + size]) == phrase:
                return k
        return -1
