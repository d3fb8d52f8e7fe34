"""What the dialogue sends out: replies, their choices, and the outcome of one turn.

Front ends render these (`bot.render`): the terminal numbers the choices, Telegram makes them
buttons; both send back the choice's `action` string, kept under Telegram's 64-byte callback limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matching import Answer, Contact, Entry, Fact, Territory

__all__ = ["MAX_ACTION_BYTES", "Choice", "Outcome", "Reply", "action", "index", "label"]

# Action prefixes (callback data): e=entry card, m=more about an entry (details),
# n=contacts of an entry, p=place, x=not this (the themes), t=theme (alone: the themes),
# f=feedback, c=catalogue page, q=an example need typed for the user.
MAX_ACTION_BYTES = 64


@dataclass(frozen=True)
class Choice:
    """A button (Telegram) or a numbered option (terminal)."""

    label: str
    action: str


@dataclass(frozen=True)
class Reply:
    """One message of the assistant. `kind` says how it is rendered: "card" (the answer),
    "details" (the entry in full), "contacts", "facts", or plain text for every other kind."""

    kind: str
    text: str = ""
    entry: Entry | None = None
    reasons: tuple[str, ...] = ()
    related: tuple[Entry, ...] = ()
    territory: Territory | None = None
    contacts: tuple[Contact, ...] = ()
    choices: tuple[Choice, ...] = ()
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """Replies plus what the caller may want to log (status, top entry, feedback)."""

    replies: tuple[Reply, ...]
    status: str | None = None
    top: str | None = None
    feedback: tuple[str, int] | None = None
    answer: Answer | None = field(default=None, compare=False)

    @property
    def numbered(self) -> tuple[Choice, ...]:
        """The one list of choices a typed number refers to: the last reply offering a choice
        other than a vote. One list per turn, so "2" can never mean two things."""
        for reply in reversed(self.replies):
            usable = tuple(c for c in reply.choices if not c.action.startswith("f:"))
            if usable:
                return usable
        return ()


def label(text: str, limit: int = 60) -> str:
    """A choice label short enough for a Telegram button."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def index(value: str) -> int | None:
    """A page or theme number from callback data; None unless plain ASCII digits ("²" is a
    digit to str.isdigit, not to int), at most 6 of them."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None


def action(prefix: str, value: str = "") -> str:
    """Callback data for a choice, truncated to Telegram's 64-byte limit."""
    data = f"{prefix}:{value}" if value else prefix
    return data.encode()[:MAX_ACTION_BYTES].decode(errors="ignore")
