"""The ANCT's directory of its local contacts (préfecture, DDT(M), sous-préfecture, DEAL…).

Source: the "annuaire des délégués territoriaux" map of the ANCT (anct-carto), one row per
contact with address, phone, service mailbox, local ANCT page and date of update. The
compact copy under `knowledge/anct/` keeps organisations and service mailboxes only: the
official export's personal columns are never read, and a value that is not a phone number
or that names a person is dropped at import.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..articles import de_departement, departement_name
from ..normalise import fold
from .records import (
    cells,
    clean_email,
    clean_phone,
    find_columns,
    iso_date,
    read_rows,
    read_table,
    write_table,
)

__all__ = ["DIRECTORY_HEADER", "Directory", "LocalContact", "parse_directory"]

DIRECTORY_HEADER = (
    "departement",
    "type",
    "structure",
    "fonction",
    "service",
    "adresse",
    "code_postal",
    "ville",
    "telephone",
    "courriel",
    "page_web",
    "mis_a_jour",
)
# Official column names (anct-carto data_contacts.csv) and the variants seen in other exports.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "departement": ("code_departement", "dep", "code_dep", "insee_dep"),
    "structure": ("organisme", "structure_nom"),
    "fonction": ("poste", "fonction_contact"),
    "service": ("service_nom",),
    "adresse": ("adresse_postale", "rue"),
    "code_postal": ("cp",),
    "ville": ("commune", "localite"),
    "cedex": (),
    "telephone": ("tel", "telephone_standard"),
    "courriel_service": ("courriel", "mail_service", "email_service"),
    "page_web": ("site_web", "url", "page"),
    "mis_a_jour": ("date_maj", "maj", "mise_a_jour"),
}
# Obvious misspellings of the official file, corrected so users read proper names.
_TYPOS = (
    ("Alllier", "Allier"),
    ("Essone", "Essonne"),
    ("Déparementale", "Départementale"),
    ("Sécréatiare", "Secrétaire"),
    ("Sous-Préfèt", "Sous-Préfet"),
    ("Préfecture Des ", "Préfecture des "),
    ("l égalité", "l'égalité"),
    ("Directeur par intérim départementale", "Directeur départemental par intérim"),
    ("Directeur départementale", "Directeur départemental"),
)
_SPACES = re.compile(r"\s+")


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    for wrong, right in _TYPOS:
        text = text.replace(wrong, right)
    return text


def official_name(structure: str, departement: str) -> str:
    """The structure's name with the département in its official form: "Préfecture du
    Vaucluse" -> "Préfecture de Vaucluse"; a DDT named without its département gets it."""
    name = departement_name(departement)
    key = fold(structure)
    if name is None or " region " in f" {key} " or key.startswith("sous prefecture"):
        return structure
    tail = fold(name)
    if key in (
        "direction departementale des territoires",
        "direction departementale des territoires et de la mer",
    ):
        return f"{structure} {de_departement(departement, name)}"
    starts = [
        i
        for i in range(1, len(structure))
        if structure[i - 1] in " '’-" and structure[i] not in " '’-" and fold(structure[i:]) == tail
    ]
    if not starts:
        return structure
    head = structure[: starts[0]].rstrip()
    for article in ("de la", "de l'", "de l’", "des", "du", "de", "d'", "d’"):
        if head.lower().endswith(" " + article):
            return f"{head[: len(head) - len(article)].rstrip()} {de_departement(departement, name)}"
    return structure  # the name is not introduced by an article: a town ("Saint-Dié-des-Vosges")


def structure_kind(structure: str) -> str:
    """ddt, prefecture, sous_prefecture, sgar, deal, social or other, from the structure name."""
    key = fold(structure)
    if key.startswith("sous prefecture"):
        return "sous_prefecture"
    if "territoires" in key and key.startswith("direction"):
        return "ddt"
    if "environnement de l amenagement et du logement" in key or key.startswith("dgtm"):
        return "deal"
    if "affaires regionales" in key:
        return "sgar"
    if "emploi du travail" in key or "cohesion sociale" in key:
        return "social"
    if key.startswith("prefecture") or "coordination" in key:
        return "prefecture"
    return "other"


