"""Converts Aides-Territoires API data into catalogue entries of kind `aide` (pure: no network).

The platform is where the ANCT publishes the aids available to collectivities. Its API
(https://aides-territoires.beta.gouv.fr/api/aids/, Licence Ouverte 2.0) returns pages
`{count, next, previous, results}`; admins may also save a plain list of aids. Only aids open
to collectivities and not past their deadline are kept: the bot serves local authorities, and
an expired aid is worse than none. Descriptions are HTML: they are reduced to text with the
standard library's parser, never a new dependency.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .normalise import fold
from .schema import CatalogueFile, ContactKind, Entry

__all__ = [
    "LICENCE",
    "SOURCE_URL",
    "ImportResult",
    "PlaceNames",
    "aids_from_json",
    "convert",
    "html_to_text",
    "render_yaml",
]

SOURCE_URL = "https://aides-territoires.beta.gouv.fr/api/aids/"
SITE_URL = "https://aides-territoires.beta.gouv.fr"
LICENCE = "Licence Ouverte 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
MAX_ID = 50
# Long descriptions cost indexing time and add little to matching (description weighs least).
MAX_DESCRIPTION = 1500

# Collectivity audiences: the API's slugs and their labels (src/aids/constants.py upstream).
COLLECTIVITY_AUDIENCES: dict[str, str] = {
    "commune": "Communes",
    "epci": "Intercommunalités / Pays",
    "department": "Départements",
    "region": "Régions",
    "special": "Collectivités d'outre-mer à statuts particuliers",
}
_AUDIENCE_PREFIXES = (
    "commune",
    "epci",
    "intercommunalit",
    "departement",
    "department",
    "region",
    "special",
    "collectivite",
    "collectivites d outre mer",
)
REASONS = {
    "audience": "public non collectivité",
    "expired": "date limite dépassée",
    "incomplete": "données incomplètes",
    "duplicate": "doublon",
}
# Régions by folded name, so the import works even without the territory tables.
REGIONS: dict[str, str] = {
    "guadeloupe": "01",
    "martinique": "02",
    "guyane": "03",
    "la reunion": "04",
    "reunion": "04",
    "mayotte": "06",
    "ile de france": "11",
    "centre val de loire": "24",
    "bourgogne franche comte": "27",
    "normandie": "28",
    "hauts de france": "32",
    "grand est": "44",
    "pays de la loire": "52",
    "bretagne": "53",
    "nouvelle aquitaine": "75",
    "occitanie": "76",
    "auvergne rhone alpes": "84",
    "provence alpes cote d azur": "93",
    "corse": "94",
}
OVERSEAS = ("R01", "R02", "R03", "R04", "R06")
MAINLAND = ("R11", "R24", "R27", "R28", "R32", "R44", "R52", "R53", "R75", "R76", "R84", "R93", "R94")
_NATIONAL = {"france", "europe", "pays", "country", "continent", "national"}
_PERIMETER = re.compile(r"^(?P<name>.*?)\s*\((?P<scale>[^()–-]+?)(?:\s*[–-]\s*(?P<zips>[\d ,]+))?\)\s*$")
_BLOCKS = {
    "p",
    "br",
    "li",
    "ul",
    "ol",
    "div",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(value: object) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    if not isinstance(value, str) or not value.strip():
        return ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return " ".join(line for line in lines if line)


@dataclass(frozen=True)
class PlaceNames:
    """Names -> perimeter codes; built from the territory tables when they are available."""

    regions: Mapping[str, str] = field(default_factory=lambda: dict(REGIONS))
    departements: Mapping[str, str] = field(default_factory=dict)
    epcis: Mapping[str, str] = field(default_factory=dict)
    # (folded commune name, postal code) -> INSEE code
    communes: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class ImportResult:
    """Kept entries, skipped counts by French reason, and notes for the admin."""

    entries: list[Entry] = field(default_factory=list)
    read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unknown_perimeters: Counter[str] = field(default_factory=Counter)


def aids_from_json(data: Any) -> list[dict[str, Any]]:
    """The aids of parsed API JSON: one page, a list of pages, or a plain list of aids."""
    if isinstance(data, Mapping):
        results = data.get("results")
        return [a for a in results if isinstance(a, dict)] if isinstance(results, list) else []
    if isinstance(data, list):
        out: list[dict[str, Any]] = []
        for item in data:
            if isinstance(item, Mapping) and "results" in item and "name" not in item:
                out.extend(aids_from_json(item))
            elif isinstance(item, dict):
                out.append(item)
        return out
    raise ValueError("format inattendu : ni liste d'aides ni page {count, next, previous, results}")


def _labels(value: object) -> list[str]:
    """A list field whose items are strings or objects with a name (the API has had both)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for item in value:
        if isinstance(item, Mapping):
            item = item.get("name") or item.get("label") or item.get("slug") or item.get("id")
        text = html_to_text(str(item)) if item is not None else ""
        if text and text not in out:
            out.append(text)
    return out


