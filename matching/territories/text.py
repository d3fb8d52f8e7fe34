"""Text folding and tokenising for place names.

Place names and user messages must meet on one spelling: lower case, no accents, no
hyphens or apostrophes, "St"/"Ste" spelled out. There is one folding function in the
project, `matching.normalise.fold`; this module only cuts a message into words the way
`fold` does, keeping each word's character offsets in the original message (the engine
removes the place, cue word included, from the need text before scoring it). So
``" ".join(token keys) == fold(text)`` up to the St/Ste expansion, a property the tests
check on arbitrary text. The build script stores keys made with `name_key`, and the
resolver reads messages with `tokenize`: both go through this module only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..normalise import fold

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

# Elided or full articles that may start a commune name ("Le Creusot", "L'Isle-Adam").
ARTICLES = frozenset({"le", "la", "les", "l"})

# Article prefixes of INSEE names, by the INSEE "type de nom en clair" (TNCC) code.
TNCC_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}

# Runs that may hold a word: everything but white space and ASCII non-alphanumerics. An ASCII run
# is one word already; other runs are folded character by character (see _char_fold).
_RUN_RE = re.compile(r"[^\s\x00-/:-@\[-`{-\x7f]+")
_ALNUM_RE = re.compile(r"[a-z0-9]+")
# Runs folded once and remembered are at most this long (a word, not a pasted blob).
LONGEST_REMEMBERED_RUN = 40


class Token(NamedTuple):
    """One word of a message: its folded form and where it sits in the original text (a named
    tuple: a message's words are built by the thousand, and a tuple is the cheapest to build)."""

    key: str
    start: int
    end: int
    raw: str

    @property
    def capitalised(self) -> bool:
        """True when the user wrote it with a capital, a hint that it is a proper noun."""
        return self.raw[:1].isupper()


@lru_cache(maxsize=4096)
def _char_fold(char: str) -> str:
    """What `fold` makes of one character inside a word: "" (dropped and joining, like an
    accent or an invisible character once `fold` drops those), " " (a separator) or letters."""
    folded = fold(f"a{char}a")
    middle = folded[1:-1] if folded.startswith("a") and folded.endswith("a") else " "
    return middle if middle.strip() else ("" if folded == "aa" else " ")


def _expand(key: str) -> str:
    return _ABBREVIATIONS.get(key, key)


def _fold_run(run: str, offset: int, out: list[Token]) -> None:
    """Words of one non-ASCII run, each with the offsets of the characters it came from."""
    found = _run_words(run) if len(run) <= LONGEST_REMEMBERED_RUN else _run_words.__wrapped__(run)
    out.extend(Token(key, offset + start, offset + end, raw) for key, start, end, raw in found)


@lru_cache(maxsize=16384)
def _run_words(run: str) -> tuple[tuple[str, int, int, str], ...]:
    """`_fold_run` within the run: most runs are words met again and again ("département",
    "élus", "mairie"), folded character by character otherwise."""
    words: list[tuple[str, int, int, str]] = []
    letters: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(run):
        piece = _char_fold(char) if not char.isascii() else (char.lower() if char.isalnum() else " ")
        for letter in piece:
            letters.append(letter)
            origins.append(index)
    folded = "".join(letters)
    for match in _ALNUM_RE.finditer(folded):
        first, last = origins[match.start()], origins[match.end() - 1]
        words.append((_expand(match.group()), first, last + 1, run[first : last + 1]))
    return tuple(words)


def tokenize(text: str) -> list[Token]:
    """Words of `text` with their offsets: `fold`'s words, St/Ste spelled out."""
    out: list[Token] = []
    expand = _ABBREVIATIONS.get
    for match in _RUN_RE.finditer(text):
        run = match.group()
        if run.isascii():
            key = run.lower()
            out.append(Token(expand(key, key), *match.span(), run))
        else:
            _fold_run(run, match.start(), out)
    return out


@lru_cache(maxsize=65536)
def fold_token(word: str) -> str:
    """Folded form of one word (as `fold` makes it, words glued), with St/Ste expanded."""
    return _expand("".join(fold(word).split()))


def name_key(name: str) -> str:
    """Lookup key of a name: folded words joined by single spaces ("Saint-Étienne" -> "saint etienne")."""
    return " ".join(token.key for token in tokenize(name))


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
