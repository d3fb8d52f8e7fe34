"""Programme membership (PVD, ACV, Territoires d'industrie…): import and merge.

Why an importer: the official lists are open-data CSV files whose layout changes from one
publisher to the next (column names, `;` or `,`, UTF-8 or Latin-1 from a spreadsheet). The
only thing they share is an INSEE code column, so we find that column, keep the codes we
know and report every other row with a reason, and never invent a membership.
Pure functions: bytes in, rows out; the caller writes the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..answer import ProgrammeStatus
from ..normalise import fold

# Catalogue ids a membership may carry (see knowledge/catalogue).
PROGRAMME_IDS = (
    "anct-petites-villes-de-demain",
    "anct-action-coeur-de-ville",
    "anct-territoires-d-industrie",
    "anct-politique-de-la-ville",
    "anct-villages-d-avenir",
    "anct-avenir-montagnes",
    "anct-france-services",
    "anct-crte",
)
HEADER = ("insee", "programme", "source", "date")
# Names users read for the programmes whose official lists are imported.
PROGRAMME_TITLES = {
    "anct-petites-villes-de-demain": "Petites villes de demain",
    "anct-action-coeur-de-ville": "Action cœur de ville",
    "anct-territoires-d-industrie": "Territoires d'industrie",
    "anct-villages-d-avenir": "Villages d'avenir",
}

# Column names that hold an INSEE code, folded (lower case, no accents, "_" for separators).
_CODE_COLUMNS = (
    "insee", "code_insee", "codeinsee", "insee_com", "insee_commune", "code_insee_commune",
    "codgeo", "code_geo", "codegeo", "com", "code_com", "code_commune", "code_commune_insee",
    "codecommune", "cog", "cog_commune", "depcom", "inseecom", "num_com", "insee_code",
    "siren", "siren_epci", "code_epci", "epci",
)  # fmt: skip
_COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_SIREN = re.compile(r"^\d{9}$")


class ProgrammeImportError(ValueError):
    """The file cannot be read at all (no code column, empty file)."""


@dataclass(frozen=True, order=True)
class Membership:
    """One row of programmes.csv: this commune (or EPCI) belongs to this programme."""

    insee: str
    programme: str
    source: str
    date: str


@dataclass(frozen=True)
class Rejected:
    """A row of the imported file that was not kept, and why (in French, for the admin)."""

    line: int
    value: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    rows: tuple[Membership, ...]
    rejected: tuple[Rejected, ...]
    column: str


def decode(data: bytes | str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 / Latin-1 as spreadsheets export."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _fold(name: str) -> str:
    """Header name as an identifier ("Code INSEE" -> "code_insee"): the project's one `fold`."""
    return "_".join(fold(name).split())


def find_code_column(header: list[str]) -> int:
    """Index of the INSEE code column (case- and accent-insensitive), or raise."""
    folded = [_fold(h) for h in header]
    for wanted in _CODE_COLUMNS:
        if wanted in folded:
            return folded.index(wanted)
    for index, name in enumerate(folded):
        if "insee" in name or "codgeo" in name:
            return index
    raise ProgrammeImportError(
        "aucune colonne de code INSEE trouvée (attendu : insee, code_insee, codgeo, com, code_commune…) ; "
        f"colonnes lues : {', '.join(header) or '(aucune)'}"
    )


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def normalise_code(value: str) -> str:
    """ "1001" (leading zero lost by a spreadsheet) -> "01001"; "2a004" -> "2A004"."""
    code = value.strip().strip('"').replace(" ", "").upper()
    if code.endswith(".0") and code[:-2].isdigit():
        code = code[:-2]
    if code.isdigit() and len(code) in (4, 8):
        code = code.zfill(len(code) + 1)
    return code


def parse_programme_csv(
    data: bytes | str,
    programme: str,
    *,
    known_codes: Container[str],
    source: str,
    date: str,
) -> ImportResult:
    """Rows of an official list for `programme`, and the rows that could not be matched."""
    text = decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ProgrammeImportError("fichier vide")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    header = next(reader)
    column = find_code_column(header)
    kept: dict[str, Membership] = {}
    rejected: list[Rejected] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        raw = row[column] if column < len(row) else ""
        code = normalise_code(raw)
        if not code:
            rejected.append(Rejected(number, raw, "code INSEE vide"))
        elif not (_COMMUNE_CODE.match(code) or _SIREN.match(code)):
            rejected.append(Rejected(number, raw, f"format de code invalide : {raw.strip()}"))
        elif code not in known_codes:
            rejected.append(Rejected(number, raw, f"code inconnu des tables INSEE : {code}"))
        else:
            kept.setdefault(code, Membership(code, programme, source, date))
    return ImportResult(tuple(kept.values()), tuple(rejected), header[column])


def read_memberships(path: Path) -> list[Membership]:
    """The memberships already in programmes.csv (empty if the file does not exist)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Membership(r["insee"].strip(), r["programme"].strip(), r.get("source") or "", r.get("date") or "")
            for r in csv.DictReader(handle)
            if (r.get("insee") or "").strip() and (r.get("programme") or "").strip()
        ]


def merge(existing: Iterable[Membership], new: Iterable[Membership]) -> tuple[list[Membership], int]:
    """Existing rows plus new ones, one row per (code, programme); returns (rows, added)."""
    rows = {(m.insee, m.programme): m for m in existing}
    added = 0
    for membership in new:
        if (membership.insee, membership.programme) not in rows:
            rows[(membership.insee, membership.programme)] = membership
            added += 1
    return sorted(rows.values()), added


def write_memberships(path: Path, rows: Iterable[Membership]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for m in rows:
        writer.writerow((m.insee, m.programme, m.source, m.date))
    path.write_text(buffer.getvalue(), encoding="utf-8")


@dataclass(frozen=True)
class ProgrammeList:
    """A dated official list held in programmes.csv (from knowledge/anct/tables.yaml)."""

    programme: str
    title: str
    source: str
    date: str


def load_programme_lists(knowledge_dir: Path) -> tuple[ProgrammeList, ...]:
    """The dated programme lists recorded in the ANCT tables' manifest (none without it)."""
    from ..anct.manifest import read_manifest  # the manifest module imports this one's siblings

    try:
        manifest = read_manifest(knowledge_dir)
    except ValueError:
        return ()
    if manifest is None:
        return ()
    return tuple(
        ProgrammeList(t.programme, PROGRAMME_TITLES.get(t.programme, t.title), t.cited, t.date)
        for t in manifest.tables
        if t.programme
    )


def programme_statuses(members: Iterable[str], lists: Iterable[ProgrammeList]) -> tuple[ProgrammeStatus, ...]:
    """A commune's status on each dated list, from the programme ids it belongs to."""
    ids = set(members)
    return tuple(
        ProgrammeStatus(
            programme=pl.programme, title=pl.title, member=pl.programme in ids, source=pl.source, date=pl.date
        )
        for pl in lists
    )


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
