"""Pydantic models of the knowledge files that admins edit by hand.

`extra="forbid"` everywhere: a misspelt field name is reported, not silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

EntryKind = Literal["apec_offer", "anct_programme", "service_public", "aide"]
ContactKind = Literal["apec_delegation", "anct_delegate", "national_referent", "conseil_regional"]
Reliability = Literal["V", "P"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a fact comes from: a public URL or an article of the ANCT–APEC agreement."""

    label: str = Field(min_length=3)
    url: str | None = None
    reliability: Reliability = "V"


FactKind = Literal["amount", "audience", "eligibility", "duration", "deadline", "procedure", "status"]


class Fact(_Strict):
    """A structured, sourced fact of an entry, shown on demand ("c'est combien ?", "jusqu'à
    quand ?", "qui est éligible ?") rather than on every card; time-bound facts carry dates."""

    kind: FactKind = Field(
        description="amount (montant), audience (pour qui), eligibility (conditions), duration (durée), "
        "deadline (date limite, fin), procedure (démarche), status (suspension, fin, reconduction)."
    )
    text: str = Field(min_length=10, description="The fact in French, as shown to the user.")
    as_of: dt.date | None = Field(default=None, description="Date the source states the fact (shown).")
    until: dt.date | None = Field(default=None, description="End date of a time-bound fact (shown).")
    source: Source


class Rules(_Strict):
    """Explicit routing rules, matched as whole phrases on the normalised message."""

    boost: list[str] = Field(default_factory=list, description="Phrases that strongly point to this entry.")
    exclude: list[str] = Field(default_factory=list, description="Phrases that rule this entry out.")
    require_any: list[str] = Field(
        default_factory=list,
        description="If set, the entry is only proposed when one of these phrases is present.",
    )
    population_max: int | None = Field(
        default=None,
        ge=0,
        description="Au-delà de cette population (commune nommée), l'entrée passe après les autres "
        "(ex. 20000 pour Petites villes de demain).",
    )
    population_min: int | None = Field(
        default=None, ge=0, description="En deçà de cette population, l'entrée passe après les autres."
    )
    members_of: list[str] = Field(
        default_factory=list,
        description="Programmes (identifiants du catalogue) dont les membres sont servis en priorité "
        "(ex. recruter le chef de projet d'une commune anct-petites-villes-de-demain).",
    )


class Entry(_Strict):
    """One APEC offer, ANCT programme or public aid of the catalogue."""

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=58)
    kind: EntryKind
    title: str = Field(min_length=3)
    summary: str = Field(min_length=20, max_length=400)
    description: str = Field(min_length=20)
    audience: list[str] = Field(min_length=1)
    themes: list[str] = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    examples: list[str] = Field(min_length=3)
    related: list[str] = Field(default_factory=list)
    contact: ContactKind
    next_steps: str = Field(min_length=10, description="What the collectivity should do next, in French.")
    rules: Rules = Field(default_factory=Rules)
    sources: list[Source] = Field(min_length=1)
    reviewed: dt.date
    url: str | None = None
    perimeter: list[str] = Field(
        default_factory=list,
        description="INSEE codes (région 'R84', département 'D22', commune '22070'); empty = national.",
    )
    deadline: dt.date | None = None
    facts: list[Fact] = Field(default_factory=list, description="Sourced facts shown on demand.")
    answers: list[str] = Field(
        default_factory=list,
        description="Besoins auxquels l'entrée répond, en concepts de vocabulaire.yaml : « recruter+chef-de-projet » "
        "(tous les concepts présents), ou un seul concept « station-de-ski ».",
    )
    not_for: list[str] = Field(
        default_factory=list,
        description="Publics ou objets que l'entrée ne sert pas (concepts) : « lyceens », « agent-non-cadre ».",
    )


class CatalogueFile(_Strict):
    """A catalogue file: a list of entries."""

    entries: list[Entry] = Field(min_length=1)


class Conversation(_Strict):
    """Conversation words: what a message says besides a need (greetings, thanks, who is writing),
    and the phrases that open a second need in the same message."""

    greeting: list[str] = Field(default_factory=list, description="Salutations : « bonjour », « slt »…")
    thanks: list[str] = Field(default_factory=list, description="Remerciements : « merci », « mrc »…")
    acknowledgement: list[str] = Field(
        default_factory=list, description="Accusés de réception : « ok », « d'accord », « parfait »…"
    )
    goodbye: list[str] = Field(
        default_factory=list, description="Formules de fin : « au revoir », « bonne journée »…"
    )
    identity: list[str] = Field(
        default_factory=list,
        description="Mots qui disent qui écrit ou d'où (« je suis le maire », « mairie de », « ici la comcom ») "
        "sans exprimer de besoin.",
    )
    filler: list[str] = Field(
        default_factory=list,
        description="Formules de courrier sans besoin (« je me permets de vous écrire », « merci d'avance ») : "
        "retirées du message avant la recherche, comme les salutations et remerciements.",
    )
    separators: list[str] = Field(
        default_factory=list,
        description="Expressions qui ouvrent un second besoin dans le même message (« et aussi », « par ailleurs »).",
    )
    asking: list[str] = Field(
        default_factory=list,
        description="Mots qui font d'un message une demande même quand le reste ne dit que qui écrit "
        "(« on cherche une secrétaire de mairie » est un besoin, « je suis secrétaire de mairie » non).",
    )


