"""The conversation state of one user: what a follow-up needs to make sense.

Serialisable to a small JSON object (`to_dict` / `from_dict`) so the bot keeps it in its SQLite
store under the user's pseudonymous key and a restart forgets nothing. Only ids, texts the user
wrote and places are kept; contacts are routed again from the knowledge when needed, so a
reload of the knowledge never serves stale contacts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from matching import Territory

from .model import Choice

__all__ = ["CONVERSATION_TTL", "STATE_VERSION", "Need", "Session"]

log = logging.getLogger(__name__)

STATE_VERSION = 1
# Long pasted messages are kept only as far as matching reads them.
MAX_KEPT_CHARS = 1000
# How long the words of a need are kept for follow-ups; after that only the commune remains
# (the store keeps no question text otherwise, except unanswered ones).
CONVERSATION_TTL = dt.timedelta(hours=24)


@dataclass
class Need:
    """One need of the last answer: the user's words, the entry shown and the other pistes."""

    query: str
    entry: str | None = None
    reasons: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query[:MAX_KEPT_CHARS],
            "entry": self.entry,
            "reasons": list(self.reasons),
            "alternatives": list(self.alternatives),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Need:
        return cls(
            query=str(data["query"]),
            entry=str(data["entry"]) if data.get("entry") else None,
            reasons=tuple(str(r) for r in data.get("reasons", ())),
            alternatives=tuple(str(a) for a in data.get("alternatives", ())),
        )


@dataclass
class Session:
    """What the assistant remembers about one user between messages.

    `territory` is the remembered place; `awaiting_place` says the last reply asked for the
    commune, and `last_query` is the need to answer once it comes. `needs` describes the last
    answer (one item per need, in the order written); `candidates` are the homonyms offered in
    the last reply, and `choices` the numbered choices a typed number refers to.
    """

    territory: Territory | None = None
    awaiting_place: bool = False
    last_query: str | None = None
    needs: list[Need] = field(default_factory=list)
    candidates: list[Territory] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)

    @property
    def last(self) -> Need | None:
        """The need of the last answer that has an entry (the first, when several)."""
        return next((n for n in self.needs if n.entry), None)

    def to_dict(self, *, saved_at: dt.datetime | None = None) -> dict[str, Any]:
        """A JSON-serialisable copy (what the store keeps), dated when `saved_at` is given."""
        return {
            "version": STATE_VERSION,
            "saved_at": saved_at.astimezone(dt.UTC).isoformat(timespec="seconds") if saved_at else None,
            "territory": self.territory.model_dump(mode="json") if self.territory else None,
            "awaiting_place": self.awaiting_place,
            "last_query": self.last_query[:MAX_KEPT_CHARS] if self.last_query else None,
            "needs": [n.to_dict() for n in self.needs],
            "candidates": [c.model_dump(mode="json") for c in self.candidates],
            "choices": [[c.label, c.action] for c in self.choices],
        }

    @classmethod
    def from_dict(cls, data: Any, *, now: dt.datetime | None = None) -> Session:
        """The session a stored copy describes; an unreadable or foreign copy gives a fresh
        session (logged without its content) rather than an error in front of the user. Given
        `now`, a copy saved more than CONVERSATION_TTL before keeps only its commune."""
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return cls()
        try:
            territory = data.get("territory")
            if now is not None and _older(data.get("saved_at"), now):
                return cls(territory=Territory.model_validate(territory) if territory else None)
            return cls(
                territory=Territory.model_validate(territory) if territory else None,
                awaiting_place=bool(data.get("awaiting_place", False)),
                last_query=str(data["last_query"]) if data.get("last_query") else None,
                needs=[Need.from_dict(n) for n in data.get("needs", ())],
                candidates=[Territory.model_validate(c) for c in data.get("candidates", ())],
                choices=[Choice(str(lbl), str(act)) for lbl, act in data.get("choices", ())],
            )
        except (KeyError, TypeError, ValueError, ValidationError):
            log.warning("Ignoring an unreadable stored conversation state.")
            return cls()


def _older(saved_at: Any, now: dt.datetime) -> bool:
    """Whether a copy saved at `saved_at` (ISO) is past CONVERSATION_TTL; undated: not."""
    if not isinstance(saved_at, str):
        return False
    when = dt.datetime.fromisoformat(saved_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return now - when > CONVERSATION_TTL
