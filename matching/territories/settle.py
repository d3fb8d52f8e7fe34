"""Settling a pending homonym choice from the user's reply ("celui du 93", "la Réunion", "le 2e").

Why a pure function: the dialogue offers the homonyms (most populous first) and the user
answers in words; reading that answer is place understanding, so it lives here and the
dialogue only calls it. It never guesses: an answer that fits none or several candidates
settles nothing (None), and the dialogue asks again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..answer import Territory
from .resolver import PlaceResolver
from .scan import DEP_NUMBER
from .text import tokenize

_ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "deuxieme": 2, "second": 2, "seconde": 2,
    "troisieme": 3, "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8,
    "neuvieme": 9, "dixieme": 10, "dernier": -1, "derniere": -1,
}  # fmt: skip
_NUMBERED = re.compile(r"^(\d{1,2})(?:e|eme|er|ere|de|nd)?$")


def settle_homonym(resolver: PlaceResolver, candidates: Sequence[Territory], reply: str) -> Territory | None:
    """The candidate the reply designates, or None when it designates none or several.

    Understood: a rank ("le 2e", "le premier", "2"), a département number or name ("celui du
    93", "(974)", "en Martinique", "la Réunion"), a région, a postal or INSEE code, or the
    commune's name with its département ("Saint-Pierre de la Réunion").
    """
    if not candidates:
        return None
    words = [t.key for t in tokenize(reply[:200])]
    rank = _rank(words, len(candidates))
    if rank is not None:
        return candidates[rank]
    codes = {c.code for c in candidates}
    for word in words:
        if word.upper() in codes:
            return next(c for c in candidates if c.code == word.upper())
        if len(word) == 5 and word.isdigit():
            postal = set(resolver.tables.postal_communes(word))
            return _only(c for c in candidates if c.code in postal)
    place = resolver.resolve(reply).territory
    if place is None:  # the reply is a place answer: "celui de la réunion" is La Réunion
        place = resolver.resolve(reply[:200].title()).territory
    if place is not None and place.level == "commune" and place.code in codes:
        return next(c for c in candidates if c.code == place.code)
    if place is not None and place.departement is not None:
        return _only(c for c in candidates if c.departement and c.departement.code == place.departement.code)
    if place is not None and place.region is not None:
        return _only(c for c in candidates if c.region and c.region.code == place.region.code)
    numbers = [w.upper() for w in words if DEP_NUMBER.match(w)]
    if len(numbers) == 1:  # "celui du 93", "93"
        return _only(c for c in candidates if c.departement and c.departement.code == numbers[0])
    return None


def _rank(words: list[str], count: int) -> int | None:
    """Index designated by a rank word, when the reply is a short rank answer."""
    if len(words) > 4:
        return None
    for word in words:
        value = _ORDINALS.get(word)
        match = _NUMBERED.match(word)
        if value is None and match and (len(words) == 1 or match.group(0) != match.group(1)):
            value = int(match.group(1))
        if value == -1:
            return count - 1
        if (
            value is not None
            and 1 <= value <= count
            and not (len(word) <= 2 and DEP_NUMBER.match(word) and value > 9)
        ):
            return value - 1
    return None


def _only(found: object) -> Territory | None:
    matches = list(found)  # type: ignore[call-overload]
    return matches[0] if len(matches) == 1 else None
