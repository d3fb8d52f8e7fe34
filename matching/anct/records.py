"""Reading the official ANCT open-data files and writing their compact copies.

Why one module: the directory of local contacts, the France services list and the programme
lists are all CSV exports whose column names and encodings drift between releases. The
parsers find columns by folded name (with aliases), decode UTF-8 or Windows-1252, and clean
the values that reach users: phone numbers in one format, dates in ISO, and never a
person's e-mail address (the rule is organisations and service mailboxes only).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..normalise import fold
from ..territories.programmes import decode

__all__ = [
    "TableFormatError",
    "cells",
    "clean_email",
    "clean_phone",
    "find_columns",
    "iso_date",
    "read_rows",
    "read_table",
    "write_table",
]


class TableFormatError(ValueError):
    """An official file cannot be read (missing column, empty file); the message is French."""


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(data: bytes | str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV export (`,` or `;`, UTF-8 with or without BOM, or cp1252)."""
    text = decode(data)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise TableFormatError("fichier vide")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header = [h.strip() for h in next(reader)]
    return header, [row for row in reader if any(cell.strip() for cell in row)]


def _key(name: str) -> str:
    return fold(name).replace(" ", "_")


def find_columns(
    header: Sequence[str], wanted: dict[str, tuple[str, ...]], required: Iterable[str]
) -> dict[str, int]:
    """Index of each wanted field, found by its folded name or an alias; raises when a
    required one is missing, naming the columns read so an admin sees what changed."""
    folded = [_key(h) for h in header]
    found: dict[str, int] = {}
    for field, aliases in wanted.items():
        for alias in (field, *aliases):
            if alias in folded:
                found[field] = folded.index(alias)
                break
    missing = [f for f in required if f not in found]
    if missing:
        raise TableFormatError(
            f"colonne(s) absente(s) : {', '.join(missing)} ; colonnes lues : {', '.join(header) or '(aucune)'}"
        )
    return found


def cells(columns: dict[str, int]) -> Callable[[Sequence[str], str], str]:
    """A reader of a row's cell by field name (stripped; "" when the column is absent)."""

    def cell(row: Sequence[str], name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    return cell


_PHONE_DIGITS = re.compile(r"^(?:0\d{9}|[1-9]\d{3})$")


def clean_phone(value: str) -> str | None:
    """ "04.74.45.62.37" -> "04 74 45 62 37"; anything that is not a French phone number
    (an e-mail typed in the phone column, a note) is dropped rather than shown."""
    raw = value.strip()
    if raw.startswith("+33"):
        raw = "0" + raw[3:]
    digits = re.sub(r"[\s.\-/()]", "", raw)
    if not _PHONE_DIGITS.match(digits):
        return None
    if len(digits) == 4:  # short numbers such as 3939
        return digits
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
# Words that mark a service mailbox: a local part holding one of them is never a person's.
_SERVICE_WORDS = frozenset(
    [
        "accueil",
        "agence",
        "anct",
        "antenne",
        "bus",
        "ccas",
        "centre",
        "communaute",
        "contact",
        "courrier",
        "cs",
        "csc",
        "ddt",
        "ddtm",
        "direction",
        "efs",
        "emploi",
        "espace",
        "fs",
        "franceservices",
        "france",
        "services",
        "service",
        "services",
        "guichet",
        "info",
        "ingenierie",
        "maison",
        "mairie",
        "mds",
        "mfs",
        "msap",
        "msp",
        "pimms",
        "point",
        "pref",
        "prefecture",
        "prefet",
        "public",
        "relais",
        "secretariat",
        "secretaire",
        "general",
        "sg",
        "social",
        "sp",
        "ville",
        "mediation",
        "numerique",
        "pimms",
        "mdr",
        "mdd",
        "mpt",
        "psp",
        "epn",
        "msa",
        "bij",
        "rsp",
        "mdf",
        "pole",
        "pointinfo",
        "pointinfo14",
        "pi14",
        "maisonducitoyen",
        "centresocial",
        "cyberbase",
        "usagers",
        "habitants",
        "siege",
        "commune",
    ]
)


def clean_email(value: str, first_names: frozenset[str] = frozenset()) -> str | None:
    """A service mailbox, or None for a malformed address or one that names a person
    ("d.martin@…", "jb.moreau@…", "nathalie.andre@…" when "nathalie" is a known first name).
    Errs on the side of dropping: the site's phone and address remain."""
    address = value.strip().lower()
    if not _EMAIL.match(address):
        return None
    local, domain = address.split("@", 1)
    if domain == "france-services.gouv.fr":  # the network's own per-site mailboxes
        return address
    parts = [p for p in re.split(r"[._\-]", local) if p]
    if any(p in _SERVICE_WORDS or p.startswith(("franceservice", "maisondeservice")) for p in parts):
        return address
    # "prenom.nom", "j.nom", "nom.prenom": a local part in several words none of which names
    # a service is taken for a person's; a single word is kept unless it is a first name.
    if len(re.split(r"[._]", local)) >= 2 or local in first_names:
        return None
    if "-" in local and any(p in first_names for p in parts):
        return None
    return address


_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def iso_date(value: str) -> str:
    """ "7/6/2024" or "2024-06-07" -> "2024-06-07"; empty or invalid -> "" (shown as undated)."""
    value = value.strip()
    match = _DATE.match(value)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
        if value:
            return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return ""
    return ""


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Writes a CSV table (gzip when the name ends in .gz, byte-identical across rebuilds)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(data)


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of a compact table written by `write_table`."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
