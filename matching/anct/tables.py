"""The ANCT tables as one unit: import (refresh from an official export, no code to write),
load for answers, validate against the manifest, and list the stale ones.

Import functions are what the build script and the `aiguilleur import` commands call: each
parses the file as published on data.gouv.fr / by the ANCT, writes the compact table and
records its source, date and licence in `tables.yaml`.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..problems import Problem
from ..territories.programmes import (
    PROGRAMME_IDS,
    Membership,
    ProgrammeImportError,
    parse_programme_csv,
    read_memberships,
    write_memberships,
)
from .directory import DIRECTORY_HEADER, Directory, parse_directory, write_directory
from .france_services import FS_HEADER, FranceServices, parse_france_services, write_france_services
from .manifest import ANCT_DIR, MANIFEST_FILE, Manifest, TableInfo, read_manifest, write_manifest
from .positions import ARRONDISSEMENTS_HEADER, POSITIONS_HEADER, Positions
from .records import TableFormatError, clean_email, clean_phone, read_table

__all__ = [
    "ANCT_DIR",
    "AnctTables",
    "ImportReport",
    "build_all",
    "bundled",
    "check_tables",
    "import_directory",
    "import_france_services",
    "import_programme_list",
    "record",
    "safe_import",
    "stale_tables",
]

DIRECTORY_FILE = "contacts_locaux.csv"
FRANCE_SERVICES_FILE = "france_services.csv.gz"
POSITIONS_FILE = "positions_communes.csv.gz"
ARRONDISSEMENTS_FILE = "arrondissements.csv"
FIRST_NAMES_FILE = "prenoms.txt"
PROGRAMMES_FILE = "../territoires/programmes.csv"
_HEADERS = {
    DIRECTORY_FILE: DIRECTORY_HEADER,
    FRANCE_SERVICES_FILE: FS_HEADER,
    POSITIONS_FILE: POSITIONS_HEADER,
    ARRONDISSEMENTS_FILE: ARRONDISSEMENTS_HEADER,
}


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote, and what it left out (French lines for the admin)."""

    table: TableInfo
    notes: tuple[str, ...]

    def lines(self) -> list[str]:
        head = f"{self.table.title} : {self.table.rows} ligne(s), données {self.table.dated}"
        dropped = [f"  {n}" for n in self.notes[:20]]
        if len(self.notes) > 20:
            dropped.append(f"  … et {len(self.notes) - 20} autre(s)")
        return [head, *dropped]


def _first_names(knowledge_dir: Path) -> frozenset[str]:
    path = knowledge_dir / ANCT_DIR / FIRST_NAMES_FILE
    return frozenset(path.read_text(encoding="utf-8").split()) if path.exists() else frozenset()


def record(knowledge_dir: Path, info: TableInfo) -> None:
    """Adds or replaces a table's record in the manifest."""
    try:
        manifest = read_manifest(knowledge_dir)
    except ValueError:
        manifest = None
    write_manifest(knowledge_dir, manifest.replace(info) if manifest else Manifest(tables=[info]))


def import_directory(data: bytes | str, knowledge_dir: Path, info: TableInfo) -> ImportReport:
    """Refreshes the directory of local contacts from an export of the ANCT's map data."""
    contacts, notes = parse_directory(data, _first_names(knowledge_dir))
    if not contacts:
        raise TableFormatError("aucun contact lu : table inchangée")
    write_directory(knowledge_dir / ANCT_DIR / DIRECTORY_FILE, contacts)
    info = info.model_copy(update={"file": DIRECTORY_FILE, "rows": len(contacts)})
    record(knowledge_dir, info)
    return ImportReport(info, tuple(notes))


def import_france_services(data: bytes | str, knowledge_dir: Path, info: TableInfo) -> ImportReport:
    """Refreshes the France services sites from the data.gouv.fr list of structures."""
    sites, notes = parse_france_services(data, _first_names(knowledge_dir))
    if not sites:
        raise TableFormatError("aucun site lu : table inchangée")
    write_france_services(knowledge_dir / ANCT_DIR / FRANCE_SERVICES_FILE, sites)
    info = info.model_copy(update={"file": FRANCE_SERVICES_FILE, "rows": len(sites)})
    record(knowledge_dir, info)
    return ImportReport(info, tuple(notes))


def _known_communes(knowledge_dir: Path) -> set[str]:
    path = knowledge_dir / "territoires" / "communes.csv.gz"
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").split("\n")[1:]
    return {line.split(",", 1)[0] for line in lines if line}


