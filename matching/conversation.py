"""Conversation words: tells a need from a greeting, a thank-you or a message that only says who
and where the writer is ("bonjour, mairie de Vannes", "je suis le maire de Pontivy").

Why a separate reader: "mairie" or "bonjour" alone must never be scored as a need (the scorer
would find *some* entry that mentions a mairie). The words come from the `conversation`
section of `vocabulaire.yaml`, so admins extend them without code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .answer import Social
from .normalise import fold, words
from .schema import Conversation

__all__ = ["ConversationReader", "Reading"]

# When a message carries several kinds of conversation words, the one the reply should answer.
_PRIORITY: tuple[Social, ...] = ("thanks", "goodbye", "acknowledgement", "greeting")
# Accent-tolerant letters for separator patterns matched on the raw message.
_ACCENTS = {"a": "[aàâä]", "e": "[eéèêë]", "i": "[iîï]", "o": "[oôö]", "u": "[uùûü]", "c": "[cç]"}


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
                key = tuple(words(value))
                if key:
                    phrases.setdefault(key, kind)
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key in sorted(phrases, key=len, reverse=True):
            by_first.setdefault(key[0], []).append((key, phrases[key]))
        self._by_first = by_first
        self._separator = _separator_pattern(conversation.separators)

    def read(self, tokens: Sequence[str]) -> Reading:
        """Conversation kinds found in the words, and whether anything else remains."""
        found: set[str] = set()
        content = False
        i = 0
        while i < len(tokens):
            for key, kind in self._by_first.get(tokens[i], ()):
                if tuple(tokens[i : i + len(key)]) == key:
                    found.add(kind)
                    i += len(key)
                    break
            else:
                token = tokens[i]
                if token not in self.stop_words and not token.isdigit():
                    content = True
                i += 1
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
        i = 0
        while i < len(tokens):
            for key, kind in self._by_first.get(tokens[i], ()):
                if tuple(tokens[i : i + len(key)]) == key:
                    if kind not in ("identity", "asking"):
                        drop.update(range(i, i + len(key)))
                    i += len(key)
                    break
            else:
                i += 1
        return frozenset(drop)

    def split(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each piece of the message, cut before each separator ("… et aussi …");
        one piece when there is none."""
        if self._separator is None:
            return [(0, len(text))]
        pieces: list[tuple[int, int]] = []
        start = 0
        for found in self._separator.finditer(text):
            pieces.append((start, found.start()))
            start = found.end()
        pieces.append((start, len(text)))
        trimmed = [_trim(text, a, b) for a, b in pieces if words(text[a:b])]
        return trimmed or [(0, len(text))]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without the spaces and punctuation at either end of a piece."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _separator_pattern(separators: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for every separator, tolerant of accents, case and punctuation between words."""
    alternatives = []
    for separator in sorted(separators, key=len, reverse=True):
        parts = fold(separator).split()
        if parts:
            spelled = ["".join(_ACCENTS.get(ch, re.escape(ch)) for ch in part) for part in parts]
            alternatives.append(r"[\W_]+".join(spelled))
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
