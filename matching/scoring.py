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

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from .analyzer import Analyzer, Term
from .normalise import fold
from .schema import Entry

__all__ = ["FIELD_WEIGHTS", "Index", "Scored", "entry_fields"]

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
# Entries fully scored per message, at most (besides those whose phrases the message contains).
SHORTLIST = 150
AIDE_FACTOR = 0.97
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


def entry_fields(entry: Entry) -> dict[str, list[str]]:
    """The texts of an entry that matching reads, by field (keys of FIELD_WEIGHTS)."""
    return {
        "title": [entry.title],
        "keywords": entry.keywords,
        "examples": entry.examples,
        "themes": entry.themes,
        "summary": [entry.summary],
        "audience": entry.audience,
        "description": [entry.description],
    }


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
            weights: dict[str, float] = {}
            for name, values in entry_fields(entry).items():
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
        # Public aids lose ties against APEC offers and ANCT programmes that fit equally.
        self._factors = [AIDE_FACTOR if e.kind == "aide" else 1.0 for e in entries]
        # Inverted index with each term's best field weight: coverage is accumulated from the
        # postings of the message's terms, so only entries sharing a term are ever touched.
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc in enumerate(docs):
            for term, weight in doc.weights.items():
                postings.setdefault(term, []).append((i, weight))
        self._postings = postings
        # Entries whose phrases or rules mention a run of terms, to shortlist them whatever their coverage.
        gram_docs: dict[tuple[str, ...], list[int]] = {}
        for i, doc in enumerate(docs):
            for gram in {*(q for q, _ in doc.phrases), *doc.boost}:
                gram_docs.setdefault(gram, []).append(i)
        self._gram_docs = gram_docs
        n = max(len(docs), 1)
        self._idf = {t: math.log(1 + n / len(p)) for t, p in postings.items()}
        self._unknown_idf = math.log(1 + n) * UNKNOWN_IDF_FACTOR
        self._longest = max(
            (
                len(p)
                for d in docs
                for p in (*(q for q, _ in d.phrases), *d.boost, *d.exclude, *d.require_any)
            ),
            default=1,
        )

    def _rule(self, phrases: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        return tuple(t for p in phrases if (t := tuple(self.analyzer.stems(p))))

    def idf(self, stem: str) -> float:
        """Inverse document frequency; unknown terms get a fixed, fairly high weight."""
        return self._idf.get(stem, self._unknown_idf)

    def rank(
        self, terms: Sequence[Term], *, limit: int = 10, keep: Callable[[int], bool] | None = None
    ) -> list[Scored]:
        """Entries scored for the message's terms, best first, ties in catalogue order.

        Every entry sharing a term gets a coverage; the full score (similarity, phrases, rules)
        is computed for the best `SHORTLIST` by coverage plus those whose phrases or boosts
        appear in the message, which keeps large catalogues fast. Reasons are built for the
        first `limit` results only; `keep` filters entries (e.g. an aid outside its perimeter).
        """
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
        gained: dict[int, float] = {}
        for s, w in weights.items():
            for i, field_weight in self._postings.get(s, ()):
                gained[i] = gained.get(i, 0.0) + w * field_weight
        grams = _grams(stems, self._longest)
        shortlist: set[int] = set(gained)
        if len(gained) > SHORTLIST:
            shortlist = set(heapq.nlargest(SHORTLIST, gained, key=lambda i: (gained[i], -i)))
            shortlist.update(i for g in grams for i in self._gram_docs.get(g, ()))
        query_text = " ".join(stems)
        similarity = self._similarities(query_text, shortlist)
        out: list[Scored] = []
        for i in shortlist:
            if keep is not None and not keep(i):
                continue
            doc = self._docs[i]
            score = COVERAGE_WEIGHT * gained[i] / total + SIMILARITY_WEIGHT * similarity[i] / 100
            score += PHRASE_BONUS * min(sum(1 for p, _ in doc.phrases if p in grams), 3)
            if any(p in grams for p in doc.boost):
                score += BOOST_BONUS
            if any(p in grams for p in doc.exclude):
                score *= EXCLUDE_FACTOR
            if doc.require_any and not any(p in grams for p in doc.require_any):
                score *= EXCLUDE_FACTOR
            # Not capped at 100 here: strong answers keep their lead over the runner-up; the
            # engine caps the score it shows.
            out.append(Scored(i, round(score * self._factors[i] * 100, 1), (), gained[i]))
        out.sort(key=lambda s: (-s.score, s.index))
        for k, scored in enumerate(out[:limit]):
            out[k] = replace(scored, reasons=self._reasons(self._docs[scored.index], unique, weights, grams))
        return out

    def _reasons(
        self, doc: _Doc, unique: dict[str, str], weights: dict[str, float], grams: set[tuple[str, ...]]
    ) -> tuple[str, ...]:
        """Matched keyword phrases, then the message's distinctive words found in the entry."""
        reasons = list(dict.fromkeys(label for p, label in doc.phrases if p in grams))
        for s, surface in unique.items():
            best = doc.weights.get(s, 0.0)
            if (
                best >= FIELD_WEIGHTS["examples"]
                and weights[s] >= REASON_MIN_IDF
                and not any(surface in fold(r) for r in reasons)
            ):
                reasons.append(surface)
        reasons = [r for r in reasons if not any(fold(r) in fold(o) and r != o for o in reasons)]
        return tuple(reasons[:5])

    def _similarities(self, query_text: str, shortlist: set[int]) -> dict[int, float]:
        """Best rapidfuzz similarity (0..100) of the message to each shortlisted entry's examples.

        One `extractOne` per entry: measured faster than one `extract` over every example of a
        small catalogue, which sorts all scores.
        """
        best: dict[int, float] = {}
        for i in shortlist:
            found = process.extractOne(query_text, self._docs[i].examples, scorer=fuzz.token_sort_ratio)
            best[i] = float(found[1]) if found else 0.0
        return best
