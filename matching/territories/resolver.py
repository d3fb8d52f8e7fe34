"""Find the place a message talks about: commune, EPCI, département or région.

Why so cautious: thousands of communes are named like ordinary words ("Pont", "Bourg",
"Job", "Ligné"), and a wrong place sends the user to the wrong préfet or APEC delegation.
A name is only taken when the user marks it (a cue word such as "à", "en", "dans le", a
capital letter, a postal code or a département number next to it) or when the name is
unmistakable (several words, or a rare word). Homonyms are never guessed: the resolver
returns the candidates, most populous first, unless the context settles it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..answer import Ref, Territory
from .numbers import numbers
from .programmes import programme_statuses
from .scan import DEP_NUMBER, NOTABLE_POPULATION, Mention, Scan, fuzzy_codes
from .sender import mark_senders
from .tablecache import Restored
from .tables import Collectivity, Commune, Tables
from .text import tokenize

_MARKUP = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")
MAX_TEXT = 2000  # characters looked at: places are named early, and this bounds the cost
MAX_TOKENS = 400  # words looked at (a 2,000-character message has about 350)
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class PlaceResolution:
    """What a message says about place.

    `territory` is None when no place was found or when a name is ambiguous; then
    `candidates` lists the homonyms (most populous first) so the bot can ask. When a
    territory was chosen only because one homonym is far larger, `candidates` still lists
    the others. `spans` are (start, end) offsets in the original text covering the place
    and its cue words, so the need can be scored without them.
    """

    territory: Territory | None = None
    candidates: tuple[Territory, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    # Work done (exact-name lookups, spelling-slip searches): bounded per message, so that no
    # text, however built, costs much more than an ordinary one (see tests/test_pathological.py).
    work: int = field(default=0, compare=False)
    fuzzy_lookups: int = field(default=0, compare=False)


class PlaceResolver:
    """Place understanding over the bundled INSEE tables (see scripts/build_territories.py)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    @classmethod
    def load(
        cls, knowledge_dir: Path, *, checked: bool = False, restored: Restored | None = None
    ) -> PlaceResolver:
        """Load the tables from `knowledge_dir/territoires/` and warm the lookup indexes;
        `checked`: they passed every check with this code, `restored`: their largest maps and
        indexes (see `Tables.load`)."""
        tables = Tables.load(knowledge_dir, checked=checked, restored=restored)
        _ = (
            tables.name_first_words,
            tables.name_keys,
            tables.name_prefixes,
            tables.epci_short_first,
            tables.demonym_first,
            tables.prefix_index,
            tables.area_sounds,
        )
        return cls(tables)

    # -- lookups by code -----------------------------------------------------------------

    def departement(self, code: str) -> Ref | None:
        """The département with this code ("22", "2A", "974"), as used in answers."""
        dep = self.tables.departements.get(code.upper().zfill(2))
        return Ref(code=dep.code, name=dep.name) if dep else None

    def region(self, code: str) -> Ref | None:
        """The région with this INSEE code ("53" Bretagne)."""
        region = self.tables.regions.get(code.zfill(2))
        return Ref(code=region.code, name=region.name) if region else None

    def prefecture(self, dep_code: str) -> str | None:
        """Name of the préfecture town (chef-lieu) of a département, e.g. "Saint-Brieuc"."""
        dep = self.tables.departements.get(dep_code.upper().zfill(2))
        town = self.tables.commune(dep.chef_lieu) if dep else None
        return town.name if town else None

    def collectivity(self, code: str) -> Collectivity | None:
        """The overseas collectivity with this code ("987"), with its State representative."""
        return self.tables.collectivities.get(code.strip())

    def commune(self, code: str) -> Territory | None:
        """The commune with this INSEE code (for a user picking a candidate)."""
        row = self.tables.commune(code.strip().upper())
        return self._commune_territory(row) if row else None

    def search_communes(self, name: str) -> list[Territory]:
        """Communes matching a bare name typed in answer to "quelle commune ?".

        No cue is required here (the question is the cue); spelling slips are tolerated.
        A postal code, an INSEE code or a département number in the answer narrows the list.
        """
        tokens = tokenize(name[:200])
        words = [t for t in tokens if not t.key.isdigit() and t.key not in ("2a", "2b")]
        numbers = [t.key for t in tokens if t not in words]
        codes: list[str] = []
        key = " ".join(t.key for t in words)
        if key:
            codes = self.tables.commune_codes(key) or list(self.tables.alias_keys.get(key, []))
            if not codes:
                codes = self._fuzzy_commune_codes(key, lowercase=False)
        for number in numbers:
            if len(number) == 5:
                in_postal = set(self.tables.postal_communes(number))
                if self.tables.commune(number.upper()):
                    in_postal.add(number.upper())
                codes = [c for c in codes if c in in_postal] if codes else sorted(in_postal)
            elif DEP_NUMBER.match(number):
                dep = number.upper()
                codes = [c for c in codes if (row := self.tables.commune(c)) and row.dep == dep]
        return self._ranked(codes)[:MAX_CANDIDATES]

    # -- resolution ------------------------------------------------------------------------

    def resolve(self, text: str) -> PlaceResolution:
        """Find the place in a free-text message (see the module docstring for the rules)."""
        # Markup pasted with a message ("<b>Comment</b> …") is blanked, keeping every offset,
        # so that a tag's letters are not taken for a word before the sentence's first word.
        text = _MARKUP.sub(lambda m: " " * len(m.group()), text[:MAX_TEXT])
        tokens = tokenize(text)[:MAX_TOKENS]
        if not tokens:
            return PlaceResolution()
        scan = Scan(self.tables, text, tokens)
        mentions = scan.names()
        mentions += numbers(scan, mentions)
        mentions.sort(key=lambda m: m.start)
        mark_senders(scan, mentions)
        found = self._decide(mentions) if mentions else PlaceResolution()
        return PlaceResolution(found.territory, found.candidates, found.spans, scan.work, scan.fuzzy_lookups)

    def _decide(self, mentions: list[Mention]) -> PlaceResolution:
        """Combine the mentions: the sender's place first, then the first commune (narrowed by
        postal codes, départements and régions named), then EPCI, département, région."""
        spans = _merge(m.span for m in mentions)
        deps = {c for m in mentions if m.kind == "departement" for c in m.codes}
        regions = {c for m in mentions if m.kind == "region" for c in m.codes}
        postal = [m for m in mentions if m.kind == "postal"]
        named = [m for m in mentions if m.kind == "commune"]
        lead = next((m for m in mentions if m.sender), None)
        if lead is not None and lead.kind in ("epci", "departement", "region"):
            # "l'agence d'attractivité du Finistère … un job dating à Paris": the sender's area,
            # unless a commune named lies inside it (then that commune, more precise).
            inside = [m for m in (*named, *postal) if any(self._within(c, lead) for c in m.codes)]
            if not inside:
                return PlaceResolution(self._mention_territory(lead), (), spans)
            named, postal = [m for m in named if m in inside], [m for m in postal if m in inside]
        elif lead is not None:
            named = [lead, *(m for m in named if m is not lead)] if lead.kind == "commune" else named
            postal = [lead, *(m for m in postal if m is not lead)] if lead.kind == "postal" else postal
        main = named[0] if named else (postal[0] if postal else None)
        if main is not None:
            return self._commune_reading(main, postal, deps, regions, mentions, spans)
        for kind in ("epci", "departement", "region"):
            for mention in mentions:
                if mention.kind == kind:
                    return PlaceResolution(self._mention_territory(mention), (), spans)
        return PlaceResolution()

    def _commune_reading(
        self,
        main: Mention,
        postal: list[Mention],
        deps: set[str],
        regions: set[str],
        mentions: list[Mention],
        spans: tuple[tuple[int, int], ...],
    ) -> PlaceResolution:
        tables = self.tables
        codes = list(main.codes)
        for other in postal:
            if other is not main:
                codes = _narrow(codes, other.codes.__contains__)
        if deps:
            codes = _narrow(codes, lambda c: (row := tables.commune(c)) is not None and row.dep in deps)
        if regions:
            codes = _narrow(codes, lambda c: self._region_of_commune(c) in regions)
        area = self._inconsistent_area(main, codes, deps, regions, mentions)
        if area is not None:
            return PlaceResolution(self._mention_territory(area), (), spans)
        ranked = self._ranked(codes)
        if len(ranked) == 1:
            return PlaceResolution(ranked[0], (), spans)
        chosen = self._dominant(ranked, main) if main.kind == "commune" else None
        if chosen is not None:
            return PlaceResolution(chosen, tuple(ranked[:MAX_CANDIDATES]), spans)
        dep_codes = {t.departement.code for t in ranked if t.departement}
        only = self._departement_territory(dep_codes.pop()) if len(dep_codes) == 1 and postal else None
        return PlaceResolution(only, tuple(ranked[:MAX_CANDIDATES]), spans)

    def _inconsistent_area(
        self, main: Mention, codes: list[str], deps: set[str], regions: set[str], mentions: list[Mention]
    ) -> Mention | None:
        """The area named when the commune read lies elsewhere and is no town everyone names
        ("l'Alpe du Grand Serre … en Isère" is not Le Grand-Serre, Drôme): the user's explicit
        département or région is the safer reading. A sender's commune or a notable town
        ("on est à Brest … comme en Normandie") keeps its reading."""
        if main.kind != "commune" or main.sender or not (deps or regions):
            return None
        rows = [row for c in codes if (row := self.tables.commune(c))]
        if any(row.dep in deps or self._region_of_commune(row.code) in regions for row in rows):
            return None
        if any(row.seat or row.population >= NOTABLE_POPULATION for row in rows):
            return None
        return next((m for m in mentions if m.kind == "departement"), None) or next(
            (m for m in mentions if m.kind == "region"), None
        )

    def _within(self, code: str, area: Mention) -> bool:
        """Whether commune `code` lies in the département, région or EPCI of `area`."""
        row = self.tables.commune(code)
        if row is None:
            return False
        if area.kind == "epci":
            return row.epci in area.codes
        if area.kind == "departement":
            return row.dep in area.codes
        return self._region_of_commune(code) in area.codes

    def _mention_territory(self, mention: Mention) -> Territory | None:
        return self._centre(mention) or self._area_territory(mention.kind, mention.codes[0])

    def _centre(self, mention: Mention) -> Territory | None:
        """The commune an EPCI is named after ("Brest métropole", "le Grand Poitiers"), when it
        belongs to the EPCI and holds a fifth of its people or more: the user names both, and
        the commune (its EPCI set) carries everything the EPCI would, plus the commune's own
        arrondissement, programmes and nearest services; the routing (département, région) is
        the same. A small namesake ("Grand Chambord") leaves the EPCI."""
        if mention.kind != "epci" or not mention.name:
            return None
        epci = self.tables.epcis.get(mention.codes[0])
        words = mention.name.removeprefix("le ").removeprefix("grand ").split(" ")
        if epci is None or not epci.population:
            return None
        for size in range(len(words), 0, -1):  # "Quimper Bretagne Occidentale": Quimper
            for code in self.tables.commune_codes(" ".join(words[:size])):
                row = self.tables.commune(code)
                if row is not None and row.epci == epci.code and 5 * row.population >= epci.population:
                    return self._commune_territory(row)
        return None

    # -- territory objects -------------------------------------------------------------

    def _region_of_commune(self, code: str) -> str:
        row = self.tables.commune(code)
        dep = self.tables.departements.get(row.dep) if row else None
        return dep.region if dep else ""

    def _programmes(self, *codes: str) -> tuple[str, ...]:
        found = {p for code in codes if code for p in self.tables.programmes.get(code, ())}
        return tuple(sorted(found))

    def _commune_territory(self, row: Commune) -> Territory:
        epci = self.tables.epcis.get(row.epci)
        dep = self.departement(row.dep)
        return Territory(
            level="commune",
            code=row.code,
            name=row.name,
            departement=dep,
            region=self._region_ref_of_dep(row.dep),
            epci=Ref(code=epci.code, name=epci.name) if epci else None,
            population=row.population or None,
            programmes=self._programmes(row.code, row.epci),
            programme_lists=programme_statuses(
                self.tables.programmes.get(row.code, ()),
                (
                    pl
                    for pl in self.tables.programme_lists
                    if row.dep in self.tables.programme_reach.get(pl.programme, ())
                ),
            ),
        )

    def _region_ref_of_dep(self, dep_code: str) -> Ref | None:
        dep = self.tables.departements.get(dep_code)
        return self.region(dep.region) if dep else None

    def _departement_territory(self, code: str) -> Territory | None:
        ref = self.departement(code)
        if ref is None:
            return None
        return Territory(
            level="departement",
            code=ref.code,
            name=ref.name,
            departement=ref,
            region=self._region_ref_of_dep(ref.code),
        )

    def _area_territory(self, kind: str, code: str) -> Territory | None:
        if kind == "departement":
            return self._departement_territory(code)
        if kind == "region":
            ref = self.region(code)
            return Territory(level="region", code=ref.code, name=ref.name, region=ref) if ref else None
        epci = self.tables.epcis.get(code)
        if epci is None:
            return None
        return Territory(
            level="epci",
            code=epci.code,
            name=epci.name,
            departement=self.departement(epci.dep) if epci.dep else None,
            region=self._region_ref_of_dep(epci.dep),
            epci=Ref(code=epci.code, name=epci.name),
            population=epci.population or None,
            programmes=self._programmes(epci.code),
        )

    def _ranked(self, codes: list[str]) -> list[Territory]:
        rows = [row for code in dict.fromkeys(codes) if (row := self.tables.commune(code))]
        rows.sort(key=lambda r: (-r.population, r.code))
        return [self._commune_territory(r) for r in rows]

    def _dominant(self, ranked: list[Territory], main: Mention) -> Territory | None:
        """The homonym to take without asking, or None (then the candidates are offered).

        Homonyms are offered, not guessed ("Saint-Pierre", "Saint-Paul"), except when one is
        the town everybody means: a préfecture ten times bigger than any homonym (Valence,
        Laval, Moulins), a sous-préfecture ten times bigger than its one or two homonyms
        (Castres, Vire), or a town holding 80 % of the homonyms' weight, each counted by the
        square root of its population (a village has a town hall that writes to us too).
        A misspelt name goes to a town five times bigger than the next, slips of big towns'
        names being far more frequent than of villages'.
        """
        first = ranked[0].population or 0
        second = max(ranked[1].population or 0, 1)
        if main.fuzzy:
            return ranked[0] if first >= 20_000 and first >= 5 * second else None
        row = self.tables.commune(ranked[0].code)
        rank = row.rank if row else ""
        if first >= 10 * second and (rank in ("R", "D") or (rank == "A" and len(ranked) <= 3)):
            return ranked[0]
        weights = [math.sqrt(t.population or 0) for t in ranked]
        if first >= 20_000 and weights[0] >= 0.8 * sum(weights):
            return ranked[0]
        return None

    def _fuzzy_commune_codes(self, key: str, *, lowercase: bool) -> list[str]:
        return fuzzy_codes(self.tables, key, lowercase=lowercase)


def _narrow(codes: list[str], keep: Callable[[str], bool]) -> list[str]:
    """Apply a context filter unless it would leave nothing (context may be wrong)."""
    kept = [c for c in codes if keep(c)]
    return kept or codes


def _merge(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, non-overlapping spans (touching or one-space-apart spans are joined)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


def resolution_json(resolution: PlaceResolution) -> dict[str, object]:
    """The documented JSON shape (issue 3): territory, territory_candidates, spans."""
    return {
        "territory": resolution.territory.model_dump(mode="json") if resolution.territory else None,
        "territory_candidates": [t.model_dump(mode="json") for t in resolution.candidates],
        "spans": [list(s) for s in resolution.spans],
    }


__all__ = ["PlaceResolution", "PlaceResolver", "resolution_json"]
