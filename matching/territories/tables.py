"""Territory tables (communes, départements, régions, EPCI, postal codes) loaded into memory.

The tables are the compact files written by scripts/build_territories.py from INSEE / La
Poste open data. Loading must stay well under 300 ms, so the files carry precomputed lookup
keys (no Unicode work at start-up) and the costly phonetic index used for spelling slips is
built lazily, on the first message that needs it.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .demonyms import demonym_index
from .epcis import epci_short_names
from .lexicon import DEPARTEMENT_ALIASES, REGION_ALIASES
from .phrases import word_prefixes
from .programmes import ProgrammeList, load_programme_index, load_programme_lists
from .text import ARTICLES, name_key, sound_key, strip_article

if TYPE_CHECKING:
    from .checks import TableReader
    from .tablecache import Restored

TABLES_DIR = Path("territoires")

# Headers the build script writes (extra trailing columns are allowed, for later additions).
COMMUNE_HEADER = ("code", "nom", "departement", "epci", "population", "cle", "son")
DEPARTEMENT_HEADER = ("code", "nom", "region", "chef_lieu", "cle")
REGION_HEADER = ("code", "nom", "chef_lieu", "cle")
EPCI_HEADER = ("code", "nom", "type", "departement", "population", "cle")
ALIAS_HEADER = ("cle", "nom", "commune")
POSTAL_HEADER = ("code_postal", "communes")
COLLECTIVITY_HEADER = ("code", "nom", "article", "chef_lieu", "representant", "organisation", "source")
USUAL_HEADER = ("nom", "code")
# Short names derived from the commune names (scripts/build_short_names.py); the hand list wins.
SHORT_NAMES_FILE = "noms_courts.csv"
DEMONYM_HEADER = ("nom", "code", "sorte", "source")
FORMER_EPCI_HEADER = ("nom", "code", "source")
FORMER_EPCI_FILE = "anciens_noms_epci.csv"


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str
    dep: str
    epci: str
    population: int
    key: str
    arrondissement: str = ""
    rank: str = ""  # R chef-lieu de région, D préfecture, A sous-préfecture, "" other

    @property
    def seat(self) -> bool:
        """A préfecture or sous-préfecture: a town everyone names, whatever its size."""
        return bool(self.rank)


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str
    chef_lieu: str
    key: str


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    chef_lieu: str
    key: str


@dataclass(frozen=True, slots=True)
class Epci:
    code: str
    name: str
    kind: str
    dep: str
    population: int
    key: str


@dataclass(frozen=True, slots=True)
class Collectivity:
    """An overseas collectivity (COM) or Nouvelle-Calédonie: where the State representative
    (préfet, haut-commissaire, administrateur supérieur) is the ANCT's territorial delegate."""

    code: str
    name: str
    article: str  # "de la Polynésie française"
    chef_lieu: str
    representative: str
    organisation: str
    source: str


_SPLIT_TAB = operator.methodcaller("split", "\t")
_SPLIT_COMMA = operator.methodcaller("split", ",")


def _int(value: str) -> int:
    return int(value) if value else 0


