"""Follow-ups: what a message written after an answer asks about that answer.

"c'est qui le contact ?", "c'est combien ?", "jusqu'à quand ?", "non c'est pas ça", "et pour
Brest ?" only make sense against the previous answer, so they are recognised before the message
is scored as a need. The phrases live in `knowledge/relances.yaml`, edited by admins and validated
by the `FollowUpPhrases` model; this reader matches them on folded words, longest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .loader import french_message
from .normalise import words
from .phrases import phrase_at, phrase_index
from .problems import KnowledgeError, Problem
from .schema import FactKind
from .yamlsafe import Lines, field_name, line_for, read_yaml

__all__ = [
    "ContactDetail",
    "FOLLOWUPS_FILE",
    "FollowUp",
    "FollowUpKind",
    "FollowUpPhrases",
    "FollowUpReader",
    "load_followups",
    "spellings",
]

FOLLOWUPS_FILE = "relances.yaml"

FollowUpKind = Literal["on_behalf", "contact", "facts", "more", "other", "intercommunality", "new_place"]
# A contact detail asked for by name ("le mail ?", "un numéro ?"): the reply says which
# contacts the sources give none for, instead of leaving the user to notice it is missing.
ContactDetail = Literal["email", "phone", "address"]
_DETAILS: tuple[ContactDetail, ...] = ("email", "phone", "address")
# When a message carries several kinds, the one answered first (a request to act for the user
# is said impossible before anything else; facts and contacts are precise
# questions; "autre chose" and "en savoir plus" are vaguer; "la comcom" and "et pour" only
# open a place).
_PRIORITY: tuple[FollowUpKind, ...] = (
    "on_behalf",
    "facts",
    "contact",
    "other",
    "more",
    "intercommunality",
    "new_place",
)
# Elided words ("c'est", "qu'il", "j'appelle"): agents often type them glued ("cest qui",
# "quil faut", "jappelle qui"), so each phrase is also read with them glued to the next word.
_ELIDED = frozenset({"c", "d", "j", "jusqu", "l", "m", "n", "qu", "s", "t"})
_FACT_KINDS: tuple[FactKind, ...] = (
    "amount",
    "eligibility",
    "audience",
    "deadline",
    "duration",
    "procedure",
    "status",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactPhrases(_Strict):
    """Phrases asking for one kind of fact of the last answer's entry."""

    amount: list[str] = Field(default_factory=list, description="Montant : « combien », « quel montant »…")
    eligibility: list[str] = Field(
        default_factory=list, description="Conditions : « conditions », « eligible »…"
    )
    audience: list[str] = Field(default_factory=list, description="Pour qui : « pour qui », « qui peut »…")
    deadline: list[str] = Field(default_factory=list, description="Date limite : « jusqu'a quand »…")
    duration: list[str] = Field(default_factory=list, description="Durée : « combien de temps », « duree »…")
    procedure: list[str] = Field(default_factory=list, description="Démarche : « comment faire »…")
    status: list[str] = Field(default_factory=list, description="Actualité : « toujours en cours »…")


class DetailPhrases(_Strict):
    """Contact questions that name the detail wanted (also read as a contact question)."""

    email: list[str] = Field(default_factory=list, description="Courriel : « le mail », « courriel »…")
    phone: list[str] = Field(default_factory=list, description="Téléphone : « le numero », « tel »…")
    address: list[str] = Field(default_factory=list, description="Adresse postale : « l'adresse »…")


class FollowUpPhrases(_Strict):
    """The file `relances.yaml`: phrases, written without accents, that refer to the last answer."""

    contact: list[str] = Field(
        default_factory=list, description="Demande du contact : « c'est qui le contact », « un numero »…"
    )
    details: DetailPhrases = Field(default_factory=DetailPhrases)
    on_behalf: list[str] = Field(
        default_factory=list,
        description="Demande d'agir à sa place : « tu peux remplir le dossier », « prendre rendez-vous pour nous »…",
    )
    facts: FactPhrases = Field(default_factory=FactPhrases)
    more: list[str] = Field(default_factory=list, description="Plus de détails : « en savoir plus »…")
    other: list[str] = Field(
        default_factory=list, description="Autre piste : « c'est pas ca », « autre chose »…"
    )
    intercommunality: list[str] = Field(
        default_factory=list,
        description="Même besoin, pour l'intercommunalité de la commune retenue : « la comcom », « l'interco »…",
    )
    new_place: list[str] = Field(
        default_factory=list, description="Même besoin, autre lieu : « et pour », « pareil a »…"
    )


