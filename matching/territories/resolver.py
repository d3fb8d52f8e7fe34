"""Find the place a message talks about: commune, EPCI, département or région.

Why so cautious: thousands of communes are named like ordinary words ("Pont", "Bourg",
"Job", "Ligné"), and a wrong place sends the user to the wrong préfet or APEC delegation.
A name is only taken when the user marks it (a cue word such as "à", "en", "dans le", a
capital letter, a postal code or a département number next to it) or when the name is
unmistakable (several words, or a rare word). Homonyms are never guessed: the resolver
returns the candidates, most populous first, unless the context settles it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..answer import Ref, Territory
from . import lexicon as lx
from .tables import Commune, Tables
from .text import Token, name_key, sound_key, tokenize

Kind = Literal["commune", "departement", "region", "epci", "postal"]
CueKind = Literal["commune", "area"] | None

MAX_TEXT = 2000  # characters looked at: places are named early, and this bounds the cost
MAX_CANDIDATES = 10
MAX_NAME_WORDS = 9  # longest commune, département or région name, in words
_DEP_NUMBER = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2a|2b|97[1-6])$")
_CORSICA_INSEE = re.compile(r"^2[ab]\d{3}$")
_SENTENCE_BREAK = re.compile(r"[.!?;:\n]")


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


@dataclass
class _Mention:
    kind: Kind
    codes: tuple[str, ...]
    start: int  # first token of the name
    end: int  # token after the name
    span: tuple[int, int]  # characters, cue included
    fuzzy: bool = False


class PlaceResolver:
    """Place understanding over the bundled INSEE tables (see scripts/build_territories.py)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    @classmethod
    def load(cls, knowledge_dir: Path) -> PlaceResolver:
        """Load the tables from `knowledge_dir/territoires/` and warm the lookup indexes."""
        tables = Tables.load(knowledge_dir)
        _ = tables.epci_first_words, tables.epci_short_keys, tables.prefix_index, tables.area_sounds
        return cls(tables)

    # -- lookups by code -----------------------------------------------------------------

    def departement(self, code: str) -> Ref | None:
        dep = self.tables.departements.get(code.upper().zfill(2))
        return Ref(code=dep.code, name=dep.name) if dep else None

    def region(self, code: str) -> Ref | None:
        region = self.tables.regions.get(code.zfill(2))
        return Ref(code=region.code, name=region.name) if region else None

    def prefecture(self, dep_code: str) -> str | None:
        """Name of the préfecture town (chef-lieu) of a département, e.g. "Saint-Brieuc"."""
        dep = self.tables.departements.get(dep_code.upper().zfill(2))
        town = self.tables.commune(dep.chef_lieu) if dep else None
        return town.name if town else None

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
            elif _DEP_NUMBER.match(number):
                dep = number.upper()
                codes = [c for c in codes if (row := self.tables.commune(c)) and row.dep == dep]
        return self._ranked(codes)[:MAX_CANDIDATES]

    # -- resolution ------------------------------------------------------------------------

    def resolve(self, text: str) -> PlaceResolution:
        """Find the place in a free-text message (see the module docstring for the rules)."""
        text = text[:MAX_TEXT]
        tokens = tokenize(text)
        if not tokens:
            return PlaceResolution()
        scan = _Scan(self.tables, text, tokens)
        mentions = scan.names()
        mentions += scan.numbers(mentions)
        if not mentions:
            return PlaceResolution()
        mentions.sort(key=lambda m: m.start)
        return self._decide(mentions)

    def _decide(self, mentions: list[_Mention]) -> PlaceResolution:
        spans = _merge(m.span for m in mentions)
        tables = self.tables
        deps = {c for m in mentions if m.kind == "departement" for c in m.codes}
        regions = {c for m in mentions if m.kind == "region" for c in m.codes}
        postal = [m for m in mentions if m.kind == "postal"]
        named = [m for m in mentions if m.kind == "commune"]
        main = named[0] if named else (postal[0] if postal else None)
        if main is not None:
            codes = list(main.codes)
            for other in postal:
                if other is not main:
                    codes = _narrow(codes, other.codes.__contains__)
            if deps:
                codes = _narrow(codes, lambda c: (row := tables.commune(c)) is not None and row.dep in deps)
            if regions:
                codes = _narrow(codes, lambda c: self._region_of_commune(c) in regions)
            ranked = self._ranked(codes)
            if len(ranked) == 1:
                return PlaceResolution(ranked[0], (), spans)
            chosen = _dominant(ranked, 5 if main.fuzzy else 20) if main.kind == "commune" else None
            if chosen is not None:
                return PlaceResolution(chosen, tuple(ranked[:MAX_CANDIDATES]), spans)
            dep_codes = {t.departement.code for t in ranked if t.departement}
            area = self._departement_territory(dep_codes.pop()) if len(dep_codes) == 1 and postal else None
            return PlaceResolution(area, tuple(ranked[:MAX_CANDIDATES]), spans)
        for kind in ("epci", "departement", "region"):
            for mention in mentions:
                if mention.kind == kind:
                    territory = self._area_territory(kind, mention.codes[0])
                    return PlaceResolution(territory, (), spans)
        return PlaceResolution()

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

    def _fuzzy_commune_codes(self, key: str, *, lowercase: bool) -> list[str]:
        return _fuzzy_codes(self.tables, key, lowercase=lowercase)


