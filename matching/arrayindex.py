"""The analysed catalogue as flat arrays, and ranking as array arithmetic for large catalogues.

Why: analysing thousands of imported aids costs seconds at every start, and summing BM25F
evidence entry by entry in Python grows with the catalogue. `IndexArrays.of(index)` exports a
built `scoring.Index` once: its precomputed per-(term, entry) weights as a term × entry CSR
matrix (`indptr`, `docs`, `weights`; the weights are the *same* floats the Python path sums),
per-entry records as plain JSON decoded (by converters read from the record's type annotations)
only for the entries a message shortlists, and the rest of the index and analyzer state as
tagged JSON (tuples and sets kept apart, never a pickle).
`ArrayIndex` is an `Index` rebuilt from them: `rank` is the scoring code's own, only the
evidence sum and the shortlist cut run on numpy, adding each term's weights in message order
(the same additions as the Python path, so the same floats) and breaking ties to the earlier
entry, so both paths give identical scores and order (a test compares them). The upper bounds
of a large shortlist are arrays too, with every shortlisted entry's exact example similarity
(one rapidfuzz call over a flat array of examples), so only a few records are ever decoded.
"""

from __future__ import annotations

import json
import sys
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from .analyzer import Analyzer
from .lazyrecords import LazyRecords
from .records import Work, _Batch, _Doc
from .schema import Entry
from .scoring import (
    BOOST_BONUS,
    CONCEPT_BONUS,
    CONTEXT_WEIGHT,
    MAX_PHRASES,
    PHRASE_BONUS,
    SHORTLIST,
    SIMILARITY_WEIGHT,
    Index,
)

__all__ = ["ARRAY_MIN", "ArrayIndex", "IndexArrays", "decode", "encode", "loads"]

# From this many entries the evidence is summed with numpy; below, the CSR matrix is turned back
# into the Python postings (a few hundred entries do not repay numpy's per-call overhead).
ARRAY_MIN = 1000
# Decoded records kept in memory (least recently used dropped first).
DOCS_KEPT = 2048
# Index attributes stored as arrays or rebuilt, not copied as JSON.
_SPECIAL = frozenset({"entries", "analyzer", "audiences", "weights", "_postings", "_docs"})
# Analyzer attributes rebuilt at load (texts' stems are only needed to build an index).
_ANALYZER_SKIP = frozenset({"_stem_cache"})


def encode(value: Any) -> Any:
    """JSON form of index state: lists, and tagged tuples, sets and dicts (keys of any kind)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, frozenset | set):
        return {"f" if isinstance(value, frozenset) else "s": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, dict):
        return {"d": [[encode(k), encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot store {type(value).__name__} in the compiled index")


def _tagged(value: dict[str, Any]) -> Any:
    """`json.loads` hook: the tagged forms back to tuples, sets and dicts (inner values first)."""
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "t":
            return tuple(inner)
        if tag == "f":
            return frozenset(inner)
        if tag == "s":
            return set(inner)
        if tag == "d":
            return {k: v for k, v in inner}
    raise ValueError(f"unknown tagged value {sorted(value)!r}")


def loads(data: bytes | str) -> Any:
    """Inverse of `json.dumps(encode(value))`, decoded in C but for the tagged values."""
    return json.loads(data, object_hook=_tagged)


def decode(value: Any) -> Any:
    """Inverse of `encode` (for values already parsed as plain JSON)."""
    return loads(json.dumps(value))


Converter = Callable[[Any], Any]


def _converter(hint: Any) -> Converter:
    """From plain JSON (lists) back to the annotated type: tuples and frozensets rebuilt by C
    calls (`tuple(list)`), strings and numbers as they are; anything else is refused."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is str:
        return sys.intern  # stems repeat across records: one string each
    if hint in (int, float, bool):
        return _same
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        inner = _converter(args[0])
        return tuple if inner is _same else (lambda v: tuple(map(inner, v)))
    if origin is tuple and args:
        parts = [_converter(a) for a in args]
        return lambda v: tuple(c(x) for c, x in zip(parts, v, strict=True))
    if origin is frozenset and args:
        inner = _converter(args[0])
        return lambda v: frozenset(map(inner, v)) if v else _EMPTY
    raise TypeError(f"cannot store {hint!r} in the compiled index")


def _same(value: Any) -> Any:
    return value


_EMPTY: frozenset[Any] = frozenset()


