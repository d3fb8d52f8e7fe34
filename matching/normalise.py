"""French text folding: the one place where case, accents, ligatures, apostrophes, hyphens,
punctuation and emoji are handled, so scorers never see raw text (RapidFuzz keeps its
`processor` separate from its scorers for the same reason)."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["fold", "strip_invisible", "surface_words", "words"]

# Invisible characters that may sit inside a word (soft hyphen, zero-width space / non-joiner /
# joiner, word joiner, invisible operators, BOM, bidi marks and isolates, Mongolian vowel
# separator): removed, never turned into a separator, so "recru\u00adter" is "recruter".
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)
_RAW_WORD = re.compile(r"[^\W_]+")
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
        text = _INVISIBLE.sub("", text)
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


def strip_invisible(text: str) -> str:
    """The text without invisible characters (soft hyphens, zero-width characters, BOM, bidi
    marks), which users paste from documents and which would split words or separators."""
    return text if text.isascii() else _INVISIBLE.sub("", text)


def surface_words(text: str) -> list[tuple[str, str]]:
    """(folded word, the word as typed) for each word of a text, so reasons can show the user's
    own spelling ("Diplômés", not "diplomes"). When a character folds oddly and the two readings
    disagree, the folded word stands for itself."""
    if text.isascii():
        # An ASCII word folds to itself lowercased, and the words are those `words` finds.
        return [(r.lower(), r) for r in _RAW_WORD.findall(text)]
    folded = words(text)
    raw = _RAW_WORD.findall(unicodedata.normalize("NFC", _INVISIBLE.sub("", text)))
    pairs = [(w, r) for r in raw for w in _fold_word(r)]
    if [w for w, _ in pairs] != folded:
        return [(w, w) for w in folded]
    return pairs


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> tuple[str, ...]:
    """The folded words of one typed word (a word folds as it did before: messages repeat
    the same words, so each is folded once)."""
    return tuple(fold(word).split())