def _narrow(codes: list[str], keep: Callable[[str], bool]) -> list[str]:
    """Apply a context filter unless it would leave nothing (context may be wrong)."""
    kept = [c for c in codes if keep(c)]
    return kept or codes


def _dominant(ranked: list[Territory], ratio: int) -> Territory | None:
    """The homonym to pick without asking: `ratio` times bigger than the next and a real town.

    For exact homonyms the ratio is 20 (Saint-Pierre de La Réunion over the villages of
    that name, but never Saint-Denis 93 over Saint-Denis 974); for a misspelt name it is 5,
    since slips of big towns' names are far more frequent than of villages'.
    """
    if len(ranked) < 2:
        return ranked[0] if ranked else None
    first, second = ranked[0].population or 0, ranked[1].population or 0
    return ranked[0] if first >= 20_000 and first >= ratio * max(second, 1) else None


def _merge(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, non-overlapping spans (touching or one-space-apart spans are joined)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


def _fuzzy_codes(tables: Tables, key: str, *, lowercase: bool) -> list[str]:
    """Commune codes whose name is a slip of `key` (phonetic twin or 1-2 edits away).

    Only names of about the same length and the same first letter are compared; for a
    lower-case word (weaker sign of a place) only phonetic twins and long names qualify.
    """
    if len(key) < 5 or key in tables.common_words:
        return []
    sounds = tables.commune_sounds.get(sound_key(key))
    if sounds:
        return sounds.split(" ")
    if lowercase and len(key) < 8:
        return []
    budget = 2 if len(key) >= (12 if lowercase else 8) else 1
    best: dict[str, int] = {}
    for length in range(len(key) - budget, len(key) + budget + 1):
        choices = tables.prefix_index.get((key[0], length))
        if not choices:
            continue
        for choice, distance, _ in process.extract(
            key, choices, scorer=Levenshtein.distance, score_cutoff=budget, limit=20
        ):
            if choice in tables.commune_keys:
                best[choice] = int(distance)
    if not best:
        return []
    closest = min(best.values())
    return [c for k, d in best.items() if d == closest for c in tables.commune_codes(k)]


# -- scanning ----------------------------------------------------------------------------


class _Scan:
    """One pass over a message's tokens; holds the per-message state."""

    def __init__(self, tables: Tables, text: str, tokens: list[Token]) -> None:
        self.t = tables
        self.text = text
        self.tokens = tokens
        self.keys = [tok.key for tok in tokens]
        self.blocked = self._blocked()

    def _blocked(self) -> list[bool]:
        out = [False] * len(self.keys)
        n = len(self.keys)
        for i in range(n):
            for size in range(1, min(6, n - i) + 1):
                if " ".join(self.keys[i : i + size]) in lx.BLOCKED_PHRASES:
                    for j in range(i, i + size):
                        out[j] = True
        return out

    def _break_before(self, i: int) -> bool:
        """True at the start of the message or of a sentence (a capital there means little)."""
        if i == 0:
            return True
        gap = self.text[self.tokens[i - 1].end : self.tokens[i].start]
        return bool(_SENTENCE_BREAK.search(gap))

    def _phrase_before(self, i: int, phrases: frozenset[str]) -> int | None:
        """Index of the first token of a phrase from `phrases` ending just before token i."""
        for size in (4, 3, 2, 1):
            start = i - size
            if start < 0 or any(self.blocked[start:i]):
                continue
            if any(self._break_before(j) for j in range(start + 1, i + 1)):
                continue
            if " ".join(self.keys[start:i]) in phrases:
                return start
        return None

    def _cue(self, i: int) -> tuple[CueKind, int]:
        start = self._phrase_before(i, lx.COMMUNE_CUES)
        if start is not None:
            area = self._phrase_before(i, lx.AREA_CUES)
            if area is not None and area < start:
                return "area", area
            return "commune", start
        start = self._phrase_before(i, lx.AREA_CUES)
        if start is not None:
            return "area", start
        return None, i

    def _span(self, first: int, end: int) -> tuple[int, int]:
        start, stop = self.tokens[first].start, self.tokens[end - 1].end
        if start > 0 and self.text[start - 1] == "(" and self.text[stop : stop + 1] == ")":
            return start - 1, stop + 1
        return start, stop

    # -- names ---------------------------------------------------------------------------

    def names(self) -> list[_Mention]:
        out: list[_Mention] = []
        i, n = 0, len(self.keys)
        while i < n:
            if self.blocked[i] or self.keys[i].isdigit():
                i += 1
                continue
            mention = self._epci_at(i) or self._exact_at(i)
            if mention is not None and mention.kind != "epci" and self._joined(mention.end - 1):
                found = self._cut_compound(i, mention)
                if not found:
                    i = self._compound_end(mention.end - 1)
                    continue
                out.extend(found)
                i = found[-1].end
                continue
            mention = mention or self._fuzzy_at(i)
            if mention is None:
                i += 1
                continue
            out.append(mention)
            i = mention.end
        return out

    def _cut_compound(self, i: int, mention: _Mention) -> list[_Mention]:
        """An exact name that stops inside a hyphenated compound ("Vinon" in "Vinon-sur-Veerdon").

        Either the rest names a département or région ("Saint-Denis-de-la-Réunion"), or the
        whole compound is a misspelt name; otherwise the compound is an unknown name and the
        partial match is dropped rather than guessed.
        """
        end = self._compound_end(mention.end - 1)
        rest = mention.end
        while rest < end and self.keys[rest] in lx.NAME_GLUE:
            rest += 1
        rest_key = " ".join(self.keys[rest:end])
        dep = self.t.departement_keys.get(rest_key)
        region = self.t.region_keys.get(rest_key)
        if rest < end and (dep or region):
            area = _Mention(
                "departement" if dep else "region", ((dep or region) or "",), rest, end, self._span(rest, end)
            )
            return [mention, area]
        whole = self._fuzzy_at(i, end, compound=True)
        return [whole] if whole else []

    def _evidence(self, i: int, end: int, population: int, kind: str) -> tuple[bool, int]:
        """Whether the words i..end may be read as this place, and where its cue starts."""
        cue, cue_start = self._cue(i)
        words = [k for k in self.keys[i:end] if k not in lx.NAME_GLUE]
        if not words:
            return False, i
        first = next(j for j in range(i, end) if self.keys[j] not in lx.NAME_GLUE)
        cap = self.tokens[first].capitalised
        if self._number_follows(end):
            return True, cue_start
        if len(words) >= 2:
            # "Saint-Louis", "Clermont-Ferrand": a capital or a cue is enough, and lower-case
            # several-word names are taken unless all their words are ordinary words.
            plain = all(w in self.t.common_words or w in lx.INSTITUTION_WORDS for w in words)
            return bool(cap or cue or not plain), cue_start
        word = words[0]
        institution = word in lx.INSTITUTION_WORDS
        if word not in self.t.common_words and not institution:
            if cue or cap or kind != "commune":
                return True, cue_start
            return population >= 5000 and len(word) >= 5, cue_start
        # One ordinary word ("Pont", "Sens", "Ligné"): it needs the user's clear marks.
        if cap and (cue or population >= 100_000):
            return True, cue_start
        initial = self._break_before(i)
        if cap and not initial and not institution and population >= 2000:
            return True, cue_start
        return cue == "commune" and kind == "commune" and not institution and population >= 20_000, cue_start

    def _number_follows(self, end: int) -> bool:
        if end >= len(self.keys):
            return False
        key = self.keys[end]
        return bool(_DEP_NUMBER.match(key)) or (len(key) == 5 and key in self.t.postal)

    def _exact_at(self, i: int) -> _Mention | None:
        t = self.t
        longest = max(MAX_NAME_WORDS, t.epci_first_words.get(self.keys[i], 0))
        for size in range(min(longest, len(self.keys) - i), 0, -1):
            end = i + size
            if any(self.blocked[i:end]) or any(k.isdigit() for k in self.keys[i:end]):
                continue
            key = " ".join(self.keys[i:end])
            communes = t.commune_codes(key) or t.alias_keys.get(key) or []
            dep = t.departement_keys.get(key)
            region = t.region_keys.get(key)
            epcis = t.epci_keys.get(key) if size >= 2 else None
            if not (communes or dep or region or epcis):
                continue
            return self._choose(i, end, list(communes), dep, region, epcis or [])
        return None

    def _choose(
        self, i: int, end: int, communes: list[str], dep: str | None, region: str | None, epcis: list[str]
    ) -> _Mention | None:
        """One name, several kinds of place: the cue word and the sizes decide."""
        cue, _ = self._cue(i)
        pop = max((row.population for c in communes if (row := self.t.commune(c))), default=0)
        area: tuple[Kind, str] | None = None
        if dep:
            area = ("departement", dep)
        elif region:
            area = ("region", region)
        kind: Kind
        if epcis:
            kind, codes = "epci", tuple(epcis)
        elif communes and (
            area is None or (cue == "commune" and pop >= 5000) or (cue is None and pop >= 100_000)
        ):
            kind, codes = "commune", tuple(communes)
        elif area is not None:
            kind, codes = area[0], (area[1],)
        else:
            return None
        ok, cue_start = self._evidence(i, end, pop if kind == "commune" else 10**6, kind)
        if not ok:
            return None
        return _Mention(kind, codes, i, end, self._span(cue_start, end))

    def _epci_at(self, i: int) -> _Mention | None:
        """ "communauté de communes du Pays de X", "CA du Grand Y", "métropole de Lyon"."""
        t = self.t
        suffixed = self._epci_suffixed_at(i)
        if suffixed is not None:
            return suffixed
        form_end = 0
        for size in (3, 2, 1):
            if " ".join(self.keys[i : i + size]) in lx.EPCI_CUES:
                form_end = i + size
                break
        if not form_end:
            return None
        if self.keys[i] in ("cc", "ca", "cu") and not self.tokens[i].raw.isupper():
            return None
        start = form_end
        for size in (2, 1):
            if " ".join(self.keys[start : start + size]) in lx.LINKS:
                start += size
                break
        n = min(len(self.keys), start + 10)
        for end in range(n, start, -1):
            key = " ".join(self.keys[start:end])
            codes = t.epci_short_keys.get(key) or t.epci_keys.get(" ".join(self.keys[i:end]))
            if codes:
                return _Mention("epci", tuple(codes), i, end, self._span(i, end))
        for end in range(n, start, -1):
            key = " ".join(self.keys[start:end])
            if len(key) < 5:
                break
            found = process.extractOne(key, t.epci_short_keys.keys(), scorer=fuzz.ratio, score_cutoff=90)
            if found is not None:
                return _Mention("epci", tuple(t.epci_short_keys[found[0]]), i, end, self._span(i, end))
        return None

    def _epci_suffixed_at(self, i: int) -> _Mention | None:
        """ "Guingamp-Paimpol Agglomération", "Toulouse Métropole": a short name then a legal form."""
        n = len(self.keys)
        for end in range(min(n - 1, i + 8), i, -1):
            codes = self.t.epci_short_keys.get(" ".join(self.keys[i:end]))
            if not codes:
                continue
            for size in (3, 2, 1):
                if end + size <= n and " ".join(self.keys[end : end + size]) in lx.EPCI_SUFFIXES:
                    _, cue_start = self._cue(i)
                    return _Mention("epci", tuple(codes), i, end + size, self._span(cue_start, end + size))
        return None

    def _joined(self, i: int) -> bool:
        """True when token i and i+1 form one compound name ("Saint-Denis", "L'Isle")."""
        if i + 1 >= len(self.tokens):
            return False
        gap = self.text[self.tokens[i].end : self.tokens[i + 1].start]
        return gap in ("-", "'", "’", " - ")

    def _compound_end(self, i: int) -> int:
        """Token after the hyphenated compound that token i belongs to (from i on)."""
        while self._joined(i):
            i += 1
        return i + 1

    def _fuzzy_at(self, i: int, only_end: int | None = None, *, compound: bool = False) -> _Mention | None:
        """Spelling slips, only where the user marked a place (cue word or capital; a
        capitalised hyphenated compound counts even at the start of a sentence)."""
        if self.keys[i] in lx.NAME_GLUE or self.blocked[i]:
            return None
        cue, cue_start = self._cue(i)
        cap = self.tokens[i].capitalised
        if not (cue or (cap and (compound or not self._break_before(i)))):
            return None
        if only_end is not None:
            ends = [only_end]
        else:
            last = min(len(self.keys), i + MAX_NAME_WORDS)
            ends = [e for e in range(last, i, -1) if self._unit(i, e)]
        for end in ends:
            if self.keys[end - 1] in lx.NAME_GLUE or any(self.blocked[i:end]):
                continue
            key = " ".join(self.keys[i:end])
            if end - i == 1 and (len(key) < 4 or key in self.t.common_words or key in lx.INSTITUTION_WORDS):
                continue
            area = self.t.area_sounds.get(sound_key(key))
            if area is not None and (cue == "area" or cap):
                dep = self.t.departement_keys.get(area)
                region = self.t.region_keys.get(area)
                kind: Kind = "departement" if dep else "region"
                code = dep or region
                assert code is not None
                return _Mention(kind, (code,), i, end, self._span(cue_start, end))
            codes = _fuzzy_codes(self.t, key, lowercase=not cap)
            if codes:
                return _Mention("commune", tuple(codes), i, end, self._span(cue_start, end), fuzzy=True)
        return None

    def _unit(self, i: int, end: int) -> bool:
        """Whether tokens i..end may be one misspelt name: not cutting a hyphenated compound,
        and made of capitalised words, glue words or hyphen-joined parts."""
        if self._joined(end - 1):
            return False
        return all(
            self._joined(j - 1) or self.tokens[j].capitalised or self.keys[j] in lx.NAME_GLUE
            for j in range(i + 1, end)
        )

    # -- numbers -------------------------------------------------------------------------

    def numbers(self, names: list[_Mention]) -> list[_Mention]:
        """Postal codes, INSEE codes and département numbers."""
        out: list[_Mention] = []
        name_ends = {m.end for m in names}
        covered = {j for m in names for j in range(m.start, m.end)}
        for i, tok in enumerate(self.tokens):
            key = tok.key
            if i in covered or not (key.isdigit() or key in ("2a", "2b") or _CORSICA_INSEE.match(key)):
                continue
            after = self.keys[i + 1] if i + 1 < len(self.keys) else ""
            if after in lx.QUANTITY_WORDS or self.text[tok.end : tok.end + 1] in ("€", "%"):
                continue
            near_name = i in name_ends
            if len(key) == 5:
                mention = self._five_digits(i, near_name)
                if mention:
                    out.append(mention)
                continue
            if not _DEP_NUMBER.match(key):
                continue
            code = key.upper()
            in_parens = self._span(i, i + 1) != (tok.start, tok.end)
            cue_start = self._phrase_before(i, lx.NUMBER_CUES)
            raw_corsica = tok.raw in ("2A", "2B")
            if in_parens or near_name or cue_start is not None or raw_corsica:
                first = cue_start if cue_start is not None else i
                out.append(_Mention("departement", (code,), i, i + 1, self._span(first, i + 1)))
        return out

    def _five_digits(self, i: int, near_name: bool) -> _Mention | None:
        key = self.keys[i].upper()
        insee_cue = self._phrase_before(i, lx.INSEE_CUES)
        if insee_cue is not None and self.t.commune(key):
            return _Mention("commune", (key,), i, i + 1, self._span(insee_cue, i + 1))
        cue, cue_start = self._cue(i)
        marked = near_name or cue is not None or not key.endswith("000")
        communes = self.t.postal_communes(key)
        if communes and marked:
            return _Mention("postal", communes, i, i + 1, self._span(cue_start, i + 1))
        if self.t.commune(key) and (marked or key[:2] in ("2A", "2B")):
            return _Mention("commune", (key,), i, i + 1, self._span(cue_start, i + 1))
        return None


def resolution_json(resolution: PlaceResolution) -> dict[str, object]:
    """The documented JSON shape (issue 3): territory, territory_candidates, spans."""
    return {
        "territory": resolution.territory.model_dump(mode="json") if resolution.territory else None,
        "territory_candidates": [t.model_dump(mode="json") for t in resolution.candidates],
        "spans": [list(s) for s in resolution.spans],
    }


__all__ = ["PlaceResolution", "PlaceResolver", "name_key", "resolution_json"]
