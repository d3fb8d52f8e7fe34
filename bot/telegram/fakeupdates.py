"""Updates as Telegram sends them, for the fake Bot API's callers (benchmark, tests)."""

from __future__ import annotations

import re
import time
from typing import Any

__all__ = ["message_update"]


def message_update(
    message_id: int,
    text: str | None = None,
    *,
    user_id: int = 1001,
    chat_id: int | None = None,
    chat_type: str = "private",
    reply_to: dict[str, Any] | None = None,
    first_name: str = "Camille",
    **extra: Any,
) -> dict[str, Any]:
    """A message update (without its update_id), as Telegram sends it (entities included)."""
    chat_id = chat_id if chat_id is not None else user_id
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = first_name
    else:
        chat["title"] = "Groupe de test"
    sender = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "fr"}
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat,
        "from": sender,
    }
    message.update(extra)
    if text is not None:
        message["text"] = text
        entities = _entities(text)
        if entities:
            message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"message": message}


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command and mention entities, with offsets in UTF-16 code units like Telegram."""
    entities = []
    for match in re.finditer(r"(?<![\w/])(/[a-zA-Z0-9_]+(?:@[a-zA-Z0-9_]+)?|@[a-zA-Z0-9_]{3,})", text):
        offset = len(text[: match.start()].encode("utf-16-le")) // 2
        length = len(match.group(0).encode("utf-16-le")) // 2
        kind = "mention" if match.group(0).startswith("@") else "bot_command"
        if kind == "bot_command" and match.start() != 0:
            continue
        entities.append({"type": kind, "offset": offset, "length": length})
    return entities
