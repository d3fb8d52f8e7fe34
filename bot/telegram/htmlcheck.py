"""What Telegram's HTML parse mode accepts, as a check (the fake Bot API refuses what Telegram
would refuse; tests check every rendered part with it)."""

from __future__ import annotations

import html
import re

__all__ = ["check_html", "plain"]

# Telegram's HTML subset (https://core.telegram.org/bots/api#html-style).
_ALLOWED_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    ]
)
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_SPECIAL = re.compile(r"[<>&]")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")


def check_html(text: str) -> str | None:
    """Why Telegram would refuse `text` in HTML parse mode, or None when it parses."""
    stack: list[str] = []
    position = 0
    for special in _SPECIAL.finditer(text):
        i = special.start()
        if i < position:  # inside a tag or an entity already read
            continue
        char = special.group()
        if char == "<":
            match = _TAG.match(text, i)
            if match is None:
                return f"unsupported start tag at byte offset {i}"
            closing, name = match.group(1), match.group(2).lower()
            if name not in _ALLOWED_TAGS:
                return f'unsupported start tag "{name}" at byte offset {i}'
            if closing:
                if not stack or stack[-1] != name:
                    return f'unexpected end tag "{name}" at byte offset {i}'
                stack.pop()
            else:
                stack.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                return f"unsupported entity at byte offset {i}"
            position = match.end()
        else:
            return f'unexpected ">" at byte offset {i}'
    if stack:
        return f'unclosed tag "{stack[-1]}"'
    return None


def plain(text: str) -> str:
    """Text as a user would see it (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))