def collectivity_audiences(aid: Mapping[str, Any]) -> list[str]:
    """Human labels of the aid's collectivity audiences (slugs or labels accepted)."""
    out: list[str] = []
    for label in _labels(aid.get("targeted_audiences")):
        key = fold(label)
        if key in COLLECTIVITY_AUDIENCES:
            label = COLLECTIVITY_AUDIENCES[key]
        elif not key.startswith(_AUDIENCE_PREFIXES):
            continue
        if label not in out:
            out.append(label)
    return out


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _perimeter_label(aid: Mapping[str, Any]) -> str:
    value = aid.get("perimeter")
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("label")
    return html_to_text(str(value)) if value else ""


def perimeter_codes(aid: Mapping[str, Any], places: PlaceNames) -> tuple[list[str], bool]:
    """Perimeter codes for the aid and whether its perimeter was understood ([] = national)."""
    raw = _perimeter_label(aid)
    match = _PERIMETER.match(raw)
    name, scale, zips = (match["name"], match["scale"], match["zips"] or "") if match else (raw, "", "")
    scale_key = fold(str(aid.get("perimeter_scale") or scale))
    key = fold(name)
    if not key or key in _NATIONAL or scale_key in {"pays", "country", "continent"}:
        return [], True
    if scale_key in {"outre mer", "overseas"} or key == "outre mer":
        return list(OVERSEAS), True
    if scale_key in {"metropole", "mainland"} or key in {"metropole", "france metropolitaine"}:
        return list(MAINLAND), True
    candidates: list[tuple[str, Mapping[str, str], str]] = [
        ("region", places.regions, "R"),
        ("departement", places.departements, "D"),
        ("epci", places.epcis, "E"),
    ]
    for level, table, prefix in candidates:
        if scale_key in {level, "department" if level == "departement" else level} and key in table:
            return [prefix + table[key]], True
    if scale_key == "commune":
        for zip_code in re.findall(r"\d{5}", zips):
            code = places.communes.get((key, zip_code))
            if code:
                return [code], True
        return [], False
    if not scale_key:  # no scale given: a bare région or département name is unambiguous enough
        for _level, table, prefix in candidates[:2]:
            if key in table:
                return [prefix + table[key]], True
    return [], False


def _slug(text: str) -> str:
    return "-".join(fold(text).split())


def _unique_id(aid: Mapping[str, Any], name: str, taken: set[str]) -> str:
    """`aide-<slug>` cut at a hyphen to stay <= 50 characters, made unique with the aid's id."""
    base = "aide-" + (_slug(str(aid.get("slug") or "")) or _slug(name) or "sans-nom")
    candidate = _cut(base, MAX_ID)
    suffixes = itertools.chain([_slug(str(aid.get("id") or ""))], map(str, range(2, 10_000)))
    while candidate in taken:
        suffix = next(suffixes) or "2"
        candidate = _cut(base, MAX_ID - len(suffix) - 1) + "-" + suffix
    return candidate


def _cut(slug: str, limit: int) -> str:
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut[5:] else cut.rstrip("-")


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def _lower_first(text: str) -> str:
    """ "Éclairage public" -> "éclairage public", but acronyms ("DETR …") are left alone."""
    return text[0].lower() + text[1:] if len(text) > 1 and not text[1].isupper() else text


def _themes(aid: Mapping[str, Any]) -> list[str]:
    """Categories "Thème|Catégorie" or "Thème / Catégorie" -> category then theme names."""
    out: list[str] = []
    for label in _labels(aid.get("categories")):
        parts = [p.strip() for p in (label.split("|") if "|" in label else label.rsplit(" / ", 1))]
        for part in reversed(parts):
            if part and part.lower() not in (t.lower() for t in out):
                out.append(part)
    return out or ["aide publique"]


def _contact(financers: Sequence[str], places: PlaceNames) -> ContactKind:
    """The Conseil régional when a Région finances the aid, else the ANCT's local delegate."""
    for financer in financers:
        key = fold(financer)
        if key.startswith(("conseil regional", "region ")) or key in places.regions:
            return "conseil_regional"
    return "anct_delegate"


