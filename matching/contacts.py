"""Contact routing: which organisation and role to contact for an entry in a territory.

Contacts are organisations and roles from `knowledge/contacts.yaml`, filled in for the place:
the APEC delegation covering the région, the préfet of the département (the ANCT's territorial
delegate), the Conseil régional for European funds. Never a person invented for a place.
"""

from __future__ import annotations

from collections.abc import Callable

from .answer import Contact, Ref, Territory
from .normalise import fold
from .schema import ContactsFile, Entry

__all__ = ["ContactRouter", "de_form", "de_region"]

# Département names whose French article is not the feminine default "de la".
_MASCULINE = {
    "nord",
    "cher",
    "doubs",
    "finistere",
    "gard",
    "gers",
    "jura",
    "lot",
    "lot et garonne",
    "loiret",
    "morbihan",
    "pas de calais",
    "puy de dome",
    "rhone",
    "tarn",
    "tarn et garonne",
    "var",
    "val d oise",
    "val de marne",
    "calvados",
    "cantal",
    "haut rhin",
    "bas rhin",
    "maine et loire",
    "loir et cher",
    "vaucluse",
    "territoire de belfort",
    "aveyron",
}
_PLURAL_PREFIXES = (
    "alpes",
    "bouches",
    "cotes",
    "deux",
    "hautes",
    "hauts",
    "pyrenees",
    "ardennes",
    "landes",
    "vosges",
    "yvelines",
)
_NO_ARTICLE = {"paris", "mayotte"}
_WITH_ARTICLE = {"la reunion": "de La Réunion"}


# Régions whose council is a single territorial collectivity with its own name.
_REGION_COLLECTIVITIES = {
    "94": "Collectivité de Corse",
    "02": "Collectivité territoriale de Martinique",
    "03": "Collectivité territoriale de Guyane",
    "06": "Département de Mayotte",
}
_REGION_DE = {
    "hauts de france": "des Hauts-de-France",
    "pays de la loire": "des Pays de la Loire",
    "centre val de loire": "du Centre-Val de Loire",
    "grand est": "du Grand Est",
    "la reunion": "de La Réunion",
}


def de_region(name: str) -> str:
    """'de' + article for a région: "de Bretagne", "d'Occitanie", "des Hauts-de-France"."""
    key = fold(name)
    if key in _REGION_DE:
        return _REGION_DE[key]
    return f"d'{name}" if key[:1] in set("aeiouy") else f"de {name}"


def de_form(name: str) -> str:
    """'de' + article for a département or région name: "des Côtes-d'Armor", "du Nord", "de l'Aisne"."""
    key = fold(name)
    if key in _WITH_ARTICLE:
        return _WITH_ARTICLE[key]
    if key in _NO_ARTICLE:
        return f"de {name}"
    if key.split(" ")[0] in _PLURAL_PREFIXES:
        return f"des {name}"
    if key in _MASCULINE:
        return f"de l'{name}" if key[0] in "aeiouy" else f"du {name}"
    if key[:1] in set("aeiouyh") and not key.startswith(("haute ", "haut ", "hauts ")):
        return f"de l'{name}"
    return f"de la {name}"