def _plain(value: Any) -> Any:
    """Tuples and sets as lists (sets sorted, so the bytes are the same every build)."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted((_plain(v) for v in value), key=repr)
    return value


@lru_cache(maxsize=1)
def _doc_fields() -> tuple[tuple[str, Converter], ...]:
    """(field, converter) for every field of a scored entry's record, from its annotations."""
    hints = typing.get_type_hints(_Doc)
    return tuple((f.name, _converter(hints[f.name])) for f in fields(_Doc))


def _doc_record(doc: _Doc) -> list[Any]:
    return [_plain(getattr(doc, name)) for name, _ in _doc_fields()]


def _doc(record: list[Any]) -> _Doc:
    return _Doc(**{name: convert(v) for (name, convert), v in zip(_doc_fields(), record, strict=True)})


@dataclass(frozen=True)
class IndexArrays:
    """A built index as arrays (`*_json` are UTF-8 JSON bytes); what the compiled cache stores."""

    terms: tuple[str, ...]
    indptr: npt.NDArray[np.int64]
    docs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float64]
    doc_offsets: npt.NDArray[np.int64]
    doc_json: bytes | memoryview
    # Every entry's examples (as scored: sorted stems joined by spaces), one a line, entry by entry.
    examples: bytes
    example_offsets: npt.NDArray[np.int64]
    state_json: bytes
    analyzer_json: bytes

    @classmethod
    def of(cls, index: Index) -> IndexArrays:
        """Exports a built index (and its analyzer's learnt vocabulary)."""
        if isinstance(index, ArrayIndex):
            return index.arrays
        postings: Mapping[str, list[tuple[int, float]]] = index._postings
        terms = tuple(postings)
        sizes = np.fromiter((len(postings[t]) for t in terms), dtype=np.int64, count=len(terms))
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        pairs = [p for t in terms for p in postings[t]]
        docs = np.fromiter((i for i, _ in pairs), dtype=np.int32, count=len(pairs))
        weights = np.fromiter((w for _, w in pairs), dtype=np.float64, count=len(pairs))
        records = [json.dumps(_doc_record(d), separators=(",", ":")).encode() for d in index._docs]
        offsets = np.zeros(len(records) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in records], out=offsets[1:])
        counts = np.fromiter((len(d.examples) for d in index._docs), dtype=np.int64, count=len(index._docs))
        example_offsets = np.zeros(len(index._docs) + 1, dtype=np.int64)
        np.cumsum(counts, out=example_offsets[1:])
        if any("\n" in e for d in index._docs for e in d.examples):
            raise ValueError("an analysed example holds a line break")
        examples = "\n".join(e for d in index._docs for e in d.examples).encode()
        state = encode({k: v for k, v in vars(index).items() if k not in _SPECIAL})
        learnt = encode({k: v for k, v in vars(index.analyzer).items() if k not in _ANALYZER_SKIP})
        return cls(
            terms=terms,
            indptr=indptr,
            docs=docs,
            weights=weights,
            doc_offsets=offsets,
            doc_json=b"".join(records),
            examples=examples,
            example_offsets=example_offsets,
            state_json=json.dumps(state, separators=(",", ":")).encode(),
            analyzer_json=json.dumps(learnt, separators=(",", ":")).encode(),
        )

    def analyzer(self) -> Analyzer:
        """The analyzer the index was built with (vocabulary and learnt catalogue words), without
        stemming a word again; its cache of catalogue texts' stems starts empty."""
        analyzer = Analyzer.__new__(Analyzer)
        for name, value in loads(self.analyzer_json).items():
            setattr(analyzer, name, value)
        for name in _ANALYZER_SKIP:
            setattr(analyzer, name, {})
        return analyzer

    def index(self, entries: Sequence[Entry], analyzer: Analyzer, audiences: frozenset[str]) -> Index:
        """The index these arrays came from, for `entries` (numpy ranking from ARRAY_MIN entries)."""
        return ArrayIndex(self, entries, analyzer, audiences)


class _LazyDocs(LazyRecords[_Doc]):
    """Per-entry records decoded on use, the DOCS_KEPT most recently used kept: a message scores
    at most a few hundred, and memory stays that of a few thousand however many messages."""

    def decode(self, data: bytes) -> _Doc:
        return _doc(json.loads(data))

    def kept(self) -> int:
        return DOCS_KEPT