def import_programme_list(data: bytes | str, knowledge_dir: Path, info: TableInfo) -> ImportReport:
    """Replaces a programme's members in programmes.csv with a dated official list (a newer
    list supersedes the older one; other programmes' rows are kept)."""
    if info.programme not in PROGRAMME_IDS:
        raise TableFormatError(f"programme inconnu : {info.programme} (attendu : {', '.join(PROGRAMME_IDS)})")
    try:
        result = parse_programme_csv(
            data,
            info.programme,
            known_codes=_known_communes(knowledge_dir),
            source=info.cited,
            date=info.date,
        )
    except ProgrammeImportError as exc:
        raise TableFormatError(str(exc)) from exc
    if not result.rows:
        raise TableFormatError("aucune commune reconnue : liste inchangée")
    path = knowledge_dir / ANCT_DIR / PROGRAMMES_FILE
    kept: list[Membership] = [m for m in read_memberships(path) if m.programme != info.programme]
    write_memberships(path, sorted([*kept, *result.rows]))
    info = info.model_copy(update={"file": PROGRAMMES_FILE, "rows": len(result.rows)})
    record(knowledge_dir, info)
    notes = tuple(f"ligne {r.line} : {r.reason}" for r in result.rejected)
    return ImportReport(info, notes)


Importer = Callable[[bytes | str, Path, TableInfo], ImportReport]


def safe_import(importer: Importer, data: bytes | str, knowledge_dir: Path, info: TableInfo) -> ImportReport:
    """Runs an import, then validates the tables; on any failure the previous files are put
    back, so an admin's refresh never leaves a half-written or invalid table behind."""
    base = knowledge_dir / ANCT_DIR
    paths = [base / MANIFEST_FILE, base / DIRECTORY_FILE, base / FRANCE_SERVICES_FILE, base / PROGRAMMES_FILE]
    saved = {p: p.read_bytes() if p.exists() else None for p in paths}

    def restore() -> None:
        for path, data_before in saved.items():
            if data_before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data_before)

    try:
        report = importer(data, knowledge_dir, info)
    except Exception:
        restore()
        raise
    problems = check_tables(knowledge_dir)
    if problems:
        restore()
        raise TableFormatError("table refusée, rien n'a été changé :\n" + "\n".join(str(p) for p in problems))
    return report


# The official exports of the bundled tables (see knowledge/anct/SOURCE.md).
BUNDLED: tuple[tuple[str, TableInfo], ...] = (
    (
        "anct-contacts-locaux.csv",
        TableInfo(
            id="contacts-locaux",
            file=DIRECTORY_FILE,
            title="Annuaire des interlocuteurs locaux de l'ANCT",
            label="ANCT, annuaire des délégués territoriaux",
            publisher="Agence nationale de la cohésion des territoires (ANCT)",
            origin="anct-carto/annuaire_delegues_anct, data/data_contacts.csv, commit 7c81643",
            url="https://github.com/anct-carto/annuaire_delegues_anct",
            date="2025-05-20",
            licence="Information publique de l'ANCT (réutilisation libre, mention de la source)",
            rows=0,
        ),
    ),
    (
        "pvd-communes-2021-01.csv",
        TableInfo(
            id="pvd",
            file=PROGRAMMES_FILE,
            title="Communes Petites villes de demain",
            label="liste ANCT",
            publisher="Agence nationale de la cohésion des territoires (ANCT)",
            origin="anct-carto/pvd, data_init/pvd_carte-interactive_20200122.csv, commit e89a2ff",
            url="https://github.com/anct-carto/pvd",
            date="2021-01",
            licence="Licence Ouverte 2.0",
            rows=0,
            programme="anct-petites-villes-de-demain",
        ),
    ),
    (
        "acv-communes-2024-04.csv",
        TableInfo(
            id="acv",
            file=PROGRAMMES_FILE,
            title="Communes Action cœur de ville",
            label="liste ANCT",
            publisher="Agence nationale de la cohésion des territoires (ANCT)",
            origin="anct-carto/action_coeur_de_ville, data/coeurdeville.js, commit 6903e5d",
            url="https://github.com/anct-carto/action_coeur_de_ville",
            date="2024-04",
            licence="Information publique de l'ANCT (réutilisation libre, mention de la source)",
            rows=0,
            programme="anct-action-coeur-de-ville",
        ),
    ),
    (
        "france-services-2024-08-01.csv",
        TableInfo(
            id="france-services",
            file=FRANCE_SERVICES_FILE,
            title="Structures France services",
            label="ANCT, liste des France services",
            publisher="Agence nationale de la cohésion des territoires (ANCT)",
            origin="anct-carto/france_services, data/liste-fs-20240801.csv, commit e1016fd "
            "(jeu « liste des structures France services » de data.gouv.fr)",
            url="https://github.com/anct-carto/france_services",
            date="2024-08-01",
            licence="Licence Ouverte 2.0",
            rows=0,
        ),
    ),
)


def bundled(table_id: str) -> TableInfo:
    """The manifest record of a bundled table, as a template for a refresh."""
    return next(info for _filename, info in BUNDLED if info.id == table_id)