# What a phrase means: its kind, the fact asked (facts) and the contact detail named (contact).
_Meaning = tuple[FollowUpKind, FactKind | None, ContactDetail | None]


@dataclass(frozen=True)
class FollowUp:
    """What a message asks about the previous answer; `rest` is the message without the
    follow-up phrases (a place, or a new need the caller may still read)."""

    kind: FollowUpKind
    facets: tuple[FactKind, ...] = ()
    rest: str = ""
    details: tuple[ContactDetail, ...] = ()


class FollowUpReader:
    """Finds follow-up phrases in a message (whole words, accents and case ignored)."""

    def __init__(self, phrases: FollowUpPhrases) -> None:
        table: dict[tuple[str, ...], _Meaning] = {}
        simple: dict[FollowUpKind, list[str]] = {
            "on_behalf": phrases.on_behalf,
            "contact": phrases.contact,
            "more": phrases.more,
            "other": phrases.other,
            "intercommunality": phrases.intercommunality,
            "new_place": phrases.new_place,
        }
        for fact in _FACT_KINDS:
            for value in getattr(phrases.facts, fact):
                for key in spellings(tuple(words(value))):
                    table.setdefault(key, ("facts", fact, None))
        for detail in _DETAILS:
            for value in getattr(phrases.details, detail):
                for key in spellings(tuple(words(value))):
                    table.setdefault(key, ("contact", None, detail))
        for kind, values in simple.items():
            for value in values:
                for key in spellings(tuple(words(value))):
                    table.setdefault(key, (kind, None, None))
        self._by_first = phrase_index(table)

    def read(self, text: str) -> FollowUp | None:
        """The follow-up the message carries, or None when it has no follow-up phrase."""
        tokens = words(text)
        kinds: set[FollowUpKind] = set()
        facets: list[FactKind] = []
        details: list[ContactDetail] = []
        rest: list[str] = []
        i = 0
        while i < len(tokens):
            found = phrase_at(self._by_first, tokens, i)
            if found is None:
                rest.append(tokens[i])
                i += 1
                continue
            size, (kind, facet, detail) = found
            kinds.add(kind)
            if facet is not None and facet not in facets:
                facets.append(facet)
            if detail is not None and detail not in details:
                details.append(detail)
            i += size
        if not kinds:
            return None
        kind = next(k for k in _PRIORITY if k in kinds)
        return FollowUp(kind=kind, facets=tuple(facets), rest=" ".join(rest), details=tuple(details))

    @property
    def empty(self) -> bool:
        return not self._by_first


def spellings(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A phrase as written, then with its elided words glued to the next ("c est qui" →
    "cest qui"); empty for an empty phrase."""
    if not key:
        return []
    if len(key) == 1:
        return [key]
    head, rest = key[0], key[1:]
    found = [(head, *tail) for tail in spellings(rest)]
    if head in _ELIDED:
        found += spellings((head + rest[0], *rest[1:]))
    return found


def load_followups(directory: Path) -> FollowUpPhrases:
    """Reads `relances.yaml` from a knowledge directory (absent: no follow-up phrases);
    raises KnowledgeError with file:line for a broken file."""
    path = directory / FOLLOWUPS_FILE
    if not path.exists():
        return FollowUpPhrases()
    document = read_yaml(path, directory)
    try:
        return FollowUpPhrases.model_validate(document.data if document.data is not None else {})
    except ValidationError as exc:
        raise KnowledgeError(_problems(exc, path, document.lines)) from exc


def _problems(exc: ValidationError, path: Path, lines: Lines) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        problems.append(Problem(str(path), line_for(loc, lines), field_name(loc), french_message(err)))
    return problems


def fact_kinds() -> Sequence[FactKind]:
    """Every fact kind, in the order facts are shown."""
    return _FACT_KINDS
