"""Text folding and tokenising for place names.

Place names and user messages must meet on one spelling: lower case, no accents, no
hyphens or apostrophes, "St"/"Ste" spelled out. The build script stores keys made with
`name_key`, and the resolver folds message tokens with `fold_token`, so both sides must
use this module only. Tokens keep their character offsets in the original message, because
the engine removes the place (cue word included) from the need text before scoring it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Words in a place name (letters and digits); apostrophes, hyphens, dots, spaces separate.
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

# Elided or full articles that may start a commune name ("Le Creusot", "L'Isle-Adam").
ARTICLES = frozenset({"le", "la", "les", "l"})

# Article prefixes of INSEE names, by the INSEE "type de nom en clair" (TNCC) code.
TNCC_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ß": "ss"})


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a message: its folded form and where it sits in the original text."""

    key: str
    start: int
    end: int
    raw: str

    @property
    def capitalised(self) -> bool:
        """True when the user wrote it with a capital, a hint that it is a proper noun."""
        return self.raw[:1].isupper()


@lru_cache(maxsize=65536)
def fold_token(word: str) -> str:
    """Lower-case, accent-free form of one word, with St/Ste expanded."""
    text = word.translate(_LIGATURES).lower()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _ABBREVIATIONS.get(text, text)


def tokenize(text: str) -> list[Token]:
    """Words of `text` with their offsets (letters and digits; punctuation is dropped)."""
    return [Token(fold_token(m.group()), m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]


def name_key(name: str) -> str:
    """Lookup key of a name: folded words joined by single spaces ("Saint-Étienne" -> "saint etienne")."""
    return " ".join(fold_token(m.group()) for m in _WORD_RE.finditer(name))


def strip_article(key: str) -> str:
    """Key without a leading article ("le creusot" -> "creusot"), or "" if there is none."""
    head, _, rest = key.partition(" ")
    return rest if head in ARTICLES and rest else ""


_PHONETIC_RULES = (
    (re.compile(r"qu|q|ck|c(?=[aou])"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(?<=[aeiou])s(?=[aeiou])"), "z"),
    (re.compile(r"h"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"(?<=\w)[sxtz]\b"), ""),
    (re.compile(r"(?<=\w)e\b"), ""),
)


@lru_cache(maxsize=65536)
def sound_key(key: str) -> str:
    """Rough phonetic key so that spelling slips ("Dunkerke", "Guingamps") meet the real name.

    Deliberately crude: it is only consulted for words the user marked as a place (cue
    word or capital), never to discover places in ordinary words.
    """
    out = key
    for pattern, repl in _PHONETIC_RULES:
        out = pattern.sub(repl, out)
    return out
