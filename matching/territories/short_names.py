"""Everyday short names of compound communes, derived from the commune table itself.

People write "Carhaix" for Carhaix-Plouguer, "Thonon" for Thonon-les-Bains, "Rueil" for
Rueil-Malmaison, "Vitry" for Vitry-sur-Seine or Vitry-le-François. A hand list cannot keep up
with 35,000 communes, so the short names are read from the official names: the first part of a
compound name (up to its first link word, "Saint-" parts and a leading article kept) is a short
name when it is not an ordinary French word, a first name, a département or a région, and when
the towns it can mean are few and of comparable size. `scripts/build_short_names.py` writes the
result to `knowledge/territoires/noms_courts.csv`, which admins can read; `noms_usuels.csv` (by
hand) wins over it. Pure: tables in, rows out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from . import lexicon as lx
from .text import ARTICLES, strip_article, tokenize

# Words that link the parts of a compound name ("Cherbourg-en-Cotentin", "Thonon-les-Bains").
LINK_WORDS = frozenset(
    {"en", "sur", "sous", "les", "le", "la", "de", "du", "des", "d", "l", "lez", "et", "aux", "au"}
)
SAINTS = frozenset({"saint", "sainte", "saints", "saintes"})
# First parts that name something else before a town: a pays (les Mauges, le Vexin), a river
# (l'Erdre, l'Ille), a person or a brand. Checked against the dev sets and catalogue texts.
NOT_SHORT_NAMES = frozenset({"mauges", "vexin", "erdre", "ille", "jacob", "nissan"})
# The town a short name means must be a town people write about by that name.
MIN_POPULATION = 3_000
# Towns of a short name kept as its candidates: at least a tenth of the largest, at most four.
SHARE = 10
MAX_TOWNS = 4
# A commune already bearing the short name exactly stays the only reading unless the compound
# town is this many times larger ("Clermont" in the Oise, 10,000 people, beside Clermont-Ferrand).
OWN_NAME_FACTOR = 10


@dataclass(frozen=True, order=True)
class ShortName:
    """One row of noms_courts.csv: `name` may mean the commune `code` (`official` name)."""

    key: str
    rank: int  # 0 for the most populous town of the name
    name: str
    code: str
    official: str


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    population: int
    key: str


def short_part(name: str) -> tuple[str, str] | None:
    """(key, written form) of the first part of a compound name, or None when it has none:
    "Carhaix-Plouguer" -> ("carhaix", "Carhaix"), "Saint-Dié-des-Vosges" -> ("saint die",
    "Saint-Dié"), "La Seyne-sur-Mer" -> ("la seyne", "La Seyne"), "Brest" -> None."""
    tokens = tokenize(name)
    start = 1 if tokens and tokens[0].key in ARTICLES else 0
    end = start
    while end < len(tokens) and tokens[end].key in SAINTS:
        end += 1
    if end >= len(tokens) or tokens[end].key in LINK_WORDS:
        return None
    end += 1
    if end >= len(tokens):
        return None
    key = " ".join(t.key for t in tokens[:end])
    return key, name[tokens[0].start : tokens[end - 1].end]


def _plain_words(key: str, ordinary: frozenset[str]) -> bool:
    """Whether the name is made of ordinary words only ("la roche", "six", "bourg")."""
    words = [w for w in key.split() if w not in ARTICLES and w not in SAINTS]
    return not words or all(w in ordinary for w in words)


def derive_short_names(
    towns: Iterable[Town],
    *,
    ordinary: frozenset[str],
    first_names: frozenset[str],
    area_keys: frozenset[str],
    taken: frozenset[str],
) -> list[ShortName]:
    """Short names from the commune table.

    `ordinary`: folded French words (mots_courants.txt); `first_names`: folded first names;
    `area_keys`: names of départements, régions and pays, never a town's short name; `taken`:
    short names an admin already maps by hand (noms_usuels.csv).
    """
    by_key: dict[str, list[tuple[Town, str]]] = defaultdict(list)
    own: dict[str, int] = defaultdict(int)
    all_towns = list(towns)
    for town in all_towns:
        for name in (town.key, strip_article(town.key)):
            if name:
                own[name] = max(own[name], town.population)
    for town in all_towns:
        part = short_part(town.name)
        if part is not None:
            by_key[part[0]].append((town, part[1]))
    blocked = ordinary | lx.FREQUENT_WORDS | lx.INSTITUTION_WORDS
    out: list[ShortName] = []
    for key, found in by_key.items():
        found.sort(key=lambda pair: (-pair[0].population, pair[0].code))
        top = found[0][0].population
        if top < MIN_POPULATION or key in taken or key in area_keys or key in NOT_SHORT_NAMES:
            continue
        if len(key.replace(" ", "")) < 3:
            continue
        if _plain_words(key, blocked) or (" " not in key and key in first_names):
            continue
        if key in own and top < OWN_NAME_FACTOR * max(own[key], 1):
            continue
        kept = [(t, written) for t, written in found if t.population * SHARE >= top]
        if len(kept) > MAX_TOWNS:
            continue
        out.extend(ShortName(key, i, written, t.code, t.name) for i, (t, written) in enumerate(kept))
    return sorted(out)