class ContactRouter:
    """Fills the contact templates for an entry and a territory."""

    def __init__(self, contacts: ContactsFile, prefecture: Callable[[str], str | None] | None = None) -> None:
        self.contacts = contacts
        self._prefecture = prefecture or (lambda _code: None)
        self._delegation_by_region = {r: d for d in contacts.apec_delegations for r in d.regions}

    def route(self, entry: Entry, territory: Territory | None) -> tuple[Contact, ...]:
        """Contacts for an entry, most specific first."""
        kind = entry.contact
        if kind == "apec_delegation":
            # The agreement has the ANCT's delegate mobilise APEC's delegations: once the
            # département is known, the préfet is named too.
            if territory is not None and territory.departement is not None:
                return (self.apec(territory, entry.id), self.anct(territory, entry.id))
            return (self.apec(territory, entry.id),)
        if kind == "anct_delegate":
            return (self.anct(territory, entry.id),)
        if kind == "conseil_regional":
            return (self.region_council(territory, entry.id), self.anct(territory, entry.id))
        return self.referents(entry.id)

    def referents(self, entry_id: str = "") -> tuple[Contact, ...]:
        """The two national referents of the agreement (article 7)."""
        return tuple(
            Contact(
                id=r.id,
                organisation=r.organisation,
                role=r.role,
                name=r.name,
                scope="national",
                note=f"Source : {r.source}",
                for_entries=(entry_id,) if entry_id else (),
            )
            for r in self.contacts.national_referents
        )

    def apec(self, territory: Territory | None, entry_id: str = "") -> Contact:
        """The APEC delegation covering the territory's région, or the national contact."""
        national = self.contacts.apec_national
        ids = (entry_id,) if entry_id else ()
        region = territory.region if territory else None
        if region is None:
            return Contact(
                id="apec-delegation",
                organisation="Apec",
                role="Délégation régionale de l'Apec de votre région",
                scope="dépend de votre commune",
                url=national.url,
                note="Indiquez votre commune pour savoir quelle délégation régionale vous accompagne.",
                for_entries=ids,
            )
        delegation = self._delegation_by_region.get(region.code)
        if delegation is None:
            return Contact(
                id="apec-national",
                organisation=national.organisation,
                role=national.role,
                scope="national",
                territory=region,
                url=national.url,
                for_entries=ids,
                note=f"Aucune délégation régionale documentée pour {region.name} : passez par le contact national. "
                + (national.note or ""),
            )
        notes = [f"Implantations citées : {', '.join(delegation.sites)}."] if delegation.sites else []
        if delegation.note:
            notes.append(delegation.note)
        if delegation.reliability == "P":
            notes.append("Couverture à confirmer auprès de l'Apec.")
        note = " ".join(notes) or None
        return Contact(
            id=delegation.id,
            organisation=delegation.name,
            role="Délégation régionale de l'Apec",
            scope=f"région {region.name}",
            territory=region,
            url=delegation.url,
            note=note,
            reliability=delegation.reliability,
            for_entries=ids,
        )

    def anct(self, territory: Territory | None, entry_id: str = "") -> Contact:
        """The préfet of the territory's département, territorial delegate of the ANCT."""
        template = self.contacts.anct_delegate
        ids = (entry_id,) if entry_id else ()
        dep = territory.departement if territory else None
        if dep is None:
            scope = (
                f"région {territory.region.name}"
                if territory and territory.region
                else "dépend de votre commune"
            )
            return Contact(
                id="anct-delegue",
                organisation="Préfecture de votre département",
                role="Préfet de département, délégué territorial de l'ANCT",
                scope=scope,
                territory=territory.region if territory else None,
                url=template.url,
                note="Indiquez votre commune ou votre département pour savoir quelle préfecture contacter.",
                for_entries=ids,
            )
        prefecture = self._prefecture(dep.code) or dep.name
        values = {"departement": dep.name, "de_departement": de_form(dep.name), "prefecture": prefecture}
        return Contact(
            id=f"anct-delegue-{dep.code.lower()}",
            organisation=template.organisation.format(**values),
            role=f"Préfet {de_form(dep.name)}, délégué territorial de l'ANCT",
            scope=f"département {dep.name} ({dep.code})",
            territory=dep,
            url=template.url,
            note=template.note.format(**values) if template.note else None,
            for_entries=ids,
        )

    def region_council(self, territory: Territory | None, entry_id: str = "") -> Contact:
        """The Conseil régional, managing authority of European funds."""
        template = self.contacts.conseil_regional
        region: Ref | None = territory.region if territory else None
        ids = (entry_id,) if entry_id else ()
        if region is None:
            return Contact(
                id="conseil-regional",
                organisation="Conseil régional de votre région",
                role=template.role,
                scope="dépend de votre commune",
                url=template.url,
                note=template.note,
                for_entries=ids,
            )
        return Contact(
            id=f"conseil-regional-{region.code}",
            organisation=_REGION_COLLECTIVITIES.get(region.code)
            or template.organisation.format(region=region.name, de_region=de_region(region.name)),
            role=template.role,
            scope=f"région {region.name}",
            territory=region,
            url=template.url,
            note=template.note,
            for_entries=ids,
        )