def _entry(
    aid: Mapping[str, Any],
    audiences: list[str],
    places: PlaceNames,
    today: dt.date,
    taken: set[str],
    result: ImportResult,
) -> Entry | None:
    name = html_to_text(aid.get("name"))
    if len(name) < 3:
        return None
    short = html_to_text(aid.get("short_title")) or name
    financers, programs = _labels(aid.get("financers")), _labels(aid.get("programs"))
    aid_types = _labels(aid.get("aid_types"))
    text = html_to_text(aid.get("description"))
    eligibility = html_to_text(aid.get("eligibility"))
    perimeter, understood = perimeter_codes(aid, places)
    perimeter_label = _perimeter_label(aid) or "non précisé"
    if not understood:
        result.unknown_perimeters[perimeter_label] += 1
    deadline = _date(aid.get("submission_deadline"))
    summary = _shorten(text or f"Aide publique recensée sur Aides-territoires : {name}.", 400)
    if len(summary) < 20:
        summary = _shorten(f"{summary} — aide recensée sur Aides-territoires : {name}", 400)
    facts = [
        f"Financeurs : {', '.join(financers)}." if financers else "",
        f"Périmètre : {perimeter_label}."
        + ("" if understood else " (périmètre non reconnu : aide proposée partout)"),
        f"Date limite : {deadline.strftime('%d/%m/%Y')}." if deadline else "Sans date limite connue.",
    ]
    description = " ".join(
        p for p in (_shorten(text, MAX_DESCRIPTION), _shorten(eligibility, 500), *facts) if p
    )
    url = str(aid.get("url") or aid.get("origin_url") or aid.get("application_url") or "") or None
    if url and url.startswith("/"):
        url = SITE_URL + url
    topic = _lower_first(short)
    examples = list(dict.fromkeys([f"aide pour {topic}", f"comment financer {topic} ?", name]))
    while len(examples) < 3:
        examples.append(f"aide {name} {len(examples)}")
    keywords = list(dict.fromkeys(k.lower() for k in [short, *programs, *financers, *aid_types] if k))
    entry_id = _unique_id(aid, name, taken)
    try:
        entry = Entry.model_validate(
            {
                "id": entry_id,
                "kind": "aide",
                "title": name,
                "summary": summary,
                "description": description,
                "audience": audiences,
                "themes": _themes(aid),
                "keywords": keywords,
                "examples": examples,
                "contact": _contact(financers, places),
                "next_steps": "Consultez la fiche de l'aide sur Aides-territoires et déposez la demande auprès du "
                "financeur" + (f" avant le {deadline.strftime('%d/%m/%Y')}." if deadline else "."),
                "sources": [{"label": f"Aides-territoires ({LICENCE})", "url": url or SOURCE_URL}],
                "reviewed": today,
                "url": url,
                "perimeter": perimeter,
                "deadline": deadline,
            }
        )
    except ValidationError:
        return None
    taken.add(entry_id)
    return entry


def convert(
    data: Any, *, today: dt.date, places: PlaceNames | None = None, reserved: Iterable[str] = ()
) -> ImportResult:
    """Entries for the aids open to collectivities and still open on `today`.

    `reserved` are ids already used by the rest of the catalogue, never reused.
    """
    places = places or PlaceNames()
    result = ImportResult()
    taken, seen = set(reserved), set()
    for aid in aids_from_json(data):
        result.read += 1
        key = aid.get("id") or aid.get("slug") or aid.get("name")
        if key is not None and str(key) in seen:
            result.skipped[REASONS["duplicate"]] += 1
            continue
        seen.add(str(key))
        audiences = collectivity_audiences(aid)
        if not audiences:
            result.skipped[REASONS["audience"]] += 1
            continue
        deadline = _date(aid.get("submission_deadline"))
        if deadline is not None and deadline < today:
            result.skipped[REASONS["expired"]] += 1
            continue
        entry = _entry(aid, audiences, places, today, taken, result)
        if entry is None:
            result.skipped[REASONS["incomplete"]] += 1
            continue
        result.entries.append(entry)
    return result


def render_yaml(result: ImportResult, *, today: dt.date, source: str = SOURCE_URL) -> str:
    """The knowledge file: a header saying where the data comes from, then the entries."""
    CatalogueFile(entries=result.entries)  # never write a file the loader would refuse
    skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(result.skipped.items()))
    header = [
        "# yaml-language-server: $schema=../schema/catalogue.schema.json",
        "# Aides importées d'Aides-territoires par `aiguilleur import aides-territoires` : ne pas modifier à la main,",
        "# relancer l'import (les modifications seraient perdues).",
        f"# Source : {source} (API Aides-territoires, {SITE_URL})",
        f"# Licence : {LICENCE} (Etalab), {LICENCE_URL}",
        f"# Import du {today.isoformat()} : {result.read} aides lues, {len(result.entries)} gardées, "
        f"{sum(result.skipped.values())} écartées" + (f" ({skipped})" if skipped else ""),
    ]
    if result.unknown_perimeters:
        header.append(
            f"# Périmètres non reconnus (aides proposées partout) : {sum(result.unknown_perimeters.values())}"
        )
    body = {"entries": [e.model_dump(mode="json", exclude_defaults=True) for e in result.entries]}
    # libyaml's emitter when PyYAML has it (≈ 20× faster on a 5,000-aid import), same YAML.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(
        body, Dumper=dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False
    )
    return "\n".join(header) + "\n" + text


def load_place_names(knowledge_dir: Path) -> PlaceNames:
    """Place names from the territory tables under `knowledge_dir`, or the built-in régions only."""
    if not (knowledge_dir / "territoires" / "regions.csv").exists():
        return PlaceNames()
    from .territories.tables import Tables

    tables = Tables.load(knowledge_dir)
    regions = dict(REGIONS) | {fold(r.name): r.code for r in tables.regions.values()}
    departements = {fold(d.name): d.code for d in tables.departements.values()}
    epcis = {fold(e.name): e.code for e in tables.epcis.values()}
    communes: dict[tuple[str, str], str] = {}
    for zip_code, codes in tables.postal.items():
        for code in codes.split(" "):
            commune = tables.commune(code)
            if commune is not None:
                communes[(fold(commune.name), zip_code)] = code
    return PlaceNames(regions, departements, epcis, communes)
