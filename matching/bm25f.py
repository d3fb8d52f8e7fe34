"""BM25F term frequencies of catalogue entries: per-field counts, length-normalised, weighted by
field and saturated (`tf / (K1 + tf)`), so a word repeated in a description never outweighs a
title word. Computed once at load time; `scoring.Index` multiplies them by IDF."""

from __future__ import annotations

from collections.abc import Sequence

from .analyzer import Analyzer
from .schema import Entry

__all__ = ["FIELDS", "K1", "entry_fields", "saturated_frequencies"]

# Field -> (weight, length normalisation b).
FIELDS: dict[str, tuple[float, float]] = {
    "title": (3.0, 0.5),
    "keywords": (2.5, 0.2),
    "examples": (1.2, 0.2),
    "themes": (1.5, 0.3),
    "summary": (1.0, 0.6),
    "audience": (0.8, 0.5),
    "description": (0.5, 0.75),
}
K1 = 1.2


def entry_fields(entry: Entry) -> dict[str, list[str]]:
    """The texts of an entry that matching reads, by field (keys of FIELDS)."""
    return {
        "title": [entry.title],
        "keywords": entry.keywords,
        "examples": entry.examples,
        "themes": entry.themes,
        "summary": [entry.summary],
        "audience": entry.audience,
        "description": [entry.description],
    }


def saturated_frequencies(entries: Sequence[Entry], analyzer: Analyzer) -> list[dict[str, float]]:
    """Saturated, length-normalised field-weighted term frequency of each term in each entry."""
    counts: list[dict[str, dict[str, int]]] = []
    lengths: list[dict[str, int]] = []
    for entry in entries:
        per_field: dict[str, dict[str, int]] = {}
        size: dict[str, int] = {}
        for name, values in entry_fields(entry).items():
            tf: dict[str, int] = {}
            n = 0
            for text in values:
                for stem in analyzer.stems(text):
                    tf[stem] = tf.get(stem, 0) + 1
                    n += 1
            per_field[name], size[name] = tf, n
        counts.append(per_field)
        lengths.append(size)
    average = {f: max(sum(s[f] for s in lengths) / max(len(lengths), 1), 1.0) for f in FIELDS}
    out: list[dict[str, float]] = []
    for per_field, size in zip(counts, lengths, strict=True):
        tf_tilde: dict[str, float] = {}
        for name, tf in per_field.items():
            weight, b = FIELDS[name]
            norm = 1 - b + b * size[name] / average[name]
            for stem, count in tf.items():
                tf_tilde[stem] = tf_tilde.get(stem, 0.0) + weight * count / norm
        out.append({s: t / (K1 + t) for s, t in tf_tilde.items()})
    return out
