"""Turns folded words into the terms the scorer compares: abbreviations expanded, synonyms
rewritten to one canonical phrase, stop words dropped, French Snowball stems.

Catalogue texts and messages go through the same analyzer, so "embaucher un manageur" and
"recruter un manager" meet on the same terms. Only messages get typo correction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .normalise import fold, surface_words, words
from .schema import Vocabulary

__all__ = ["Analyzer", "Term"]

_STEMMER = snowballstemmer.stemmer("french")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """French Snowball stem; digits and very short words are kept as they are."""
    if len(word) <= 3 or word.isdigit():
        return word
    return str(_STEMMER.stemWord(word))


class Term(NamedTuple):
    """One analysed term and the words of the message it came from (for the reasons shown);
    `stop`: a tool word, kept only by `Analyzer.tokens` (its `stem` is then the folded word)."""

    stem: str
    surface: str
    stop: bool = False


class Analyzer:
    """Applies the admins' vocabulary; built once per knowledge load."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.stop_words: frozenset[str] = frozenset(w for s in vocabulary.stop_words for w in words(s))
        self._abbreviations: dict[str, tuple[str, ...]] = {
            fold(k): tuple(words(v)) for k, v in vocabulary.abbreviations.items() if fold(k)
        }
        rewrites: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in vocabulary.synonyms.items():
            target = tuple(words(canonical))
            for variant in variants:
                key = tuple(words(variant))
                if key and key != target:
                    rewrites[key] = target
        # Variants grouped by first word, longest first, so a rewrite only looks where it can match.
        by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for key in sorted(rewrites, key=len, reverse=True):
            by_first.setdefault(key[0], []).append((key, rewrites[key]))
        self._by_first = by_first
        self._known_words: set[str] = set(self.stop_words) | set(self._abbreviations)
        for key, target in rewrites.items():
            self._known_words.update(key)
            self._known_words.update(target)
        for expansion in self._abbreviations.values():
            self._known_words.update(expansion)
        self._known_stems: set[str] = {stem(w) for w in self._known_words}
        self._by_initial: dict[str, list[str]] = {}
        self._stem_cache: dict[str, list[str]] = {}

    def learn(self, texts: Iterable[str]) -> None:
        """Adds catalogue words to the vocabulary that typo correction may correct towards."""
        new: set[str] = set()
        for text in texts:
            new.update(words(text))
        new -= self._known_words
        self._known_words |= new
        self._known_stems |= {stem(w) for w in new}
        by_initial: dict[str, list[str]] = {}
        for w in sorted(self._known_words):
            if len(w) >= 4 and not w.isdigit():
                by_initial.setdefault(w[0], []).append(w)
        self._by_initial = by_initial

    # -- pipeline ---------------------------------------------------------------------------

    def terms(self, text: str, *, correct: bool = False, drop: frozenset[int] = frozenset()) -> list[Term]:
        """Analysed terms of a text, in order, stop words removed; `drop` lists positions of
        words (in `surface_words` order) to leave out, e.g. courtesy formulas."""
        return [t for t in self.tokens(text, correct=correct, drop=drop) if not t.stop]

    def tokens(self, text: str, *, correct: bool = False, drop: frozenset[int] = frozenset()) -> list[Term]:
        """`terms` with the stop words kept in place (flagged `stop`), for phrasings whose tool
        words carry the meaning ("a-t-on le droit", "peut-on")."""
        pairs = surface_words(text) if correct else [(w, w) for w in words(text)]
        return self.analyse(pairs, correct=correct, drop=drop)

    def analyse(
        self, pairs: Sequence[tuple[str, str]], *, correct: bool = False, drop: frozenset[int] = frozenset()
    ) -> list[Term]:
        """`tokens` of a text's (folded word, word as typed) pairs (`surface_words`), for a
        caller that already has them."""
        if drop:
            pairs = [pair for k, pair in enumerate(pairs) if k not in drop]
        if correct:
            pairs = [(self.correct(w), surface) for w, surface in pairs]
        expanded: list[tuple[str, str]] = []
        for token, surface in pairs:
            expansion = self._abbreviations.get(token)
            if expansion:
                expanded.extend((w, surface) for w in expansion)
            else:
                expanded.append((token, surface))
        rewritten = self._rewrite(expanded)
        stops = self.stop_words
        return [Term(w, surface, True) if w in stops else Term(stem(w), surface) for w, surface in rewritten]

    def stems(self, text: str) -> list[str]:
        """Stems of a catalogue text (no typo correction); cached, as catalogues repeat phrases."""
        cached = self._stem_cache.get(text)
        if cached is None:
            cached = self._stem_cache[text] = [t.stem for t in self.terms(text)]
        return cached

    def is_known(self, word: str) -> bool:
        """Whether a folded word (or its stem) belongs to the knowledge vocabulary."""
        return word in self._known_words or stem(word) in self._known_stems

    def correct(self, word: str) -> str:
        """Closest known word within one edit (two for long words), else the word itself.

        Short words and digits are never corrected: they are too often place names or codes.
        """
        if len(word) < 5 or word.isdigit() or self.is_known(word):
            return word
        limit = 1 if len(word) < 10 else 2
        # Typos rarely touch the first letter; requiring it avoids "menageres" -> "managers".
        pool = self._by_initial.get(word[0], [])
        found = process.extractOne(word, pool, scorer=OSA.distance, score_cutoff=limit)
        return str(found[0]) if found else word

    def _rewrite(self, tokens: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """Greedy longest-first rewrite of synonym variants to their canonical phrase."""
        out: list[tuple[str, str]] = []
        folded = [w for w, _ in tokens]
        i = 0
        while i < len(tokens):
            for key, target in self._by_first.get(folded[i], ()):
                size = len(key)
                if tuple(folded[i : i + size]) == key:
                    surface = " ".join(dict.fromkeys(s for _, s in tokens[i : i + size]))
                    out.extend((w, surface) for w in target)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out