@dataclass(frozen=True)
class LocalContact:
    """One row of the directory: an organisation, the contact's function, how to reach it."""

    departement: str
    kind: str
    structure: str
    function: str
    service: str
    street: str
    postcode: str
    town: str
    phone: str
    email: str
    page: str
    updated: str

    @property
    def address(self) -> str:
        """Postal address on one line, e.g. "23, rue Bourgmayer CS 90410, 01012 BOURG-EN-BRESSE CEDEX"."""
        town = " ".join(p for p in (self.postcode, self.town) if p)
        return ", ".join(p for p in (self.street, town) if p)

    @property
    def equal_opportunities(self) -> bool:
        """A contact for the politique de la ville (préfet délégué pour l'égalité des chances…)."""
        text = fold(f"{self.function} {self.service}")
        return "egalite des chances" in text or "politique de la ville" in text or self.kind == "social"

    def row(self) -> tuple[str, ...]:
        return (
            self.departement,
            self.kind,
            self.structure,
            self.function,
            self.service,
            self.street,
            self.postcode,
            self.town,
            self.phone,
            self.email,
            self.page,
            self.updated,
        )


def parse_directory(
    data: bytes | str, first_names: frozenset[str] = frozenset()
) -> tuple[list[LocalContact], list[str]]:
    """Contacts of an official export, and French notes on each value that was dropped."""
    header, rows = read_rows(data)
    col = find_columns(header, _COLUMNS, ("departement", "structure", "telephone"))
    contacts: list[LocalContact] = []
    notes: list[str] = []
    cell = cells(col)

    for number, row in enumerate(rows, start=2):
        dep = cell(row, "departement").upper()
        dep = dep.zfill(2) if dep.isdigit() else dep
        structure = official_name(_tidy(cell(row, "structure")), dep)
        if not dep or not structure:
            notes.append(f"ligne {number} : département ou structure manquant, ligne ignorée")
            continue
        raw_phone, raw_email = cell(row, "telephone"), cell(row, "courriel_service")
        phone = clean_phone(raw_phone) if raw_phone else None
        if raw_phone and phone is None:
            notes.append(f"ligne {number} : téléphone illisible écarté")
        email = clean_email(raw_email, first_names) if raw_email else None
        if raw_email and email is None:
            notes.append(f"ligne {number} : adresse électronique écartée (personnelle ou illisible)")
        town = " ".join(p for p in (cell(row, "ville"), cell(row, "cedex")) if p)
        contacts.append(
            LocalContact(
                departement=dep,
                kind=structure_kind(structure),
                structure=structure,
                function=_tidy(cell(row, "fonction")),
                service=_tidy(cell(row, "service")),
                street=_tidy(cell(row, "adresse")),
                postcode=cell(row, "code_postal"),
                town=_SPACES.sub(" ", town),
                phone=phone or "",
                email=email or "",
                page=cell(row, "page_web") if cell(row, "page_web").startswith("http") else "",
                updated=iso_date(cell(row, "mis_a_jour")),
            )
        )
    contacts.sort(key=lambda c: (c.departement, c.kind, c.structure, c.function, c.phone))
    return contacts, notes


def write_directory(path: Path, contacts: Sequence[LocalContact]) -> int:
    return write_table(path, DIRECTORY_HEADER, (c.row() for c in contacts))


class Directory:
    """The directory by département, loaded from the compact table."""

    def __init__(self, contacts: Sequence[LocalContact]) -> None:
        self.contacts = tuple(contacts)
        by_dep: dict[str, list[LocalContact]] = defaultdict(list)
        for contact in self.contacts:
            by_dep[contact.departement].append(contact)
        self._by_dep = dict(by_dep)

    @classmethod
    def load(cls, path: Path) -> Directory:
        rows = read_table(path) if path.exists() else []
        return cls([LocalContact(*(r.get(h, "") or "" for h in DIRECTORY_HEADER)) for r in rows])

    def for_departement(self, code: str) -> tuple[LocalContact, ...]:
        return tuple(self._by_dep.get(code, ()))

    @property
    def departements(self) -> frozenset[str]:
        return frozenset(self._by_dep)