class _Evidence(Mapping[int, float]):
    """Entry -> evidence over a dense array; entries without evidence are absent (weights > 0)."""

    def __init__(self, values: npt.NDArray[np.float64]) -> None:
        self.dense = values
        self.touched = np.flatnonzero(values)

    def __getitem__(self, i: int) -> float:
        value = float(self.dense[i])
        if value == 0.0:
            raise KeyError(i)
        return value

    def get(self, i: int, default: Any = None) -> Any:
        value = float(self.dense[i]) if 0 <= i < len(self.dense) else 0.0
        return value if value != 0.0 else default

    def __iter__(self) -> Iterator[int]:
        return iter(self.touched.tolist())

    def __len__(self) -> int:
        return len(self.touched)


class ArrayIndex(Index):
    """`Index` rebuilt from `IndexArrays`, without analysing a text."""

    def __init__(
        self, arrays: IndexArrays, entries: Sequence[Entry], analyzer: Analyzer, audiences: frozenset[str]
    ) -> None:
        self.entries = entries  # type: ignore[assignment]  # decoded on use: never copied
        self.analyzer = analyzer
        self.audiences = audiences
        self.arrays = arrays
        for name, value in loads(arrays.state_json).items():
            setattr(self, name, value)
        self._docs = _LazyDocs(arrays.doc_json, arrays.doc_offsets.tolist())  # type: ignore[assignment]
        self._rows = {t: k for k, t in enumerate(arrays.terms)}
        self._indptr = arrays.indptr
        self._doc_ids = arrays.docs
        self._weights = arrays.weights
        self.large = len(self.entries) >= ARRAY_MIN
        self._factor_array = np.asarray(self._factors, dtype=np.float64)
        self._gram_arrays: dict[tuple[str, ...], npt.NDArray[np.intp]] = {}
        self._examples: npt.NDArray[np.object_] | None = None
        if not self.large:
            ids, values, bounds = arrays.docs.tolist(), arrays.weights.tolist(), arrays.indptr.tolist()
            self._postings = {
                t: list(zip(ids[bounds[k] : bounds[k + 1]], values[bounds[k] : bounds[k + 1]], strict=True))
                for k, t in enumerate(arrays.terms)
            }

    @property
    def weights(self) -> list[dict[str, float]]:  # type: ignore[override]
        """Per-entry weights (term -> weight), rebuilt from the matrix when asked."""
        out: list[dict[str, float]] = [{} for _ in self.entries]
        bounds = self._indptr.tolist()
        for term, k in self._rows.items():
            for i, w in zip(
                self._doc_ids[bounds[k] : bounds[k + 1]].tolist(),
                self._weights[bounds[k] : bounds[k + 1]].tolist(),
                strict=True,
            ):
                out[i][term] = w
        return out

    def _evidence(
        self, unique: Mapping[str, str], context: frozenset[str], work: Work
    ) -> Mapping[int, float]:
        if not self.large:
            return super()._evidence(unique, context, work)
        total = np.zeros(len(self.entries), dtype=np.float64)
        for s in unique:
            k = self._rows.get(s)
            if k is None:
                work.units += 1
                continue
            a, b = int(self._indptr[k]), int(self._indptr[k + 1])
            work.units += 1 + b - a
            rows = self._doc_ids[a:b]
            if s in context:
                total[rows] += CONTEXT_WEIGHT * self._weights[a:b]
            else:
                total[rows] += self._weights[a:b]
        return _Evidence(total)

    def _shortlist(
        self, gained: Mapping[int, float], answered: set[int], grams: set[tuple[str, ...]]
    ) -> set[int]:
        if not isinstance(gained, _Evidence) or len(gained) + len(answered) <= SHORTLIST:
            return super()._shortlist(gained, answered, grams)
        values = gained.dense
        if sum(1 for i in answered if values[i] == 0.0) + len(gained) <= SHORTLIST:
            return set(gained.touched.tolist()) | answered
        if len(gained) <= SHORTLIST:
            chosen = set(gained.touched.tolist())
        else:
            # The SHORTLIST highest evidences; at the cut, the earlier entries (as `_best`).
            cut = float(np.partition(values, len(values) - SHORTLIST)[len(values) - SHORTLIST])
            above = np.flatnonzero(values > cut)
            ties = np.flatnonzero(values == cut)[: SHORTLIST - len(above)]
            chosen = set(above.tolist()) | set(ties.tolist())
        for g in grams:
            chosen.update(self._gram_docs.get(g, ()))
        ranked = sorted(answered, key=lambda i: (-float(values[i]), i))[:SHORTLIST]
        chosen.update(ranked)
        return chosen

    def _all_similarities(self, query_text: str, ids: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """`_similarities` of the entries `ids`, from the flat array of examples (no record is
        decoded): one rapidfuzz call, then each entry's best example."""
        if self._examples is None:
            text = self.arrays.examples.decode()
            self._examples = np.array(text.split("\n") if text else [], dtype=object)
        offsets = self.arrays.example_offsets
        first, counts = offsets[ids], offsets[ids + 1] - offsets[ids]
        best = np.zeros(len(ids), dtype=np.float64)
        total = int(counts.sum())
        if total:
            # Entry k's examples are first[k] … first[k] + counts[k] - 1, laid end to end.
            starts = np.cumsum(counts) - counts
            positions = np.arange(total) + np.repeat(first - starts, counts)
            scores = process.cdist(
                [query_text], self._examples[positions], scorer=fuzz.token_sort_ratio, dtype=np.float64
            )[0]
            some = counts > 0
            best[some] = np.maximum.reduceat(scores, starts[some])
        return np.maximum(best - 50.0, 0.0) * 2

    def _similarities(self, query_text: str, shortlist: set[int]) -> dict[int, float]:
        """The Python path's similarities (same scorer, same best example, same transform), with
        one rapidfuzz call over every shortlisted entry's examples instead of one per entry."""
        if not self.large:
            return super()._similarities(query_text, shortlist)
        order = list(shortlist)
        examples: list[str] = []
        owners: list[int] = []
        for k, i in enumerate(order):
            texts = self._docs[i].examples
            examples.extend(texts)
            owners.extend([k] * len(texts))
        best = np.zeros(len(order), dtype=np.float64)
        if examples:
            scores = process.cdist([query_text], examples, scorer=fuzz.token_sort_ratio, dtype=np.float64)[0]
            np.maximum.at(best, np.asarray(owners, dtype=np.intp), scores)
        return {i: max(float(value) - 50.0, 0.0) * 2 for i, value in zip(order, best.tolist(), strict=True)}

    def _gram_array(self, gram: tuple[str, ...]) -> npt.NDArray[np.intp] | None:
        """The entries holding a phrase or boost phrase, as an array (built on first use)."""
        docs = self._gram_arrays.get(gram)
        if docs is None:
            found = self._gram_docs.get(gram)
            if found is None:
                return None
            docs = self._gram_arrays[gram] = np.asarray(found, dtype=np.intp)
        return docs

    def _bounds(self, shortlist: set[int], b: _Batch) -> tuple[list[int], list[float]]:
        """The Python path's bounds as array arithmetic (same order: decreasing bound, ties to
        the earlier entry)."""
        if not self.large or not isinstance(b.gained, _Evidence):
            return super()._bounds(shortlist, b)
        ids = np.sort(np.fromiter(shortlist, dtype=np.intp, count=len(shortlist)))
        phrases = np.zeros(len(self.entries), dtype=np.int32)
        for g in b.grams:
            docs = self._gram_array(g)
            if docs is not None:
                phrases[docs] += 1
        # The exact similarity of every shortlisted entry (one C call): the bound's only slack
        # left is an exclusion rule, which only lowers a score.
        similarity = self._all_similarities(b.text, ids)
        b.similarity.update(zip(ids.tolist(), similarity.tolist(), strict=True))
        bound = b.gained.dense[ids] + SIMILARITY_WEIGHT * similarity / 100
        bound += PHRASE_BONUS * np.minimum(phrases[ids], MAX_PHRASES)
        # Boost and concept bonuses, territory rules: few entries, one at a time.
        extra = dict.fromkeys(b.boosted, BOOST_BONUS)
        for i, size in b.sizes.items():
            extra[i] = extra.get(i, 0.0) + CONCEPT_BONUS.get(size, 0.0)
        touched = {*extra, *(b.adjust or ())}
        if touched:
            keys = np.fromiter(touched, dtype=np.intp, count=len(touched))
            for i, k in zip(keys.tolist(), np.searchsorted(ids, keys).tolist(), strict=True):
                if k == len(ids) or ids[k] != i:
                    continue  # not shortlisted
                value = float(bound[k]) + extra.get(i, 0.0)
                change = b.adjust.get(i) if b.adjust else None
                if change is not None:
                    value = value * max(change.factor, 1.0) + (change.bonus if i in b.sizes else 0.0)
                bound[k] = value
        bound *= self._factor_array[ids]
        order = np.lexsort((ids, -bound))
        return ids[order].tolist(), bound[order].tolist()
