"""Territory tables (communes, départements, régions, EPCI, postal codes) loaded into memory.

The tables are the compact files written by scripts/build_territories.py from INSEE / La
Poste open data. Loading must stay well under 300 ms, so the files carry precomputed lookup
keys (no Unicode work at start-up) and the costly phonetic index used for spelling slips is
built lazily, on the first message that needs it.
"""

from __future__ import annotations

import csv
import gzip
import io
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .text import name_key, sound_key

TABLES_DIR = Path("territoires")


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str
    dep: str
    epci: str
    population: int
    key: str


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


# Former régions (before 2016) and usual abbreviations people still write.
REGION_ALIASES: dict[str, str] = {
    "paca": "93",
    "provence": "93",
    "cote d azur": "93",
    "idf": "11",
    "ile de france": "11",
    "aura": "84",
    "auvergne": "84",
    "rhone alpes": "84",
    "bfc": "27",
    "bourgogne": "27",
    "franche comte": "27",
    "alsace": "44",
    "lorraine": "44",
    "champagne ardenne": "44",
    "picardie": "32",
    "nord pas de calais": "32",
    "aquitaine": "75",
    "limousin": "75",
    "poitou charentes": "75",
    "midi pyrenees": "76",
    "languedoc roussillon": "76",
    "languedoc": "76",
    "basse normandie": "28",
    "haute normandie": "28",
    "centre val de loire": "24",
    "region centre": "24",
    "reunion": "04",
    "region sud": "93",
}

# Départements people write without their hyphens' full form, or by a short name.
DEPARTEMENT_ALIASES: dict[str, str] = {
    "reunion": "974",
    "belfort": "90",
    "seine st denis": "93",
    "corse du sud": "2A",
    "haute corse": "2B",
}


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_read_text(path))))[1:]


def _lines(path: Path, *, header: bool = True) -> list[str]:
    """Data lines of a table written without quoting (the build script guarantees it)."""
    lines = _read_text(path).split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines[1:] if header else lines


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

    @classmethod
    def load(cls, knowledge_dir: Path) -> Tables:
        """Read the tables from `knowledge_dir/territoires/`."""
        base = knowledge_dir / TABLES_DIR
        lines = _lines(base / "communes.csv.gz")
        communes = dict(zip([line[:5] for line in lines], lines, strict=True))
        keys = dict(map(_SPLIT_TAB, _lines(base / "index_noms.tsv.gz", header=False)))
        sounds = dict(map(_SPLIT_TAB, _lines(base / "index_sons.tsv.gz", header=False)))
        aliases: dict[str, list[str]] = defaultdict(list)
        for key, _name, code in _read_csv(base / "anciennes_communes.csv.gz"):
            if code not in aliases[key]:
                aliases[key].append(code)
        deps = {r[0]: Departement(*r) for r in _read_csv(base / "departements.csv")}
        regions = {r[0]: Region(*r) for r in _read_csv(base / "regions.csv")}
        epcis = {
            code: Epci(code, name, kind, dep, _int(pop), key)
            for code, name, kind, dep, pop, key in _read_csv(base / "epci.csv.gz")
        }
        postal = dict(map(_SPLIT_COMMA, _lines(base / "codes_postaux.csv.gz")))
        words_file = base / "mots_courants.txt"
        words = (
            frozenset(words_file.read_text(encoding="utf-8").split()) if words_file.exists() else frozenset()
        )
        tables = cls(communes, deps, regions, epcis, postal, keys, dict(aliases), sounds, words)
        programmes_file = base / "programmes.csv"
        if programmes_file.exists():
            tables.programmes = load_programme_index(programmes_file)
        return tables

    _commune_cache: dict[str, Commune] = field(default_factory=dict)

    def commune(self, code: str) -> Commune | None:
        """The commune with this INSEE code (rows are parsed on first access)."""
        cached = self._commune_cache.get(code)
        if cached is not None:
            return cached
        line = self.commune_rows.get(code)
        if line is None:
            return None
        code, name, dep, epci, pop, key, _sound = line.split(",")
        commune = Commune(code, name, dep, epci, _int(pop), key)
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
        return dict(out)

    @cached_property
    def epci_short_keys(self) -> dict[str, list[str]]:
        """EPCI names without their legal form, matched only after "communauté de …"."""
        out: dict[str, list[str]] = defaultdict(list)
        for epci in self.epcis.values():
            for short in epci_short_names(name_key(_PARENS.sub("", epci.name))):
                if epci.code not in out[short]:
                    out[short].append(epci.code)
        return dict(out)

    @cached_property
    def epci_first_words(self) -> dict[str, int]:
        """Longest full EPCI name (in words) per first word, to bound the n-gram scan."""
        out: dict[str, int] = {}
        for key in self.epci_keys:
            words = key.split(" ")
            out[words[0]] = max(out.get(words[0], 0), len(words))
        return out

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


_PARENS = re.compile(r"\s*\([^)]*\)\s*$")
_EPCI_FORMS = (
    "communaute de communes",
    "communaute d agglomeration",
    "communaute urbaine",
    "metropole",
    "eurometropole",
    "agglomeration",
    "communaute",
    "agglo",
)
_LINKS = ("du ", "de la ", "de l ", "des ", "de ", "d ")


def epci_short_names(key: str) -> list[str]:
    """Names of an EPCI without its legal form: "communaute de communes du pays de x" ->
    ["pays de x"], "toulouse metropole" -> ["toulouse"] (only used after a legal-form cue)."""
    out: list[str] = []
    for form in _EPCI_FORMS:
        if key.startswith(form + " "):
            rest = key[len(form) + 1 :]
            for link in _LINKS:
                if rest.startswith(link):
                    rest = rest[len(link) :]
                    break
            out.append(rest)
            # "guingamp paimpol agglomeration de l armor ..." is also known as "guingamp paimpol".
            for inner in (" agglomeration", " communaute", " metropole", " agglo"):
                if inner in rest:
                    out.append(rest[: rest.index(inner)])
            break
        if key.endswith(" " + form):
            out.append(key[: -len(form) - 1])
            break
    return [s for s in out if s]


def load_programme_index(path: Path) -> dict[str, tuple[str, ...]]:
    """programmes.csv (insee, programme, source, date) -> code -> programme ids."""
    out: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("insee") or "").strip()
            programme = (row.get("programme") or "").strip()
            if code and programme and programme not in out[code]:
                out[code].append(programme)
    return {code: tuple(sorted(ids)) for code, ids in out.items()}
