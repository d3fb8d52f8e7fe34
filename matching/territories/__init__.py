"""Territories: INSEE reference tables and place understanding in free text.

Pure (no network, no storage): the tables are files under knowledge/territoires/ built by
scripts/build_territories.py, so the same message always yields the same place.
"""

from .resolver import PlaceResolution, PlaceResolver, resolution_json
from .settle import settle_homonym
from .text import name_key

__all__ = ["PlaceResolution", "PlaceResolver", "name_key", "resolution_json", "settle_homonym"]
