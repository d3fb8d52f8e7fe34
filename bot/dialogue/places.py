"""Places in a conversation: settling a homonym from a typed reply, and asking a need again
for another place. Pure functions over `matching` types; the dialogue decides when to call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matching import Territory
from matching.territories import PlaceResolver, settle_homonym

__all__ = ["OverridePlace", "settle_candidates"]


@dataclass(frozen=True)
class OverridePlace:
    """A place resolution that puts `territory` where the message named another place, so a
    need written for Quimperlé can be asked again for Brest (the old place's words, `spans`,
    still leave the need's terms)."""

    territory: Territory | None
    spans: tuple[tuple[int, int], ...] = ()
    candidates: tuple[Territory, ...] = ()


def settle_candidates(places: object, candidates: Sequence[Territory], text: str) -> Territory | None:
    """The homonym a typed reply picks ("celui du 93", "la Réunion", "le 2e", a postal code),
    read by the territories' `settle_homonym`; None without territory tables or when the reply
    names none or several of them."""
    if not isinstance(places, PlaceResolver):
        return None
    return settle_homonym(places, candidates, text)
