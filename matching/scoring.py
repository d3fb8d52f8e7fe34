"""Ranks catalogue entries for an analysed message.

The score mixes three signals, each on 0..1:
- coverage: how much of the message's information (IDF-weighted terms, rare words weigh more)
  the entry's fields explain, with field weights (title and keywords count more than description);
- similarity: rapidfuzz `token_sort_ratio` against the entry's example phrasings (never
  `token_set_ratio`, which gives 100 as soon as one side's words are a subset of the other);
- phrases: whole keyword phrases found in the message ("manager de centre ville").
Explicit rules from the knowledge then boost or exclude entries. Ties keep catalogue order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .analyzer import Analyzer, Term
from .normalise import fold
from .schema import Entry

__all__ = ["FIELD_WEIGHTS", "Index", "Scored"]

FIELD_WEIGHTS: dict[str, float] = {
    "title": 1.0,
    "keywords": 1.0,
    "examples": 0.75,
    "themes": 0.6,
    "summary": 0.5,
    "audience": 0.35,
    "description": 0.3,
}
COVERAGE_WEIGHT = 0.7
SIMILARITY_WEIGHT = 0.3
PHRASE_BONUS = 0.08
BOOST_BONUS = 0.25
EXCLUDE_FACTOR = 0.25
# A single matched word is shown as a reason only if it is not a word every entry uses.
REASON_MIN_IDF = 1.2
# Words absent from the whole catalogue still carry meaning ("mariage", "horaires"): they count
# in the message's information, so a message about something else scores low.
UNKNOWN_IDF_FACTOR = 1.0


@dataclass(frozen=True)
class Scored:
    """An entry's score (0..100) with the human-readable terms that explain it."""

    index: int
    score: float
    reasons: tuple[str, ...]
    evidence: float


@dataclass(frozen=True)
class _Doc:
    weights: dict[str, float]
    phrases: tuple[tuple[tuple[str, ...], str], ...]
    examples: tuple[str, ...]
    boost: tuple[tuple[str, ...], ...]
    exclude: tuple[tuple[str, ...], ...]
    require_any: tuple[tuple[str, ...], ...]


def _grams(stems: Sequence[str], longest: int) -> set[tuple[str, ...]]:
    """Every run of up to `longest` consecutive terms: phrase tests become set lookups."""
    return {tuple(stems[i : i + n]) for n in range(1, longest + 1) for i in range(len(stems) - n + 1)}


class Index:
    """Catalogue analysed once at load time; `rank` is the hot path."""

    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer) -> None:
        self.entries = tuple(entries)
        self.analyzer = analyzer
        docs: list[_Doc] = []
        for entry in entries:
            texts = {
                "title": [entry.title],
                "keywords": entry.keywords,
                "examples": entry.examples,
                "themes": entry.themes,
                "summary": [entry.summary],
                "audience": entry.audience,
                "description": [entry.description],
            }
            weights: dict[str, float] = {}
            for name, values in texts.items():
                for text in values:
                    for stem in analyzer.stems(text):
                        weights[stem] = max(weights.get(stem, 0.0), FIELD_WEIGHTS[name])
            by_stems: dict[tuple[str, ...], str] = {}
            for keyword in entry.keywords:
                key = tuple(analyzer.stems(keyword))
                if len(key) >= 2:
                    by_stems.setdefault(key, keyword)
            phrases = tuple(by_stems.items())
            docs.append(
                _Doc(
                    weights=weights,
                    phrases=phrases,
                    examples=tuple(" ".join(analyzer.stems(e)) for e in entry.examples),
                    boost=self._rule(entry.rules.boost),
                    exclude=self._rule(entry.rules.exclude),
                    require_any=self._rule(entry.rules.require_any),
                )
            )
        self._docs = docs
        # Inverted index: only entries sharing a term with the message are scored, which keeps
        # a catalogue of thousands of aids fast.
        postings: dict[str, list[int]] = {}
        for i, doc in enumerate(docs):
            for term in doc.weights:
                postings.setdefault(term, []).append(i)
        self._postings = postings
        df = {t: len(p) for t, p in postings.items()}
        n = max(len(docs), 1)
        self._idf = {t: math.log(1 + n / d) for t, d in df.items()}
        self._unknown_idf = math.log(1 + n) * UNKNOWN_IDF_FACTOR
        self._longest = max(
            (len(p) for d in docs for p in (*(q for q, _ in d.phrases), *d.boost, *d.exclude, *d.require_any)),
            default=1,
        )

    def _rule(self, phrases: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        return tuple(t for p in phrases if (t := tuple(self.analyzer.stems(p))))

    def idf(self, stem: str) -> float:
        """Inverse document frequency; unknown terms get a fixed, fairly high weight."""
        return self._idf.get(stem, self._unknown_idf)

    def is_known(self, stem: str) -> bool:
        return stem in self._idf

    def rank(self, terms: Sequence[Term], *, cutoff: float = 0.0) -> list[Scored]:
        """Entries scored for the message's terms, best first, ties in catalogue order."""
        unique: dict[str, str] = {}
        for term in terms:
            unique.setdefault(term.stem, term.surface)
        if not unique:
            return []
        stems = [t.stem for t in terms]
        weights = {s: self.idf(s) for s in unique}
        unknown = sum(1 for s in unique if s not in self._idf)
        # Unknown words weigh fully one by one but sub-linearly together: a long real-world
        # message full of context words is not drowned, a short off-topic one still is.
        total = sum(w for s, w in weights.items() if s in self._idf) + self._unknown_idf * math.sqrt(unknown)
        query_text = " ".join(stems)
        grams = _grams(stems, self._longest)
        candidates = sorted({i for s in unique for i in self._postings.get(s, ())})
        out: list[Scored] = []
        for i in candidates:
            doc = self._docs[i]
            gained = 0.0
            matched: list[str] = []
            for s, w in weights.items():
                best = doc.weights.get(s, 0.0)
                if best:
                    gained += w * best
                    if best >= FIELD_WEIGHTS["examples"] and w >= REASON_MIN_IDF:
                        matched.append(unique[s])
            coverage = gained / total
            phrases = [label for p, label in doc.phrases if p in grams]
            score = COVERAGE_WEIGHT * coverage + SIMILARITY_WEIGHT * self._similarity(query_text, doc) / 100
            score += PHRASE_BONUS * min(len(phrases), 3)
            reasons = list(dict.fromkeys(phrases))
            if any(p in grams for p in doc.boost):
                score += BOOST_BONUS
            if any(p in grams for p in doc.exclude):
                score *= EXCLUDE_FACTOR
            if doc.require_any and not any(p in grams for p in doc.require_any):
                score *= EXCLUDE_FACTOR
            for word in matched:
                if not any(word in fold(r) for r in reasons):
                    reasons.append(word)
            reasons = [r for r in reasons if not any(fold(r) in fold(o) and r != o for o in reasons)]
            # Not capped at 100 here: strong answers keep their lead over the runner-up; the
            # engine caps the score it shows.
            final = round(score * 100, 1)
            if final >= cutoff:
                out.append(Scored(i, final, tuple(reasons[:5]), gained))
        out.sort(key=lambda s: (-s.score, s.index))
        return out

    @staticmethod
    def _similarity(query_text: str, doc: _Doc) -> float:
        """Best rapidfuzz similarity (0..100) of the message to the entry's example phrasings."""
        found = process.extractOne(query_text, doc.examples, scorer=fuzz.token_sort_ratio)
        return float(found[1]) if found else 0.0
