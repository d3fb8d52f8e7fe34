"""French text folding: the one place where case, accents, ligatures, apostrophes, hyphens,
punctuation and emoji are handled, so scorers never see raw text (RapidFuzz keeps its
`processor` separate from its scorers for the same reason)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "words"]

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_HAS_LIGATURE = re.compile("[œŒæÆß]")
# Anything that is not a latin letter or a digit separates words: apostrophes (l'offre),
# hyphens (centre-ville), punctuation, symbols and emoji alike.
_SEPARATORS = re.compile(r"[^a-z0-9]+")


# Combining marks left by NFKD decomposition (accents, cedillas, diaereses…). Marks of other
# blocks are not listed: whatever remains non-ASCII becomes a separator anyway.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """Lowercase, strip accents, expand œ/æ and turn every non-alphanumeric run into one space.

    Idempotent: ``fold(fold(x)) == fold(x)``; the output only has ``[a-z0-9 ]``.
    """
    if not text.isascii():
        if _HAS_LIGATURE.search(text):
            text = text.translate(_LIGATURES)
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower()
        # Lowercasing can produce a ligature again (Œ was handled, but compatibility forms may not be).
        if _HAS_LIGATURE.search(text):
            text = text.translate(_LIGATURES)
    else:
        text = text.lower()
    return _SEPARATORS.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The folded words of a text."""
    folded = fold(text)
    return folded.split() if folded else []
