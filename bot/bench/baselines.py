"""Baselines any reviewer would try first, over the same catalogue text as the engine.

All see each entry's title, summary, keywords and examples, folded with `matching.fold` so
accents, case and punctuation never decide a result. Unlike the engine, they always answer
(they have no notion of "nothing fits"), which the bench reports separately. `SnowballBm25`
is an independent, well-known BM25 (the `bm25s` package) with French Snowball stemming and
French stop words: the fair "plain search with stemming" comparison for our BM25F.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from types import TracebackType

from rapidfuzz import fuzz, process

from matching import Entry, fold

__all__ = ["Fts5Bm25", "SnowballBm25", "WRatioBaseline", "entry_text"]


def entry_text(entry: Entry) -> str:
    """The text both baselines index: title, summary, keywords and examples, folded."""
    return fold(" ".join([entry.title, entry.summary, *entry.keywords, *entry.examples]))


class WRatioBaseline:
    """rapidfuzz `WRatio` of the query against each entry's whole text; best one wins."""

    name = "rapidfuzz_wratio"

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._ids = [e.id for e in entries]
        self._texts = [entry_text(e) for e in entries]

    def top(self, query: str) -> str | None:
        """Id of the best entry, or None only for a query with no word at all."""
        folded = fold(query)
        if not folded or not self._texts:
            return None
        found = process.extractOne(folded, self._texts, scorer=fuzz.WRatio, processor=None)
        return self._ids[found[2]] if found else None


class Fts5Bm25:
    """SQLite FTS5 full-text index ranked by BM25, the query's words OR-ed together.

    An in-memory database; use as a context manager (or call `close`) so the connection is
    closed deterministically.
    """

    name = "fts5_bm25"

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._conn = sqlite3.connect(":memory:")
        self._conn.execute(
            'CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, tokenize="unicode61 remove_diacritics 2")'
        )
        with self._conn:
            self._conn.executemany(
                "INSERT INTO docs (id, body) VALUES (?, ?)", [(e.id, entry_text(e)) for e in entries]
            )

    def top(self, query: str) -> str | None:
        """Id of the best BM25 entry, or None when no word of the query is in the catalogue."""
        expression = match_expression(query)
        if not expression:
            return None
        row = self._conn.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 1", [expression]
        ).fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Fts5Bm25:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def match_expression(query: str) -> str:
    """FTS5 query: every folded word quoted (so OR, NOT, NEAR or '*' are never operators), OR-ed.

    Empty when the query has no word; FTS5 rejects an empty MATCH, so callers must check.
    """
    words = dict.fromkeys(fold(query).split())
    return " OR ".join(f'"{w}"' for w in words)


class SnowballBm25:
    """`bm25s` (Okapi BM25 on sparse arrays) with French stop words and Snowball stemming.

    Optional: `available()` is False when the package is not installed (it is in the `test`
    extra), and the bench then says so instead of failing.
    """

    name = "bm25s_snowball_fr"

    def __init__(self, entries: Sequence[Entry]) -> None:
        import bm25s
        import snowballstemmer

        self._bm25s = bm25s
        self._stemmer = snowballstemmer.stemmer("french")
        self._ids = [e.id for e in entries]
        self._retriever = bm25s.BM25()
        self._retriever.index(self._tokens([entry_text(e) for e in entries]), show_progress=False)

    @staticmethod
    def available() -> bool:
        """Whether the `bm25s` package can be imported."""
        try:
            import bm25s  # noqa: F401
        except ImportError:
            return False
        return True

    def _tokens(self, texts: list[str]) -> object:
        return self._bm25s.tokenize(
            [fold(t) for t in texts], stopwords="fr", stemmer=self._stemmer, show_progress=False
        )

    def top(self, query: str) -> str | None:
        """Id of the best entry, or None when no word of the query is in the catalogue."""
        if not fold(query) or not self._ids:
            return None
        found, scores = self._retriever.retrieve(self._tokens([query]), k=1, show_progress=False)
        return self._ids[int(found[0][0])] if float(scores[0][0]) > 0 else None