def build_all(donnees: Path, knowledge_dir: Path, first_names: frozenset[str]) -> list[str]:
    """Imports every bundled export from `donnees` (the build script's entry point)."""
    if first_names:
        (knowledge_dir / ANCT_DIR).mkdir(parents=True, exist_ok=True)
    importers = {
        "contacts-locaux": import_directory,
        "pvd": import_programme_list,
        "acv": import_programme_list,
        "france-services": import_france_services,
    }
    lines: list[str] = []
    for filename, info in BUNDLED:
        report = importers[info.id]((donnees / filename).read_bytes(), knowledge_dir, info)
        lines.extend(report.lines())
    return lines


class AnctTables:
    """The loaded tables an answer needs; each part is read on first use."""

    def __init__(self, knowledge_dir: Path) -> None:
        self.base = knowledge_dir / ANCT_DIR

    @cached_property
    def manifest(self) -> Manifest | None:
        try:
            return read_manifest(self.base.parent)
        except ValueError:
            return None

    def info(self, table_id: str) -> TableInfo | None:
        return self.manifest.get(table_id) if self.manifest else None

    @cached_property
    def directory(self) -> Directory:
        return Directory.load(self.base / DIRECTORY_FILE)

    @cached_property
    def france_services(self) -> FranceServices:
        return FranceServices.load(self.base / FRANCE_SERVICES_FILE)

    @cached_property
    def positions(self) -> Positions:
        return Positions(self.base / POSITIONS_FILE, self.base / ARRONDISSEMENTS_FILE)


def _lines(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return [line for line in data.decode("utf-8").split("\n") if line]


def check_tables(knowledge_dir: Path) -> list[Problem]:
    """Problems of the ANCT tables: manifest, files, headers, row counts, and the values a
    user would see (phones, service mailboxes). Empty when there are no tables."""
    base = knowledge_dir / ANCT_DIR
    where = str(base / MANIFEST_FILE)
    try:
        manifest = read_manifest(knowledge_dir)
    except ValueError as exc:
        return [Problem(where, None, "", str(exc))]
    if manifest is None:
        return [Problem(where, None, "", "fichier manquant")] if base.is_dir() else []
    problems: list[Problem] = []
    names = _first_names(knowledge_dir)
    programmes_path = base / PROGRAMMES_FILE
    memberships = read_memberships(programmes_path)
    for info in manifest.tables:
        path = base / info.file
        if not path.exists():
            problems.append(Problem(where, None, info.id, f"table introuvable : {info.file}"))
            continue
        if info.programme is not None:
            rows = [m for m in memberships if m.programme == info.programme]
            if len(rows) != info.rows:
                problems.append(
                    Problem(
                        str(path), None, info.id, f"{len(rows)} commune(s), la fiche en annonce {info.rows}"
                    )
                )
            if any(not m.date for m in rows):
                problems.append(Problem(str(path), None, info.id, "appartenance sans date"))
            continue
        problems.extend(_check_table(path, info, names))
    for pid in PROGRAMME_IDS:
        if any(m.programme == pid for m in memberships) and not any(
            t.programme == pid for t in manifest.tables
        ):
            problems.append(
                Problem(where, None, pid, "liste de programme sans fiche (source, date, licence)")
            )
    return problems


def _check_table(path: Path, info: TableInfo, names: frozenset[str]) -> list[Problem]:
    """Header and row count of one table; phones and mailboxes where the table has them."""
    expected = _HEADERS.get(info.file)
    lines = _lines(path)
    header = tuple(lines[0].split(",")) if lines else ()
    if expected is not None and header != expected:
        return [Problem(str(path), 1, info.id, f"colonnes inattendues, attendu : {','.join(expected)}")]
    problems: list[Problem] = []
    # Tables with text fields may hold quoted line breaks: count their rows as CSV records.
    rows = read_table(path) if "telephone" in header else None
    count = len(rows) if rows is not None else len(lines) - 1
    if count != info.rows:
        problems.append(
            Problem(str(path), None, info.id, f"{count} ligne(s), la fiche en annonce {info.rows}")
        )
    for number, row in enumerate(rows or (), start=2):
        phone, email = row.get("telephone", ""), row.get("courriel", "")
        if phone and clean_phone(phone) != phone:
            problems.append(Problem(str(path), number, "telephone", f"numéro mal formé : {phone}"))
        if email and clean_email(email, names) is None:
            problems.append(Problem(str(path), number, "courriel", "adresse personnelle ou illisible"))
    return problems


def stale_tables(knowledge_dir: Path, today: dt.date, months: int = 12) -> list[TableInfo]:
    """Tables whose data is older than `months` months on `today` (oldest first)."""
    try:
        manifest = read_manifest(knowledge_dir)
    except ValueError:
        return []
    if manifest is None:
        return []
    return sorted((t for t in manifest.tables if _months(t.as_of, today) >= months), key=lambda t: t.as_of)


def _months(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (2024-08-01 -> 2025-08-01 is 12)."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
