"""`knowledge/anct/tables.yaml`: what each official table is, where it comes from, its date
and licence — the facts every answer that uses a table must cite.

A CSV file cannot carry that header, so the manifest does, one record per table; the build
script and the import functions rewrite it, `validate` checks it against the files, and
`report` lists the tables older than a year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..problems import KnowledgeError
from ..yamlsafe import read_yaml

__all__ = ["MANIFEST_FILE", "Manifest", "TableInfo", "french_date", "read_manifest", "write_manifest"]

ANCT_DIR = "anct"
MANIFEST_FILE = "tables.yaml"
_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


class TableInfo(BaseModel):
    """One table: file (relative to knowledge/anct/), provenance, date of the data, licence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    file: str = Field(min_length=3)
    title: str = Field(min_length=3)
    label: str = Field(
        min_length=3,
        description="Cited followed by the date: « ANCT, liste des France services » « du 1er août 2024 ».",
    )
    publisher: str = Field(min_length=2)
    origin: str = Field(min_length=3, description="Dataset, file and version the table was built from.")
    url: str | None = None
    date: str = Field(
        pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="Date of the data: AAAA-MM or AAAA-MM-JJ."
    )
    licence: str = Field(min_length=3)
    rows: int = Field(ge=0)
    programme: str | None = Field(default=None, description="For a programme list: the catalogue id.")

    @property
    def as_of(self) -> dt.date:
        """The date of the data; a month-only date counts as the month's first day."""
        text = self.date if len(self.date) == 10 else self.date + "-01"
        return dt.date.fromisoformat(text)

    @property
    def cited(self) -> str:
        """What answers cite: « ANCT, liste des France services du 1er août 2024 »."""
        return f"{self.label} {self.dated}"

    @property
    def dated(self) -> str:
        """ "du 1er août 2024", "de janvier 2021", "d'avril 2024"."""
        period = self.period
        if len(self.date) == 10:
            return f"du {period}"
        return f"d'{period}" if period[0] in "aeiouy" else f"de {period}"

    @property
    def period(self) -> str:
        """The date in French: « 1er août 2024 », « janvier 2021 »."""
        return french_date(self.date)


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tables: list[TableInfo] = Field(min_length=1)

    def get(self, table_id: str) -> TableInfo | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def replace(self, info: TableInfo) -> Manifest:
        kept = [t for t in self.tables if t.id != info.id]
        return Manifest(tables=sorted([*kept, info], key=lambda t: t.id))


def french_date(text: str) -> str:
    """ "2024-08-01" -> "1er août 2024"; "2021-01" -> "janvier 2021"."""
    parts = [int(p) for p in text.split("-")]
    month = f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return month
    return f"{'1er' if parts[2] == 1 else parts[2]} {month}"


def read_manifest(knowledge_dir: Path) -> Manifest | None:
    """The manifest, None when the knowledge directory has no ANCT tables; raises ValueError
    (French message) when it exists but is invalid."""
    path = knowledge_dir / ANCT_DIR / MANIFEST_FILE
    if not path.exists():
        return None
    try:
        # The safe reader: bounded aliases and size, duplicate keys refused, file:line.
        data = read_yaml(path, knowledge_dir).data
        return Manifest.model_validate(data)
    except KnowledgeError as exc:
        raise ValueError("; ".join(str(p) for p in exc.problems)) from exc
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{path} : {where} : {first['msg']}") from exc


_HEADER = """\
# Tables construites depuis les données ouvertes de l'ANCT (voir SOURCE.md) : source, date des
# données et licence de chaque table. Réécrit par scripts/build_anct_tables.py et par les
# commandes d'import ; « validate » vérifie que chaque table correspond à sa fiche.
"""


def write_manifest(knowledge_dir: Path, manifest: Manifest) -> None:
    path = knowledge_dir / ANCT_DIR / MANIFEST_FILE
    data = {"tables": [t.model_dump(exclude_none=True) for t in manifest.tables]}
    text = _HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
