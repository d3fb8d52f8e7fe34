"""The stemmer: the compiled Snowball stemmer (PyStemmer) that snowballstemmer hands out when it is
installed must stem exactly as the reference pure-Python French stemmer, or answers would change
with the installation."""

from __future__ import annotations

import re
from pathlib import Path

import snowballstemmer
from snowballstemmer.french_stemmer import FrenchStemmer

from matching.analyzer import stem
from matching.normalise import fold

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    *sorted((ROOT / "knowledge").rglob("*.yaml")),
    *sorted((ROOT / "tests" / "cases").glob("*.yaml")),
    *sorted((ROOT / "bot" / "evalsets").glob("*.yaml")),
]


def _words() -> list[str]:
    found: set[str] = set()
    for path in TEXTS:
        for word in re.findall(r"\w+", path.read_text(encoding="utf-8").lower()):
            found.update((word, fold(word)))
    return sorted(found)


def test_the_stemmer_in_use_is_the_compiled_one() -> None:
    """PyStemmer is a dependency: without it every start stems the catalogue 25 times slower."""
    assert type(snowballstemmer.stemmer("french")).__module__ == "Stemmer"


def test_the_stems_are_the_reference_snowball_stems_on_every_word_we_read() -> None:
    """Every word of the knowledge files, golden cases and evaluation sets, as written and folded."""
    words = _words()
    assert len(words) > 5000
    reference = FrenchStemmer()
    different = [
        (w, stem(w)) for w in words if len(w) > 3 and not w.isdigit() and stem(w) != reference.stemWord(w)
    ]
    assert different == []
