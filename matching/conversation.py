"""Conversation words: tells a need from a greeting, a thank-you or a message that only says who
and where the writer is ("bonjour, mairie de Vannes", "je suis le maire de Pontivy").

Why a separate reader: "mairie" or "bonjour" alone must never be scored as a need (the scorer
would find *some* entry that mentions a mairie). The words come from the `conversation`
section of `vocabulaire.yaml`, so admins extend them without code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .answer import Social
from .followups import spellings
from .normalise import fold, words
from .phrases import phrase_at, phrase_index
from .schema import Conversation

__all__ = ["ConversationReader", "Reading"]

# Messages whose cut into needs is remembered (see `ConversationReader.split`).
PIECES_REMEMBERED = 16

# When a message carries several kinds of conversation words, the one the reply should answer.
_PRIORITY: tuple[Social, ...] = ("thanks", "goodbye", "acknowledgement", "greeting")
# Accent-tolerant letters for separator patterns matched on the raw message.
_ACCENTS = {"a": "[aàâä]", "e": "[eéèêë]", "i": "[iîï]", "o": "[oôö]", "u": "[uùûü]", "c": "[cç]"}
_ASCII_ALNUM = re.compile("[A-Za-z0-9]")
# How a writer introduces their own role ("je suis secrétaire de mairie", "en tant que DGS"):
# French grammar, not domain words; the roles themselves are the vocabulary's identity phrases.
_SELF = (
    "je suis",
    "nous sommes",
    "on est",
    "en tant que",
    "moi c'est",
    "je travaille comme",
    "je bosse comme",
)
# Identity phrases that introduce a writer rather than name a role.
_NOT_ROLES = frozenset({"je", "j", "nous", "on", "ici", "de", "pour"})
# Small words allowed between a role opening a clause and the place it is at ("DGS à la mairie de").
_BEFORE_PLACE = frozenset(
    {
        "a",
        "au",
        "de",
        "d",
        "du",
        "des",
        "la",
        "le",
        "l",
        "les",
        "pour",
        "sur",
        "en",
        "dans",
        "chez",
        "commune",
        "ville",
        "mairie",
        "communaute",
        "communes",
        "cc",
        "cdc",
        "agglo",
        "sommes",
        "suis",
        "ici",
    }
)


@dataclass(frozen=True)
class Reading:
    """What the conversation words of a message say."""

    social: Social | None
    identity: bool
    # Whether some word is neither a conversation word, a stop word nor a number: a possible need.
    has_content: bool


class ConversationReader:
    """Matches conversation phrases (longest first) over a message's folded words."""

    def __init__(self, conversation: Conversation, stop_words: frozenset[str]) -> None:
        self.stop_words = stop_words
        # A message is cut into its needs twice (is it a new subject? then when it is asked):
        # the last few cuts are remembered, as tuples, never changed.
        self._pieces_of = functools.lru_cache(maxsize=PIECES_REMEMBERED)(self._pieces)
        phrases: dict[tuple[str, ...], str] = {}
        kinds: dict[str, list[str]] = {
            "greeting": conversation.greeting,
            "thanks": conversation.thanks,
            "acknowledgement": conversation.acknowledgement,
            "goodbye": conversation.goodbye,
            "identity": conversation.identity,
            "filler": conversation.filler,
            "asking": conversation.asking,
        }
        for kind, values in kinds.items():
            for value in values:
                for key in spellings(tuple(words(value))):
                    phrases.setdefault(key, kind)
        self._by_first = phrase_index(phrases)
        self._separator = _separator_pattern(conversation.separators)
        roles = [r for r in conversation.identity if words(r) and words(r)[0] not in _NOT_ROLES]
        self._roles = _alternatives(roles)
        role = rf"(?P<role>{self._roles})(?!\w)" if self._roles else None
        article = r"(?:(?:le|la|l|un|une|les)[\W_]+)?"
        self._self_role = (
            _AnyCase(rf"(?<!\w)(?:{_alternatives(_SELF)})[\W_]+{article}{role}") if role else None
        )
        # A role opening a clause: "secrétaire de mairie ici, …", "DGS de Lannion, …".
        self._clause_role = _AnyCase(rf"(?:^|[,.;:!?\n(])[\W_]*{role}") if role else None

    def read(self, tokens: Sequence[str]) -> Reading:
        """Conversation kinds found in the words, and whether anything else remains."""
        found: set[str] = set()
        content = False
        tokens = tuple(tokens)
        i = 0
        while i < len(tokens):
            phrase = phrase_at(self._by_first, tokens, i)
            if phrase is None:
                token = tokens[i]
                if token not in self.stop_words and not token.isdigit():
                    content = True
                i += 1
                continue
            size, kind = phrase
            found.add(kind)
            i += size
        social = next((k for k in _PRIORITY if k in found), None)
        # A search for someone ("on cherche une secrétaire de mairie") is a need, even when the
        # person sought is named with identity words.
        content = content or "asking" in found
        return Reading(social=social, identity="identity" in found, has_content=content)

    def courtesy(self, tokens: Sequence[str]) -> frozenset[int]:
        """Positions of the words of greetings, thanks, acknowledgements, goodbyes and letter
        formulas: words that say nothing of the need ("je me permets de vous écrire" is not a
        need to write). Identity words are kept: "agent" may start "agent d'entretien"."""
        drop: set[int] = set()
        tokens = tuple(tokens)
        i = 0
        while i < len(tokens):
            phrase = phrase_at(self._by_first, tokens, i)
            if phrase is None:
                i += 1
                continue
            size, kind = phrase
            if kind not in ("identity", "asking"):
                drop.update(range(i, i + size))
            i += size
        return frozenset(drop)

    def roles(self, text: str, places: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
        """(start, end) of the writer's own role in the message: "je suis secrétaire de mairie",
        "en tant que DGS", or a role opening a clause followed by "ici" or by the place
        ("secrétaire de mairie à Plouaret, …"). Who writes is not the person sought, so these
        words are not read as the need; "on cherche une secrétaire de mairie" keeps them."""
        spans: list[tuple[int, int]] = []
        if self._self_role is not None:
            spans += [f.span("role") for f in self._self_role.finditer(text)]
        if self._clause_role is not None:
            for found in self._clause_role.finditer(text):
                if _before_place(text, found.end(), places):
                    spans.append(found.span("role"))
        return sorted(set(spans))

    def split(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each piece of the message, cut before each separator ("… et aussi …");
        one piece when there is none."""
        return list(self._pieces_of(text))

    def _pieces(self, text: str) -> tuple[tuple[int, int], ...]:
        if self._separator is None:
            return ((0, len(text)),)
        pieces: list[tuple[int, int]] = []
        start = 0
        for found in self._separator.finditer(text):
            pieces.append((start, found.start()))
            start = found.end()
        pieces.append((start, len(text)))
        trimmed = tuple(_trim(text, a, b) for a, b in pieces if _has_word(text[a:b]))
        return trimmed or ((0, len(text)),)


def _has_word(text: str) -> bool:
    """Whether a text has a word (`words` finds one); an ASCII letter or digit is one, however
    the rest of the text folds, so the text is folded only when it has none."""
    return _ASCII_ALNUM.search(text) is not None or bool(words(text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without the spaces and punctuation at either end of a piece."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _before_place(text: str, end: int, places: Sequence[tuple[int, int]]) -> bool:
    """Whether a role ending at `end` is followed by "ici", or by small words then a place."""
    rest = words(text[end : end + 40])
    if rest[:1] == ["ici"]:
        return True
    for start, _ in places:
        if start >= end:
            between = words(text[end:start])
            return len(between) <= 5 and all(w in _BEFORE_PLACE for w in between)
    return False


def _alternatives(phrases: Sequence[str]) -> str:
    """Regex alternatives for phrases, longest first, tolerant of accents, case and punctuation
    between words; empty when there is none."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        parts = [p for p in re.split(r"[\W_]+", fold(phrase)) if p]
        if parts:
            spelled = ["".join(_ACCENTS.get(ch, re.escape(ch)) for ch in part) for part in parts]
            alternatives.append(r"[\W_]+".join(spelled))
    return "|".join(alternatives)


def _separator_pattern(separators: Sequence[str]) -> _AnyCase | None:
    """One regex for every separator, tolerant of accents, case and punctuation between words."""
    alternatives = _alternatives(separators)
    if not alternatives:
        return None
    return _AnyCase(r"(?<!\w)(?:" + alternatives + r")(?!\w)")


class _AnyCase:
    """A pattern of lowercase phrases matched whatever the case, on the lowercased text.

    Why not `re.IGNORECASE`: the vocabulary's phrases make patterns of thousands of characters,
    and with that flag each accent class is compiled with its case variants, three times slower
    (about 25 ms of every start). Lowercasing keeps every offset when it keeps the text's length
    (it never shortens a character); a text with a character that lowercases to two ("İ") is
    matched with the flag, the pattern then compiled once."""

    def __init__(self, pattern: str) -> None:
        self._source = pattern
        self._lower = re.compile(pattern)
        self._any_case: re.Pattern[str] | None = None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches in `text`, at its own offsets."""
        lowered = text.lower()
        if len(lowered) == len(text):
            return self._lower.finditer(lowered)
        if self._any_case is None:
            self._any_case = re.compile(self._source, re.IGNORECASE)
        return self._any_case.finditer(text)
