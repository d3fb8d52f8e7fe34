"""What the engine reads of every catalogue entry when it starts (ids, declared answers, territory
rules, perimeters), and a catalogue whose entries are decoded only when asked.

Why: a start on thousands of imported aids would otherwise build every entry as a pydantic
model (≈ 7.5 KB each, 40 MB at 5,000 entries, 0.4 s), while a message reads only the few it
shows. `LazyEntries` keeps the validated entries as their JSON (one blob and offsets, from the
compiled knowledge) and decodes an entry on first use, keeping the most recently used ones;
`EntryFacts` is computed once when the catalogue is compiled and stored with it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter

from .concepts import parse_answer
from .lazyrecords import LazyRecords
from .schema import Entry

__all__ = ["DECODED", "EntryFacts", "LazyEntries", "entry_facts"]

# Decoded entries kept (the results shown and the ruled entries of recent messages).
DECODED = 256


@dataclass(frozen=True)
class EntryFacts:
    """The catalogue as the engine reads it at start-up."""

    # Entry id -> position in the catalogue.
    ids: dict[str, int]
    # The declared answers of the catalogue (each parsed into its concepts), once each.
    answers: tuple[tuple[str, ...], ...]
    # Entries with a territory rule (population range, programme membership).
    ruled: tuple[int, ...]
    # Entry -> perimeter codes, for the entries limited to a perimeter.
    perimeters: dict[int, frozenset[str]]

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "ids": list(self.ids.items()),
                "answers": [list(a) for a in self.answers],
                "ruled": list(self.ruled),
                "perimeters": [[i, sorted(p)] for i, p in self.perimeters.items()],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> EntryFacts:
        raw = json.loads(data)
        return cls(
            ids={entry_id: i for entry_id, i in raw["ids"]},
            answers=tuple(tuple(a) for a in raw["answers"]),
            ruled=tuple(raw["ruled"]),
            perimeters={i: frozenset(p) for i, p in raw["perimeters"]},
        )


def entry_facts(entries: Sequence[Entry]) -> EntryFacts:
    """The facts of a catalogue (stored ones for a `LazyEntries`, without decoding an entry)."""
    if isinstance(entries, LazyEntries):
        return entries.facts
    return EntryFacts(
        ids={e.id: i for i, e in enumerate(entries)},
        answers=tuple(dict.fromkeys(parse_answer(a) for e in entries for a in e.answers)),
        ruled=tuple(
            i
            for i, e in enumerate(entries)
            if e.rules.population_max is not None or e.rules.population_min is not None or e.rules.members_of
        ),
        perimeters={i: frozenset(e.perimeter) for i, e in enumerate(entries) if e.perimeter},
    )


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[Entry]:
    return TypeAdapter(Entry)


class LazyEntries(LazyRecords[Entry]):
    """Validated entries as JSON (`blob[offsets[i]:offsets[i + 1]]` is entry i), decoded on use."""

    def __init__(self, blob: bytes, offsets: Sequence[int], facts: EntryFacts) -> None:
        super().__init__(blob, offsets)
        self.facts = facts

    def decode(self, data: bytes) -> Entry:
        return _adapter().validate_json(data)

    def kept(self) -> int:
        return DECODED

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyEntries({len(self)} entries)"