@dataclass
class Tables:
    """All reference rows plus exact-key indexes; fuzzy indexes are built on first use."""

    commune_rows: dict[str, str]  # INSEE code -> raw CSV line, parsed on demand
    departements: dict[str, Departement]
    regions: dict[str, Region]
    epcis: dict[str, Epci]
    postal: dict[str, str]  # postal code -> INSEE codes separated by spaces (split on demand)
    commune_keys: dict[str, str]  # full or article-less name key -> INSEE codes (space-separated)
    alias_keys: dict[str, list[str]]  # former / delegated commune key -> INSEE codes
    commune_sounds: dict[str, str]  # phonetic key (see text.sound_key) -> INSEE codes (space-separated)
    common_words: frozenset[str]
    programmes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Usual short names from noms_usuels.csv: key -> commune codes or département / COM codes.
    usual_names: dict[str, list[str]] = field(default_factory=dict)
    collectivities: dict[str, Collectivity] = field(default_factory=dict)
    # Département adjectives and well-known pays (gentiles_et_pays.csv): folded form -> code.
    demonyms: dict[str, str] = field(default_factory=dict)
    programme_lists: tuple[ProgrammeList, ...] = ()
    # Former names of EPCI still in use (anciens_noms_epci.csv): full folded name -> SIREN.
    epci_former_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, knowledge_dir: Path, *, checked: bool = False, restored: Restored | None = None) -> Tables:
        """Read the tables from `knowledge_dir/territoires/`; a missing or corrupt table raises
        `KnowledgeError` naming the file and line (see checks.py), never loads half a table.
        `checked`: the files passed every check with this code (see `TableReader`);
        `restored`: their largest maps and indexes, from the artefact of `tablecache`."""
        from .checks import COMMUNE_LINE, POSTAL_LINE, TableReader

        reader = TableReader(knowledge_dir / TABLES_DIR, checked=checked)
        if restored is None:
            commune_lines, commune_deps = reader.rows("communes.csv.gz", COMMUNE_HEADER, COMMUNE_LINE)
            communes = dict(zip([line[:5] for line in commune_lines], commune_lines, strict=True))
        else:
            communes = restored.commune_rows
        deps = {r[0]: Departement(*r[:5]) for r in reader.csv("departements.csv", DEPARTEMENT_HEADER)}
        regions = {r[0]: Region(*r[:4]) for r in reader.csv("regions.csv", REGION_HEADER)}
        collectivities = {
            r[0]: Collectivity(*r[:7])
            for r in reader.csv("collectivites_outre_mer.csv", COLLECTIVITY_HEADER, required=False)
        }
        for com in collectivities.values():
            deps.setdefault(
                com.code, Departement(com.code, com.name, com.code, com.chef_lieu, name_key(com.name))
            )
        if restored is None:
            reader.known("communes.csv.gz", commune_lines, commune_deps, deps, "département")
            keys = dict(map(_SPLIT_TAB, reader.index("index_noms.tsv.gz")))
            sounds = dict(map(_SPLIT_TAB, reader.index("index_sons.tsv.gz")))
            aliases = _aliases(reader, communes)
            postal = dict(
                map(_SPLIT_COMMA, reader.rows("codes_postaux.csv.gz", POSTAL_HEADER, POSTAL_LINE)[0])
            )
        else:
            keys, sounds = restored.commune_keys, restored.commune_sounds
            aliases, postal = restored.alias_keys, restored.postal
        epcis = {
            r[0]: Epci(r[0], r[1], r[2], r[3], _int(r[4]), r[5])
            for r in reader.csv("epci.csv.gz", EPCI_HEADER)
        }
        words = (
            frozenset(reader.text("mots_courants.txt").split())
            if reader.exists("mots_courants.txt")
            else frozenset()
        )
        usual: dict[str, list[str]] = defaultdict(list)
        known = set(communes) | set(deps)
        for name, code, *_ in reader.csv("noms_usuels.csv", USUAL_HEADER, required=False, codes=known):
            if code not in usual[name_key(name)]:
                usual[name_key(name)].append(code)
        hand = frozenset(usual)
        for name, code, *_ in reader.csv(SHORT_NAMES_FILE, USUAL_HEADER, required=False, codes=communes):
            key = name_key(name)
            if key not in hand and code not in usual[key]:
                usual[key].append(code)
        tables = cls(communes, deps, regions, epcis, postal, keys, aliases, sounds, words)
        tables.usual_names = dict(usual)
        tables.collectivities = collectivities
        tables.demonyms = demonym_index(
            reader.csv("gentiles_et_pays.csv", DEMONYM_HEADER, required=False, codes=deps)
        )
        tables.epci_former_names = {
            name_key(name): code
            for name, code, *_ in reader.csv(
                FORMER_EPCI_FILE, FORMER_EPCI_HEADER, required=False, codes=epcis
            )
        }
        if reader.exists("programmes.csv"):
            tables.programmes = load_programme_index(reader.path("programmes.csv"))
            tables.programme_lists = load_programme_lists(knowledge_dir)
        if restored is not None:
            vars(tables)["name_prefixes"] = restored.name_prefixes  # the cached property, built
        return tables

    _commune_cache: dict[str, Commune] = field(default_factory=dict)
    _epci_near: dict[int, list[str]] = field(default_factory=dict)

    def commune(self, code: str) -> Commune | None:
        """The commune with this INSEE code (rows are parsed on first access)."""
        cached = self._commune_cache.get(code)
        if cached is not None:
            return cached
        line = self.commune_rows.get(code)
        if line is None:
            return None
        fields = line.split(",")
        code, name, dep, epci, pop, key = fields[:6]
        rest = fields[7:9] + ["", ""]
        commune = Commune(code, name, dep, epci, _int(pop), key, rest[0], rest[1])
        self._commune_cache[code] = commune
        return commune

    # -- derived indexes ---------------------------------------------------------------

    @cached_property
    def departement_keys(self) -> dict[str, str]:
        out = {d.key: d.code for d in self.departements.values()}
        out.update({name_key(k): v for k, v in DEPARTEMENT_ALIASES.items() if v in self.departements})
        return out

    @cached_property
    def region_keys(self) -> dict[str, str]:
        out = {r.key: r.code for r in self.regions.values()}
        for alias, code in REGION_ALIASES.items():
            if code in self.regions:
                out.setdefault(alias, code)
        return out

    @cached_property
    def epci_keys(self) -> dict[str, list[str]]:
        """Full EPCI names ("communaute de communes du pays de ...")."""
        out: dict[str, list[str]] = defaultdict(list)
        for epci in self.epcis.values():
            out[epci.key].append(epci.code)
        for key, code in self.epci_former_names.items():  # "CC du Grand Villefranchois" (2017-2019)
            if code not in out[key]:
                out[key].append(code)
        return dict(out)

    @cached_property
    def epci_short_keys(self) -> dict[str, list[str]]:
        """EPCI names without their legal form, matched only after "communauté de …"."""
        out: dict[str, list[str]] = defaultdict(list)
        for epci in self.epcis.values():
            # The stored key is the folded name; a trailing "(COPAMO)" is dropped from the name first.
            key = name_key(_PARENS.sub("", epci.name)) if "(" in epci.name else epci.key
            for short in epci_short_names(key):
                if epci.code not in out[short]:
                    out[short].append(epci.code)
        for key, code in self.epci_former_names.items():
            for short in epci_short_names(key):
                if code not in out[short]:
                    out[short].append(code)
        return dict(out)

    def epci_short_near(self, length: int) -> list[str]:
        """EPCI short names (in `epci_short_keys` order) whose length allows a 90 % similarity
        with a text of `length` characters (|a - b| <= 10 % of a + b): the only names the
        spelling-slip search after a legal form compares (one list per length, kept)."""
        near = self._epci_near.get(length)
        if near is None:
            low, high = 9 * length // 11 - 1, 11 * length // 9 + 1
            near = self._epci_near[length] = [k for k in self.epci_short_keys if low <= len(k) <= high]
        return near

    @cached_property
    def epci_acronyms(self) -> dict[str, list[str]]:
        """Acronyms an EPCI's name gives in parentheses ("… (CINOR)", "(COPAMO)") -> SIREN: people
        write them in capitals. Four characters at least ("AME" is also the aide médicale d'État)."""
        out: dict[str, list[str]] = defaultdict(list)
        for epci in self.epcis.values():
            found = _ACRONYM.search(epci.name)
            if found and sum(c.isalnum() for c in found.group(1)) >= 4:
                out[name_key(found.group(1))].append(epci.code)
        return dict(out)

    @cached_property
    def demonym_first(self) -> dict[str, int]:
        """Longest demonym or pays name (in words) per first word."""
        return _longest_by_first_word(self.demonyms)

    @cached_property
    def epci_short_first(self) -> dict[str, int]:
        """Longest EPCI short name (in words) per first word, to bound the named-EPCI scan."""
        return _longest_by_first_word(self.epci_short_keys)

    @cached_property
    def name_first_words(self) -> dict[str, int]:
        """Longest name (in words) per first word, over every kind of place name: a word that
        starts no name costs one lookup, and the n-gram scan never tries longer names."""
        return _longest_by_first_word(self._every_name_key())

    def _every_name_key(self) -> Iterator[str]:
        """The keys of every table of place names (communes, aliases, usual names, areas, EPCIs)."""
        return itertools.chain(
            self.commune_keys,
            self.alias_keys,
            self.usual_names,
            self.departement_keys,
            self.region_keys,
            self.epci_keys,
        )

    @cached_property
    def name_keys(self) -> frozenset[str]:
        """Every key the exact-name scan can read as a place: the names of the tables above, and
        an area's name after an article ("la creuse", "les landes")."""
        areas = itertools.chain(self.departement_keys, self.region_keys)
        return frozenset(
            itertools.chain(
                self._every_name_key(), (f"{article} {key}" for key in areas for article in ARTICLES)
            )
        )

    @cached_property
    def name_prefixes(self) -> frozenset[str]:
        """Every proper word prefix of those keys ("saint", "saint martin" for "saint martin de
        re"): the n-gram scan never tries a longer name than the prefixes reach."""
        return word_prefixes(self.name_keys)

    @cached_property
    def programme_reach(self) -> dict[str, frozenset[str]]:
        """Programme id -> départements (or overseas collectivities) where its list names a
        member: a list that names nobody there (PVD or ACV in Polynésie française) says
        nothing about a commune there, so its absence is not worth a line."""
        out: dict[str, set[str]] = defaultdict(set)
        for code, programmes in self.programmes.items():
            row = self.commune(code)
            epci = None if row else self.epcis.get(code)
            dep = row.dep if row else epci.dep if epci else ""
            for programme in programmes:
                if dep:
                    out[programme].add(dep)
        return {programme: frozenset(deps) for programme, deps in out.items()}

    def commune_codes(self, key: str) -> list[str]:
        """INSEE codes of the communes whose current name has this key."""
        value = self.commune_keys.get(key)
        return value.split(" ") if value else []

    @cached_property
    def area_sounds(self) -> dict[str, str]:
        """Phonetic key -> département or région name key ("Lozere" typed "Lauzère")."""
        out: dict[str, str] = {}
        for index in (self.departement_keys, self.region_keys):
            for key in index:
                out.setdefault(sound_key(key), key)
        return out

    @cached_property
    def prefix_index(self) -> dict[tuple[str, int], list[str]]:
        """(first letter, length) -> name keys: the only names a typo is compared with."""
        out: dict[tuple[str, int], list[str]] = defaultdict(list)
        for index in (self.commune_keys, self.departement_keys, self.region_keys):
            for key in index:
                out[(key[0], len(key))].append(key)
        for bucket in out.values():
            bucket.sort()
        return dict(out)

    def postal_communes(self, code: str) -> tuple[str, ...]:
        value = self.postal.get(code)
        return tuple(value.split(" ")) if value else ()


def _aliases(reader: TableReader, communes: Collection[str]) -> dict[str, list[str]]:
    """Former and delegated commune keys -> INSEE codes (anciennes_communes.csv.gz)."""
    aliases: dict[str, list[str]] = defaultdict(list)
    for key, _name, code, *_ in reader.csv("anciennes_communes.csv.gz", ALIAS_HEADER, codes=communes):
        # "du Pin-en-Mauges" names Le Pin-en-Mauges: a former name is typed without its
        # article after "du", "au", "à", as a current one is (index_noms holds both keys).
        for variant in (key, strip_article(key)):
            if variant and code not in aliases[variant]:
                aliases[variant].append(code)
    return dict(aliases)


def _longest_by_first_word(keys: Iterable[str]) -> dict[str, int]:
    """Length in words of the longest key per first word (keys are space-separated words)."""
    out: dict[str, int] = {}
    get = out.get
    for key in keys:
        first = key.partition(" ")[0]
        size = key.count(" ") + 1
        if size > get(first, 0):
            out[first] = size
    return out


_PARENS = re.compile(r"\s*\([^)]*\)\s*$")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9]*(?: [A-Z0-9]+)?)\)\s*$")
