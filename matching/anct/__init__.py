"""Official ANCT open data as compact tables: local contacts, France services sites,
programme lists, commune positions and arrondissements (see knowledge/anct/SOURCE.md)."""

from .directory import Directory, LocalContact
from .france_services import FranceServices, Site, distance_km
from .manifest import TableInfo, french_date
from .tables import AnctTables, check_tables, stale_tables

__all__ = [
    "AnctTables",
    "Directory",
    "FranceServices",
    "LocalContact",
    "Site",
    "TableInfo",
    "check_tables",
    "distance_km",
    "french_date",
    "stale_tables",
]
