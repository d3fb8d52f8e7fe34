"""The replies to follow-ups and conversation words: politeness, contacts, facts, details.

Pure builders: they take what the dialogue already knows (entry, contacts, place) and return
`Reply` objects; wording lives here, layout in `bot.render`.
"""

from __future__ import annotations

from collections.abc import Sequence

from matching import Contact, Entry, Fact, Territory
from matching.followups import ContactDetail
from matching.schema import FactKind

from .model import Choice, Reply, action, label

__all__ = [
    "FACET_LABELS",
    "NO_CHOICE",
    "contacts_reply",
    "details_reply",
    "facts_for",
    "facts_reply",
    "missing_details",
    "polite",
]

FACET_LABELS: dict[str, str] = {
    "amount": "montant",
    "eligibility": "conditions",
    "audience": "public visé",
    "deadline": "date limite",
    "duration": "durée",
    "procedure": "démarche",
    "status": "actualité",
}
# What answers a question on one facet: "quelles conditions ?" is answered by who is eligible
# and for whom the offer is; "jusqu'à quand ?" by a deadline or the programme's status.
_ANSWERED_BY: dict[str, tuple[FactKind, ...]] = {
    "amount": ("amount",),
    "eligibility": ("eligibility", "audience"),
    "audience": ("audience", "eligibility"),
    "deadline": ("deadline", "status"),
    "duration": ("duration",),
    "procedure": ("procedure",),
    "status": ("status", "deadline"),
}

_DETAIL_LABELS: dict[str, str] = {"email": "courriel", "phone": "téléphone", "address": "adresse postale"}
_POLITE = {
    "greeting": "Bonjour ! Décrivez en une phrase le besoin de votre collectivité "
    "(par exemple « recruter un chef de projet Petites villes de demain »), avec votre commune "
    "si vous voulez le bon contact.",
    "thanks": "Avec plaisir ! Si vous avez une autre question, écrivez-la simplement.",
    "acknowledgement": "Très bien. Une autre question ? Écrivez-la simplement.",
    "goodbye": "Au revoir, et bonne continuation dans vos projets !",
}
NO_CHOICE = (
    "Je n'ai pas de choix numéroté en cours. Écrivez votre besoin en quelques mots, "
    "par exemple « recruter un manager de centre-ville »."
)


def polite(social: str | None) -> Reply:
    """A short reply to a greeting, thanks, an acknowledgement or a goodbye (never a need)."""
    return Reply("chitchat", _POLITE.get(social or "acknowledgement", _POLITE["acknowledgement"]))


def facts_for(entry: Entry, facets: Sequence[str]) -> tuple[Fact, ...]:
    """The entry's facts that answer the asked facets, in the entry's order, without repeats."""
    kinds: list[str] = []
    for facet in facets:
        for kind in _ANSWERED_BY.get(facet, ()):
            if kind not in kinds:
                kinds.append(kind)
    return tuple(f for f in entry.facts if f.kind in kinds)


def _asked(facets: Sequence[str]) -> str:
    names = [FACET_LABELS[f] for f in facets if f in FACET_LABELS]
    return ", ".join(names) if names else "cette question"


def facts_reply(
    entry: Entry,
    facets: Sequence[str],
    contacts: tuple[Contact, ...],
    territory: Territory | None,
) -> Reply:
    """The sourced facts asked about, or an honest "not sourced" with whom to ask instead."""
    facts = facts_for(entry, facets)
    more = (Choice("En savoir plus", action("m", entry.id)),)
    if facts:
        asked = _asked(facets)
        if list(facets) == ["deadline"] and not any(f.kind == "deadline" or f.until for f in facts):
            # "jusqu'à quand ?" answered by a status only: say there is no end date, not "date limite :"
            asked = "aucune date limite dans les sources ; à savoir"
        return Reply(
            "facts",
            f"{entry.title} — {asked} :",
            entry=entry,
            facts=facts,
            contacts=contacts,
            territory=territory,
            choices=more,
        )
    if "procedure" in facets:
        # The next step of the entry is the procedure the catalogue documents.
        return Reply(
            "facts",
            f"{entry.title} — démarche : {entry.next_steps}",
            entry=entry,
            contacts=contacts,
            territory=territory,
            choices=more,
        )
    others = sorted({FACET_LABELS[f.kind] for f in entry.facts})
    known = f" Je peux vous indiquer : {', '.join(others)}." if others else ""
    ask = (
        "Le plus sûr est de poser la question à :"
        if contacts
        else "Le plus sûr est de la poser aux contacts ci-dessus."
    )
    return Reply(
        "facts",
        f"Je n'ai pas cette information sourcée ({_asked(facets)}) pour « {entry.title} ».{known} {ask}",
        entry=entry,
        contacts=contacts,
        territory=territory,
        choices=more,
    )


def contacts_reply(
    entry: Entry,
    contacts: tuple[Contact, ...],
    territory: Territory | None,
    asked: Sequence[ContactDetail] = (),
) -> Reply:
    """Whom to contact for the entry, with every detail the knowledge has (and the relays);
    a detail `asked` for by name that the sources lack for a contact is said missing first."""
    where = f" ({territory.label()})" if territory is not None else ""
    return Reply(
        "contacts",
        f"{missing_details(contacts, asked)}Pour « {entry.title} »{where}, à contacter :",
        entry=entry,
        contacts=contacts,
        territory=territory,
        choices=(Choice("En savoir plus", action("m", entry.id)),),
    )


def missing_details(contacts: Sequence[Contact], asked: Sequence[ContactDetail]) -> str:
    """ "Pas de courriel dans nos sources pour Apec Bretagne (sa page web : …). " for each detail
    asked that some contacts lack; never a guessed address or number. Empty when none lacks."""
    said: list[str] = []
    for detail in asked:
        lacking = [c for c in contacts if not getattr(c, detail)]
        if not lacking:
            continue
        names = [c.organisation + (f" (sa page web : {c.url})" if c.url else "") for c in lacking]
        said.append(f"Pas de {_DETAIL_LABELS[detail]} dans nos sources pour {_joined(names)}.")
    return " ".join(said) + "\n" if said else ""


def _joined(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ni pour " + names[-1]


def details_reply(
    entry: Entry,
    related: tuple[Entry, ...],
    contacts: tuple[Contact, ...],
    territory: Territory | None,
) -> Reply:
    """The entry in full: description, sourced facts, related programmes, contacts and relays."""
    choices = tuple(Choice(label("Voir : " + e.title), action("e", e.id)) for e in related)
    return Reply(
        "details",
        entry=entry,
        related=related,
        contacts=contacts,
        territory=territory,
        facts=tuple(entry.facts),
        choices=choices,
    )
