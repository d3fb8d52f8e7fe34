"""France services sites: the official list (address, position, phone, weekly hours, type)
and the nearest sites to a commune.

Pure: "today" is a parameter (the bot passes the date), so the same answer renders the
hours of the day it is shown.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .records import cells, clean_email, clean_phone, find_columns, read_rows, read_table, write_table

__all__ = ["DAYS", "FS_HEADER", "FranceServices", "Site", "distance_km", "parse_france_services"]

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FS_HEADER = (
    "id",
    "departement",
    "nom",
    "adresse",
    "code_postal",
    "commune",
    "insee",
    "latitude",
    "longitude",
    "telephone",
    "courriel",
    *DAYS,
    "rendez_vous",
    "commentaire",
    "type",
    "format",
)
_COLUMNS: dict[str, tuple[str, ...]] = {
    "id_fs": ("id", "identifiant"),
    "insee_dep": ("departement", "code_departement", "dep"),
    "lib_fs": ("nom", "nom_fs", "libelle"),
    "adresse": ("adresse_fs",),
    "complement_adresse": ("complement",),
    "insee_com": ("code_insee", "insee", "code_commune"),
    "code_postal": ("cp",),
    "lib_com": ("commune", "ville"),
    "latitude": ("lat",),
    "longitude": ("lon", "lng"),
    "mail": ("courriel", "email"),
    "telephone": ("tel",),
    **{f"h_{d}": (d, f"horaires_{d}") for d in DAYS},
    "prise_rdv": ("rendez_vous", "rdv"),
    "commentaire": ("commentaires",),
    "type_fs": ("type",),
    "format_fs": ("format",),
}
_HOURS = re.compile(r"^\d{1,2}:\d{2} - \d{1,2}:\d{2}( / \d{1,2}:\d{2} - \d{1,2}:\d{2})*$")
# A comment is kept only when it is about the site, never about a person.
_PERSONAL = re.compile(r"@|\b(M\.|Mme|Madame|Monsieur|Mlle)\b")


@dataclass(frozen=True)
class Site:
    """One France services site as users need it: where, how to call, when it is open."""

    id: str
    departement: str
    name: str
    address: str
    postcode: str
    town: str
    insee: str
    lat: float
    lon: float
    phone: str
    email: str
    hours: tuple[str, ...]  # one entry per day, Monday first; "" when closed or not given
    appointment: bool
    comment: str
    kind: str  # "Principal" or "Antenne"
    format: str  # "Fixe", "Itinérante", "Bus_équivalent", "Multisites", "Fixe_antenne(s)"

    @property
    def label(self) -> str:
        """ "bus itinérant", "antenne" or "" for a fixed main site (users need to know a bus moves)."""
        if self.format.startswith("Bus") or self.format.startswith("Itin"):
            return "France services itinérante (bus)"
        if self.kind == "Antenne":
            return "antenne France services"
        return ""

    def hours_on(self, day: dt.date) -> str:
        """Opening hours on that day as published ("09:00 - 12:00 / 13:30 - 17:00"), "" if none."""
        return self.hours[day.weekday()]

    @property
    def full_address(self) -> str:
        return ", ".join(p for p in (self.address, f"{self.postcode} {self.town}".strip()) if p)

    def row(self) -> tuple[object, ...]:
        return (
            self.id,
            self.departement,
            self.name,
            self.address,
            self.postcode,
            self.town,
            self.insee,
            f"{self.lat:.5f}",
            f"{self.lon:.5f}",
            self.phone,
            self.email,
            *self.hours,
            "oui" if self.appointment else "non",
            self.comment,
            self.kind,
            self.format,
        )


def _float(value: str) -> float | None:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_france_services(
    data: bytes | str, first_names: frozenset[str] = frozenset()
) -> tuple[list[Site], list[str]]:
    """Sites of an official export (data.gouv.fr "liste des structures France services"),
    and French notes on rows or values left out."""
    header, rows = read_rows(data)
    col = find_columns(header, _COLUMNS, ("lib_fs", "insee_com", "latitude", "longitude"))
    sites: list[Site] = []
    notes: list[str] = []
    cell = cells(col)

    for number, row in enumerate(rows, start=2):
        lat, lon = _float(cell(row, "latitude")), _float(cell(row, "longitude"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            notes.append(f"ligne {number} : position absente ou invalide, site ignoré")
            continue
        insee = cell(row, "insee_com").upper()
        insee = insee.zfill(5) if insee.isdigit() else insee
        raw_email = cell(row, "mail")
        email = clean_email(raw_email, first_names) if raw_email else None
        if raw_email and email is None:
            notes.append(f"ligne {number} : adresse électronique écartée (personnelle ou illisible)")
        hours = tuple(
            h if _HOURS.match(h := cell(row, f"h_{d}")) else ""
            for d in DAYS  # the official file has no Sunday column: it stays empty
        )
        comment = cell(row, "commentaire")
        street = ", ".join(p for p in (cell(row, "adresse"), cell(row, "complement_adresse")) if p)
        sites.append(
            Site(
                id=cell(row, "id_fs") or str(number - 1),
                departement=cell(row, "insee_dep") or insee[: 3 if insee.startswith("97") else 2],
                name=cell(row, "lib_fs"),
                address=street,
                postcode=cell(row, "code_postal"),
                town=cell(row, "lib_com"),
                insee=insee,
                lat=lat,
                lon=lon,
                phone=clean_phone(cell(row, "telephone")) or "",
                email=email or "",
                hours=hours,
                appointment=cell(row, "prise_rdv").lower() in ("oui", "true", "1"),
                comment="" if _PERSONAL.search(comment) else comment,
                kind=cell(row, "type_fs") or "Principal",
                format=cell(row, "format_fs") or "Fixe",
            )
        )
    sites.sort(key=lambda s: (s.departement, s.insee, s.name, s.id))
    return sites, notes


def write_france_services(path: Path, sites: Sequence[Site]) -> int:
    return write_table(path, FS_HEADER, (s.row() for s in sites))


def _site(r: dict[str, str]) -> Site:
    return Site(
        id=r["id"],
        departement=r["departement"],
        name=r["nom"],
        address=r["adresse"],
        postcode=r["code_postal"],
        town=r["commune"],
        insee=r["insee"],
        lat=float(r["latitude"]),
        lon=float(r["longitude"]),
        phone=r["telephone"],
        email=r["courriel"],
        hours=tuple(r.get(d, "") or "" for d in DAYS),
        appointment=r["rendez_vous"] == "oui",
        comment=r["commentaire"],
        kind=r["type"],
        format=r["format"],
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), accurate enough to rank sites a few km apart."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


class FranceServices:
    """All sites, with a nearest-sites query."""

    def __init__(self, sites: Sequence[Site]) -> None:
        self.sites = tuple(sites)

    @classmethod
    def load(cls, path: Path) -> FranceServices:
        return cls([_site(r) for r in read_table(path)] if path.exists() else [])

    def in_commune(self, insee: str) -> list[Site]:
        """The sites of one commune, in a stable order."""
        return sorted((s for s in self.sites if s.insee == insee), key=lambda s: (s.name, s.id))

    def nearest(
        self, lat: float, lon: float, *, commune: str = "", limit: int = 3, max_km: float = 60.0
    ) -> list[tuple[Site, float]]:
        """Sites by distance, those of the commune itself first; none beyond `max_km`."""
        # A degree of latitude is 111 km: a cheap box discards most sites before the haversine.
        box = max_km / 111.0
        scored = [
            (site, distance_km(lat, lon, site.lat, site.lon))
            for site in self.sites
            if abs(site.lat - lat) <= box and (site.insee == commune or abs(site.lon - lon) <= box * 3)
        ]
        scored = [(s, d) for s, d in scored if d <= max_km or s.insee == commune]
        scored.sort(key=lambda sd: (sd[0].insee != commune, round(sd[1], 1), sd[0].id))
        return scored[:limit]
