"""Answer models: the JSON contract shared by the command line, the Telegram bot and the benchmarks.

Kept separate from the knowledge schema because callers depend on these keys, not on how
admins write YAML.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

# match / ambiguous / no_match: a need was read (or not). chitchat: greetings, thanks,
# acknowledgements — conversation words, not a need. place_only: the message only gives a place
# or an identity ("je suis le maire de Pontivy"); the place is resolved, no entry is proposed.
Status = Literal["match", "ambiguous", "no_match", "chitchat", "place_only"]
# Which conversation words a message carries (set with status "chitchat", and possibly alongside
# "place_only" as in "bonjour, mairie de Vannes").
Social = Literal["greeting", "thanks", "acknowledgement", "goodbye"]
Level = Literal["commune", "epci", "departement", "region"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Ref(_Frozen):
    """A named administrative unit (département, région, EPCI) by its official code."""

    code: str
    name: str


class ProgrammeStatus(_Frozen):
    """Whether a commune is on a dated official programme list ("liste ANCT de janvier 2021").
    Absent from a list is not "outside the programme": lists change; the date says which."""

    programme: str
    title: str
    member: bool
    source: str
    date: str


class Territory(_Frozen):
    """A place understood in a message, with what contact routing needs."""

    level: Level
    code: str
    name: str
    departement: Ref | None = None
    region: Ref | None = None
    epci: Ref | None = None
    population: int | None = None
    programmes: tuple[str, ...] = ()
    # For a commune: its status on each dated programme list the knowledge holds (PVD, ACV).
    programme_lists: tuple[ProgrammeStatus, ...] = ()

    def label(self) -> str:
        """Human label, e.g. "Guingamp (22)" or "Occitanie"."""
        if self.level == "commune" and self.departement is not None:
            return f"{self.name} ({self.departement.code})"
        return self.name


class Ranked(_Frozen):
    """One catalogue entry ranked for a query."""

    id: str
    kind: str
    title: str
    score: float
    reasons: tuple[str, ...] = ()


class Contact(_Frozen):
    """Whom to contact: an organisation and a role, never an invented person or number."""

    id: str
    organisation: str
    role: str
    name: str | None = None
    scope: str
    territory: Ref | None = None
    url: str | None = None
    note: str | None = None
    reliability: str | None = None
    for_entries: tuple[str, ...] = ()
    # Details a person can act on, only where an official source gives them (never invented):
    # a switchboard or service phone, a service mailbox (never a person's), a postal address,
    # the date the source was last updated (ISO), and the source's label.
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    updated: str | None = None
    source: str | None = None
    # For a place to go to (a France services site): distance from the user's commune, and
    # the weekly opening hours as published, Monday first ("" = closed or not given); the
    # caller picks today's, since `matching` never reads the clock.
    distance_km: float | None = None
    hours: tuple[str, ...] = ()


class Orientation(_Frozen):
    """The right door for a frequent need outside the catalogue (e.g. hiring non-cadre
    territorial staff → the centre de gestion): shown with `status: no_match`."""

    organisation: str
    why: str
    url: str | None = None
    source: str


class Answer(_Frozen):
    """What the engine says about one message."""

    query: str
    status: Status
    results: tuple[Ranked, ...] = ()
    territory: Territory | None = None
    territory_candidates: tuple[Territory, ...] = ()
    contacts: tuple[Contact, ...] = ()
    orientation: Orientation | None = None
    social: Social | None = None
    # One answer per need when a message carries several ("un VTA et aussi recruter un manager"),
    # in the order written; the top-level keys describe the first need. Empty for a single need.
    needs: tuple[Answer, ...] = ()

    @property
    def top(self) -> Ranked | None:
        return self.results[0] if self.results else None

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object (keys are a contract)."""
        return self.model_dump(mode="json")