ConceptKind = Literal["intent", "object", "audience", "outside", "question", "purpose"]
CONCEPT_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Concept(_Strict):
    """A need's building block, as people say it: an intent (recruter, financer…), an object
    (chef de projet, station de ski…) or an audience (cadres, lycéens…), with its surface forms.
    Entries declare which combinations they answer (`answers`) and which audiences they do
    not serve (`not_for`)."""

    kind: ConceptKind = Field(
        description="intent (ce qu'on veut faire), object (de quoi on parle), audience (des personnes : pour qui, "
        "ou qui l'on cherche — la première nommée après l'intention décide), outside "
        "(besoin que le catalogue ne sert pas), question (tournure de question, « peut-on », « le maire "
        "peut-il » : jamais un besoin à elle seule, elle sert à `with_any`), purpose (la mission d'une personne "
        "cherchée, « pour piloter », « pour animer » : le programme nommé juste après est le sujet de sa mission, "
        "pas le besoin)."
    )
    label: str = Field(min_length=2, description="Nom lisible du concept, en français.")
    forms: list[str] = Field(
        min_length=1,
        description="Façons de le dire : mots, expressions, fautes fréquentes, formulations indirectes "
        "(« aucune candidature »). Minuscules, sans accents. Une forme faite de mots outils et d'un seul mot "
        "plein (« a-t-on le droit », « peut-on ») est lue mot à mot, mots outils compris.",
    )
    with_any: list[str] = Field(
        default_factory=list,
        description="Le concept ne compte que si le message contient aussi l'un de ces concepts : "
        "« compétence » n'est une question de droit qu'avec une tournure comme « peut-on ».",
    )
    population_min: int | None = Field(
        default=None,
        ge=0,
        description="Le concept est aussi trouvé quand le message donne pour sa commune une population d'au moins "
        "ce nombre d'habitants (avec `population_max` : une fourchette ; « ville de 32 000 habitants » : ville moyenne).",
    )
    population_max: int | None = Field(
        default=None,
        ge=0,
        description="Le concept est aussi trouvé quand le message donne pour sa commune une population d'au plus "
        "ce nombre d'habitants (« commune de 600 habitants » : petite commune rurale).",
    )


class Vocabulary(_Strict):
    """Abbreviations, synonyms and stop words used to normalise messages; conversation words;
    concepts (intents, objects, audiences) that entries declare they answer."""

    abbreviations: dict[str, str] = Field(default_factory=dict, description="Abbreviation -> expansion.")
    synonyms: dict[str, list[str]] = Field(
        default_factory=dict, description="Canonical phrase -> variants that mean the same thing."
    )
    stop_words: list[str] = Field(default_factory=list)
    conversation: Conversation = Field(default_factory=Conversation)
    context_words: list[str] = Field(
        default_factory=list,
        description="Mots de récit et de contexte (« habitants », « depuis », « annee ») qui pèsent peu dans "
        "le classement : ils décrivent la situation, pas le besoin.",
    )
    concepts: dict[str, Concept] = Field(
        default_factory=dict, description="Identifiant (minuscules et tirets) -> concept et ses formes."
    )

    @field_validator("concepts")
    @classmethod
    def _concept_ids(cls, value: dict[str, Concept]) -> dict[str, Concept]:
        bad = [k for k in value if not re.match(CONCEPT_ID, k)]
        if bad:
            raise ValueError(f"identifiant de concept invalide « {bad[0]} » : minuscules, chiffres et tirets")
        return value


class NationalReferent(_Strict):
    """A national referent named in the agreement (article 7)."""

    id: str
    organisation: str
    role: str
    name: str
    source: str


class ApecDelegation(_Strict):
    """An APEC regional delegation or overseas office and the régions it covers (INSEE codes)."""

    id: str
    name: str
    regions: list[str] = Field(min_length=1)
    sites: list[str] = Field(default_factory=list)
    url: str | None = None
    reliability: Reliability = "V"
    note: str | None = None
    sources: list[str] = Field(min_length=1)


class RoleTemplate(_Strict):
    """A role filled in for a territory, e.g. 'le préfet de {departement}'."""

    organisation: str
    role: str
    url: str | None = None
    note: str | None = None
    source: str


class ContactsFile(_Strict):
    """Who to contact: referents, APEC delegations, and role templates for the ANCT and the Région."""

    national_referents: list[NationalReferent] = Field(min_length=1)
    apec_national: RoleTemplate
    apec_delegations: list[ApecDelegation] = Field(min_length=1)
    anct_delegate: RoleTemplate
    conseil_regional: RoleTemplate
    fse_plus: RoleTemplate | None = Field(
        default=None, description="FSE+ (insertion, emploi): DREETS, conseil départemental, PLIE."
    )
    mayotte_funds: RoleTemplate | None = Field(
        default=None, description="Mayotte: the préfecture is the managing authority of European funds."
    )


class OrientationRule(_Strict):
    """The right door for a frequent need outside the catalogue (answer `no_match` + orientation)."""

    id: str = Field(pattern=CONCEPT_ID)
    when: list[list[str]] = Field(
        min_length=1,
        description="Combinaisons de concepts (toutes présentes) qui déclenchent l'orientation ; "
        "plusieurs combinaisons possibles.",
    )
    organisation: str = Field(min_length=3)
    why: str = Field(min_length=10, description="Pourquoi c'est la bonne porte, en français.")
    url: str | None = None
    source: Source


class OrientationsFile(_Strict):
    """`orientations.yaml`: right doors for frequent out-of-scope needs, each sourced."""

    orientations: list[OrientationRule] = Field(default_factory=list)
