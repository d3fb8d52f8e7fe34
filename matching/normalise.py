"""French text folding: the one place where case, accents, ligatures, apostrophes, hyphens,
punctuation and emoji are handled, so scorers never see raw text (RapidFuzz keeps its
`processor` separate from its scorers for the same reason)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "words"]

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
# Anything that is not a latin letter or a digit separates words: apostrophes (l'offre),
# hyphens (centre-ville), punctuation, symbols and emoji alike.
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase, strip accents, expand œ/æ and turn every non-alphanumeric run into one space.

    Idempotent: ``fold(fold(x)) == fold(x)``; the output only has ``[a-z0-9 ]``.
    """
    text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFKD can produce new ligature-free letters but also uppercase ones: lowercase last.
    lowered = stripped.lower().translate(_LIGATURES)
    return _SEPARATORS.sub(" ", lowered).strip()


def words(text: str) -> list[str]:
    """The folded words of a text."""
    folded = fold(text)
    return folded.split() if folded else []
