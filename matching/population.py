"""The population a message states for its own commune ("commune de 3 200 habitants", "village
de 450 âmes", "on a 7800 hab").

Why: people often give their size instead of their name, and size is what separates Petites
villes de demain (under 20,000) from Action cœur de ville or Villages d'avenir (under 3,500).
A figure about something else (a quartier, an agglomération, a département, a bassin) is not
the commune's: the words just before the number say whose population it is.
"""

from __future__ import annotations

import re

from .normalise import fold

__all__ = ["stated_population"]

# A number (spaces, dots or narrow spaces between thousands) followed by inhabitants.
_FIGURE = re.compile(r"(?<![0-9])([0-9]{1,3}(?:[ .][0-9]{3})+|[0-9]+)\s*(?:k\s*)?(habitants?|hab|ames)\b")
# Words a few words before the number that make it another territory's population.
_NOT_COMMUNE = frozenset(
    {
        "quartier",
        "quartiers",
        "qpv",
        "agglo",
        "agglomeration",
        "intercommunalite",
        "intercommunalites",
        "communaute",
        "epci",
        "cc",
        "comcom",
        "metropole",
        "departement",
        "region",
        "bassin",
        "territoire",
        "pays",
        "canton",
        "massif",
        "petr",
        "syndicat",
        "total",
        "dont",
        # « regroupe 32 communes et 41 000 habitants »: a group of communes.
        "communes",
        "regroupe",
    }
)
# How many words before the number are read for its owner.
_OWNER_WORDS = 4


def stated_population(text: str) -> int | None:
    """The first population the message gives for a commune, or None."""
    folded = fold(text)
    for found in _FIGURE.finditer(folded):
        before = folded[: found.start()].split()[-_OWNER_WORDS:]
        if _NOT_COMMUNE.intersection(before):
            continue
        digits = re.sub(r"[ .]", "", found.group(1))
        value = int(digits)
        if "k" in folded[found.end(1) : found.start(2)]:
            value *= 1000
        return value if 0 < value < 3_000_000 else None
    return None
