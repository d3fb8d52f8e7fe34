"""Validation rules beyond the schema: territory codes that exist, dates not in the future,
one APEC delegation per région.

Why: the schema accepts any string as a code and any date, so `regions: ["99"]` left
Bretagne without its delegation and `reviewed: 2099-01-01` passed as "relu". Each rule is a
function `(model, located) -> problems`, run by the loader on every validated model while the
file's line numbers are at hand; `KnowledgeRules` bundles them with the territory tables and
today's date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from .loader import Located
from .problems import Problem
from .schema import ContactsFile
from .territories.tables import Tables
from .yamlsafe import Loc

__all__ = ["PAST_DATE_FIELDS", "KnowledgeRules", "delegations_cover_each_region_once", "past_dates"]

# Dates that record something already done: a review, a source's statement, an update.
PAST_DATE_FIELDS = frozenset({"reviewed", "as_of", "updated"})
# Fields holding territory codes, by what they name.
REGION_FIELDS = frozenset({"region", "regions"})
DEPARTEMENT_FIELDS = frozenset({"departement", "departements"})
PERIMETER_FIELDS = frozenset({"perimeter"})
CODE_FIELDS = REGION_FIELDS | DEPARTEMENT_FIELDS | PERIMETER_FIELDS

PERIMETER_CODE = re.compile(
    r"^(?:R(?P<region>[0-9]{2})|D(?P<dep>[0-9]{2,3}|2[AB])|E(?P<epci>[0-9]{9})|"
    r"(?P<commune>[0-9][0-9AB][0-9]{3}))$"
)
PERIMETER_FORMAT = "format attendu : R53 (région), D22 (département), E200067106 (EPCI) ou 22070 (commune)"


def _fields(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str, object]]:
    """(location, field name, value) of every field, nested models and lists included."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = (*loc, name)
        yield here, name, value
        if isinstance(value, BaseModel):
            yield from _fields(value, here)
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _fields(item, (*here, i))


def past_dates(model: BaseModel, at: Located, today: dt.date) -> Iterator[Problem]:
    """`reviewed`, `as_of` and `updated` cannot be later than today."""
    for loc, name, value in _fields(model):
        if name in PAST_DATE_FIELDS and isinstance(value, dt.date) and value > today:
            yield at.problem(
                loc,
                f"date dans le futur ({value.isoformat()}, nous sommes le {today.isoformat()}) : "
                "indiquez la date à laquelle c'est réellement fait",
            )


def _codes(value: object) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield (), value
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield (i,), item


def _perimeter_message(code: str, tables: Tables | None) -> str | None:
    match = PERIMETER_CODE.match(code)
    if match is None:
        return f"code de périmètre invalide « {code} » ({PERIMETER_FORMAT})"
    if tables is None:
        return None
    if match["region"] and match["region"] not in tables.regions:
        return f"code de périmètre « {code} » : région {match['region']} inconnue"
    if match["dep"] and match["dep"] not in tables.departements:
        return f"code de périmètre « {code} » : département {match['dep']} inconnu"
    if match["epci"] and match["epci"] not in tables.epcis:
        return f"code de périmètre « {code} » : aucun EPCI n'a le SIREN {match['epci']}"
    if match["commune"] and match["commune"] not in tables.commune_rows:
        return f"code de périmètre « {code} » : aucune commune n'a le code INSEE {match['commune']}"
    return None


def _code_message(name: str, code: str, tables: Tables | None) -> str | None:
    """Why a code in field `name` is wrong, or None (région and département codes need tables)."""
    if name in PERIMETER_FIELDS:
        return _perimeter_message(code, tables)
    if tables is None:
        return None
    if name in REGION_FIELDS and code not in tables.regions:
        return f"code de région INSEE inconnu « {code} » (par exemple « 53 » : Bretagne)"
    if name in DEPARTEMENT_FIELDS and code not in tables.departements:
        return f"code de département inconnu « {code} » (par exemple « 22 », « 2A », « 974 »)"
    return None


def territory_codes(model: BaseModel, at: Located, tables: Tables | None) -> Iterator[Problem]:
    """Région, département and perimeter codes exist in the territory tables (the format of
    perimeter codes is checked even without tables)."""
    for loc, name, value in _fields(model):
        if name in CODE_FIELDS:
            for rel, code in _codes(value):
                message = _code_message(name, code, tables)
                if message:
                    yield at.problem((*loc, *rel), message)


def delegations_cover_each_region_once(model: BaseModel, at: Located) -> Iterator[Problem]:
    """A région belongs to one APEC delegation: with two, routing would silently pick the last."""
    if not isinstance(model, ContactsFile):
        return
    owner: dict[str, str] = {}
    for i, delegation in enumerate(model.apec_delegations):
        for j, code in enumerate(delegation.regions):
            if code in owner and owner[code] != delegation.id:
                yield at.problem(
                    ("apec_delegations", i, "regions", j),
                    f"la région « {code} » est déjà couverte par la délégation « {owner[code]} »",
                )
            owner.setdefault(code, delegation.id)


@dataclass(frozen=True)
class KnowledgeRules:
    """Every rule, for the loader's `check` hook: `load_knowledge(directory, check=rules)`."""

    today: dt.date
    tables: Tables | None = None

    def __call__(self, model: BaseModel, at: Located) -> Iterable[Problem]:
        yield from past_dates(model, at, self.today)
        yield from territory_codes(model, at, self.tables)
        yield from delegations_cover_each_region_once(model, at)
