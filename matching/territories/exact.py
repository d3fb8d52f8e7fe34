"""Exact place names in a message: the longest commune, former commune, usual name,
département, région or full EPCI name starting at a word, and which kind of place it is.

Why apart from the scan: this is the lookup done at every word that starts a name; its
indexes (first words, word prefixes, all name keys; see tables.py) keep it to a few set
lookups, and the choice between a commune and an area of the same name is made here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .mention import MAX_WORK, NOTABLE_POPULATION, Kind, Mention
from .numbers import DEP_NUMBER
from .phrases import reach
from .text import ARTICLES

if TYPE_CHECKING:
    from .scan import Scan


def exact_at(scan: Scan, i: int) -> Mention | None:
    """The longest exact name starting at token i that the context lets be read as a place."""
    t = scan.t
    top = min(t.name_first_words.get(scan.keys[i], 0), scan.stop[i] - i)
    if top <= 0:
        return None  # no place name starts with this word
    longest = reach(t.name_prefixes, scan.keys, i, top)
    if top > longest:  # the sizes no name can have count as tried (same work budget)
        if scan.work + top - longest > MAX_WORK:
            scan.work = max(scan.work + 1, MAX_WORK + 1)
            return None
        scan.work += top - longest
    for size in range(longest, 0, -1):
        scan.work += 1
        if scan.work > MAX_WORK:
            return None
        end = i + size
        key = " ".join(scan.keys[i:end])
        if key not in t.name_keys:
            continue  # no table holds this name
        communes = t.commune_codes(key)
        usual = t.usual_names.get(key, [])
        if usual and communes:
            # "Marigot" is the chef-lieu of Saint-Martin before it is "Le Marigot" without its
            # article ("au Marigot" keeps the article); "Charleville" is Charleville-Mézières
            # as much as the village of that name.
            typed = {"au": "le ", "aux": "les "}.get(scan.keys[i - 1], "") + key if i else key
            exact = [c for c in communes if (row := t.commune(c)) and row.key == typed]
            if typed != key and exact:
                usual = []
            communes = exact
        usual_areas = [c for c in usual if c in t.departements]
        communes = [*communes, *(c for c in usual if c not in t.departements and c not in communes)]
        former = not communes and key in t.alias_keys
        if former:
            communes = t.alias_keys[key]
        elif (
            communes
            and key in t.alias_keys
            and not any(
                (row := t.commune(c)) and (row.seat or row.population >= NOTABLE_POPULATION) for c in communes
            )
        ):
            # a village of that name, and the former name of a commune now merged into
            # another (but "Moulins" is the préfecture, not the former commune in Mauléon)
            communes = [*communes, *(c for c in t.alias_keys[key] if c not in communes)]
        dep = t.departement_keys.get(key) or (usual_areas[0] if usual_areas else None)
        region = t.region_keys.get(key)
        if dep is None and region is None and size > 1 and scan.keys[i] in ARTICLES:
            # "la Creuse", "les Landes": the article belongs to the sentence, not the name
            rest = " ".join(scan.keys[i + 1 : end])
            dep, region = t.departement_keys.get(rest), t.region_keys.get(rest)
        epcis = t.epci_keys.get(key) if size >= 2 else None
        if not (communes or dep or region or epcis):
            continue
        if former and size == 1 and scan._cue(i)[0] is None:
            continue  # a former commune's one-word name ("Roussay") needs a cue word
        return _choose(scan, i, end, list(communes), dep, region, epcis or [])
    return None


def _choose(
    scan: Scan, i: int, end: int, communes: list[str], dep: str | None, region: str | None, epcis: list[str]
) -> Mention | None:
    """One name, several kinds of place: the cue word, a number next to it and the sizes decide."""
    cue, _ = scan._cue(i)
    rows = [row for c in communes if (row := scan.t.commune(c))]
    pop = max((row.population for row in rows), default=0)
    notable = any(row.seat or row.population >= NOTABLE_POPULATION for row in rows)
    area: tuple[Kind, str] | None = None
    if dep:
        area = ("departement", dep)
    elif region:
        area = ("region", region)
    if dep in scan.t.collectivities:
        # "Saint-Barthélemy", "Saint-Martin": the collectivity's own commune, not a village
        own = [c for c in communes if (row := scan.t.commune(c)) and row.dep == dep]
        communes = own or communes
        rows = [row for c in communes if (row := scan.t.commune(c))]
    number = _number_after(scan, end)
    kind: Kind
    if epcis:
        kind, codes = "epci", tuple(epcis)
    elif communes and (
        area is None
        or (cue == "commune" and pop >= 5000)
        or (cue is None and pop >= 100_000)
        or (number is not None and any(number in (row.dep, row.code[:2]) for row in rows))
    ):
        kind, codes = "commune", tuple(communes)
    elif area is not None:
        kind, codes = area[0], (area[1],)
    else:
        return None
    ok, cue_start = scan._evidence(i, end, pop if kind == "commune" else 10**6, kind, notable)
    if not ok:
        return None
    return Mention(kind, codes, i, end, scan._span(cue_start, end))


def _number_after(scan: Scan, end: int) -> str | None:
    """The département number right after a name ("Vienne (38)", "Saint-Denis 93")."""
    if end < len(scan.keys) and DEP_NUMBER.match(scan.keys[end]):
        return scan.keys[end].upper()
    return None
