"""Splitting long replies under Telegram's message limit, in one place.

The text is Telegram HTML, so a cut must leave every part valid on its own: never inside a tag
or an entity (`&amp;`), and a tag open at the cut is closed at the end of the part and opened
again at the start of the next one. Cuts go after a line break when one is in the second half
of the part, else after a space, else (a very long word) between two characters.
"""

from __future__ import annotations

import re
from collections import deque

__all__ = ["TELEGRAM_LIMIT", "split_message", "telegram_length"]

# Telegram's MessageLimit.MAX_TEXT_LENGTH (checked against PTB's constant in the tests; this
# module stays free of Telegram imports, the terminal chat uses it too).
TELEGRAM_LIMIT = 4096

_ATOM = re.compile(r"<[^<>]*>|&#?\w+;|\n|[^\S\n]+|[^\s<&]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _after(stack: list[tuple[str, str]], atom: str) -> list[tuple[str, str]]:
    """The open tags after `atom`."""
    match = _TAG.match(atom) if atom[0] == "<" and atom[-1] == ">" else None
    if match is None:
        return stack
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        return [*stack, (name, atom)]
    if stack and stack[-1][0] == name:
        return stack[:-1]
    return stack


def _cut_word(word: str, room: int) -> tuple[str, str]:
    """The longest head of `word` within `room` UTF-16 units (at least one character)."""
    size = 0
    for i, char in enumerate(word):
        size += 2 if ord(char) > 0xFFFF else 1
        if size > room:
            return word[: max(i, 1)], word[max(i, 1) :]
    return word, ""


def _visible(part: str) -> bool:
    """Whether a part shows something (Telegram refuses a message of tags and spaces only)."""
    return bool(re.sub(r"<[^<>]*>", "", part).strip())


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Splits HTML `text` into parts of at most `limit` UTF-16 units, each valid HTML."""
    if telegram_length(text) <= limit:
        return [text]
    atoms: deque[str] = deque(_ATOM.findall(text))
    parts: list[str] = []
    stack: list[tuple[str, str]] = []
    while atoms:
        prefix = "".join(tag for _, tag in stack)
        pieces, used = [prefix], telegram_length(prefix)
        newline: tuple[int, int, list[tuple[str, str]]] | None = None
        space: tuple[int, int, list[tuple[str, str]]] | None = None
        closing = len(_closing(stack))
        while atoms:
            atom = atoms[0]
            after = _after(stack, atom)
            if after is not stack:
                closing = len(_closing(after))
            cost = telegram_length(atom)
            if used + cost + closing > limit:
                break
            atoms.popleft()
            pieces.append(atom)
            used += cost
            stack = after
            if atom == "\n":
                newline = (len(pieces), used, stack)
            elif atom.isspace():
                space = (len(pieces), used, stack)
        if not atoms:
            last = "".join(pieces) + _closing(stack)
            if _visible(last):
                parts.append(last)
            break
        cut = newline if newline is not None and newline[1] >= limit // 2 else (space or newline)
        if cut is not None:
            index, _, stack = cut
            atoms.extendleft(reversed(pieces[index:]))
            del pieces[index:]
        elif len(pieces) == 1:  # not even one atom fits: a word longer than the part
            head, tail = _cut_word(atoms.popleft(), limit - used - telegram_length(_closing(stack)))
            pieces.append(head)
            if tail:
                atoms.appendleft(tail)
        part = "".join(pieces).rstrip() + _closing(stack)
        if _visible(part):
            parts.append(part)
        while atoms and atoms[0].isspace():  # the line break or space we cut at
            atoms.popleft()
    return parts or [text[:limit]]
