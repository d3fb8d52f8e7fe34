"""Places in a conversation: settling a homonym from a typed reply, and asking again a need
for another place.

Pure functions over `matching` types; the dialogue decides when to call them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from matching import Territory, fold

__all__ = ["OverridePlace", "settle_candidates"]

_ORDINALS = {
    "premier": 1,
    "premiere": 1,
    "1er": 1,
    "1ere": 1,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "2e": 2,
    "2eme": 2,
    "troisieme": 3,
    "3e": 3,
    "3eme": 3,
    "quatrieme": 4,
    "4e": 4,
    "4eme": 4,
    "cinquieme": 5,
    "5e": 5,
    "5eme": 5,
    "sixieme": 6,
    "6e": 6,
    "6eme": 6,
    "dernier": -1,
    "derniere": -1,
}


@dataclass(frozen=True)
class OverridePlace:
    """A place resolution that puts `territory` where the message named another place, so a
    need written for Quimperlé can be asked again for Brest (the old place's words, `spans`,
    still leave the need's terms)."""

    territory: Territory | None
    spans: tuple[tuple[int, int], ...] = ()
    candidates: tuple[Territory, ...] = ()


def _contains(haystack: str, needle: str) -> bool:
    return bool(needle) and re.search(rf"(?<![a-z0-9]){re.escape(needle)}(?![a-z0-9])", haystack) is not None


def settle_candidates(candidates: Sequence[Territory], text: str) -> Territory | None:
    """The homonym a typed reply picks ("celui du 93", "la Réunion", "le deuxième",
    "Saint-Denis (974)"), or None when the reply names none or several of them."""
    if not candidates:
        return None
    folded = fold(text)
    tokens = folded.split()
    for token in tokens:
        if token in _ORDINALS:
            rank = _ORDINALS[token]
            index = len(candidates) - 1 if rank < 0 else rank - 1
            if 0 <= index < len(candidates):
                return candidates[index]
    picked: list[Territory] = []
    for candidate in candidates:
        clues = [candidate.code]
        if candidate.departement is not None:
            clues += [candidate.departement.code, fold(candidate.departement.name)]
        if candidate.region is not None:
            clues.append(fold(candidate.region.name))
        if any(_contains(folded, clue) for clue in clues):
            picked.append(candidate)
    if len(picked) == 1:
        return picked[0]
    return None
