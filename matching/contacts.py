"""Contact routing: which organisations to contact for an entry in a territory.

For a commune or a département, the ANCT's own directory of its local contacts (DDT(M),
préfecture, sous-préfecture, DEAL…) gives organisations with an address, a phone, a service
mailbox and a date, most relevant first for the need; France services sites are listed by
distance. Where the directory has nothing (Paris) the préfet, territorial delegate of the
ANCT, is named without invented details, and the answer says so. APEC delegations and the
Région come from `knowledge/contacts.yaml`. Never a person invented for a place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .anct.tables import AnctTables
from .answer import Contact, Ref, Territory
from .articles import de_departement, de_name, departement_code
from .local_contacts import directory_contacts, rank_local, site_contact
from .normalise import fold
from .schema import ContactsFile, Entry, RoleTemplate

if TYPE_CHECKING:
    from .loader import Knowledge
    from .territories.tables import Collectivity

__all__ = ["FRANCE_SERVICES_ID", "ContactRouter", "de_form", "de_region"]

FRANCE_SERVICES_ID = "anct-france-services"
NEAREST_SITES = 3
OVERSEAS = ("971", "972", "973", "974", "976")
_OVERSEAS_REGIONS = ("01", "02", "03", "04", "06")
# Paris and the petite couronne: no DDT but the DRIEAT; Paris has no sous-préfet.
_ILE_DE_FRANCE_CORE = ("75", "92", "93", "94")

# Régions whose council is a single territorial collectivity with its own name.
_REGION_COLLECTIVITIES = {
    "94": "Collectivité de Corse",
    "02": "Collectivité territoriale de Martinique",
    "03": "Collectivité territoriale de Guyane",
}
_REGION_DE = {
    "hauts de france": "des Hauts-de-France",
    "pays de la loire": "des Pays de la Loire",
    "centre val de loire": "du Centre-Val de Loire",
    "grand est": "du Grand Est",
    "la reunion": "de la Réunion",
    "guadeloupe": "de la Guadeloupe",
    "ile de france": "d'Île-de-France",
}


def de_region(name: str) -> str:
    """'de' + article for a région: "de Bretagne", "d'Occitanie", "des Hauts-de-France"."""
    return _REGION_DE.get(fold(name)) or de_name(name)


def de_form(name: str) -> str:
    """'de' + article for a département (official forms, table-driven: "de l'Ain",
    "de Vaucluse", "d'Ille-et-Vilaine", "de la Réunion") or, failing that, a région."""
    code = departement_code(name)
    if code is not None:
        return de_departement(code, name)
    return de_region(name)


class ContactRouter:
    """Fills the contacts for an entry and a territory."""

    def __init__(
        self,
        contacts: ContactsFile,
        prefecture: Callable[[str], str | None] | None = None,
        tables: AnctTables | None = None,
        collectivity: Callable[[str], Collectivity | None] | None = None,
    ) -> None:
        self.contacts = contacts
        self._prefecture = prefecture or (lambda _code: None)
        self._collectivity = collectivity or (lambda _code: None)
        self.tables = tables
        self._delegation_by_region = {r: d for d in contacts.apec_delegations for r in d.regions}

    @classmethod
    def for_knowledge(
        cls,
        knowledge: Knowledge,
        prefecture: Callable[[str], str | None] | None = None,
        collectivity: Callable[[str], Collectivity | None] | None = None,
    ) -> ContactRouter:
        """Router over a knowledge directory, with its ANCT tables when it has them."""
        directory: Path = knowledge.directory
        tables = AnctTables(directory) if (directory / "anct").is_dir() else None
        return cls(knowledge.contacts, prefecture, tables, collectivity)

    def route(self, entry: Entry, territory: Territory | None) -> tuple[Contact, ...]:
        """Contacts for an entry, most specific first."""
        overseas = self.overseas_collectivity(entry, territory)
        if entry.id == FRANCE_SERVICES_ID and territory is not None and territory.level == "commune":
            sites = self.france_services(territory, entry.id)
            if sites:
                return (*sites, *(overseas[:1] or self.local(territory, entry, limit=1)))
        if overseas:
            return overseas
        kind = entry.contact
        if kind == "apec_delegation":
            # The ANCT's local contacts mobilise the APEC's delegations: once the
            # département is known, the ANCT's door is named too.
            if territory is not None and territory.departement is not None:
                return (self.apec(territory, entry.id), *self.local(territory, entry, limit=1))
            return (self.apec(territory, entry.id),)
        if kind == "anct_delegate":
            return self.local(territory, entry)
        if kind == "conseil_regional":
            return (*self.european_funds(territory, entry.id), *self.local(territory, entry, limit=1))
        return self.referents(entry.id)

    # -- ANCT ----------------------------------------------------------------------------

    def local(self, territory: Territory | None, entry: Entry, limit: int = 3) -> tuple[Contact, ...]:
        """The ANCT's local contacts for the territory's département, from its directory;
        the préfet (territorial delegate) when the directory lists nobody there."""
        dep = territory.departement if territory else None
        if dep is None or self.tables is None:
            return (self.anct(territory, entry.id),)
        rows = self.tables.directory.for_departement(dep.code)
        if not rows:
            return (self.anct(territory, entry.id),)
        positions = self.tables.positions
        arr = positions.arrondissement(territory.code) if territory and territory.level == "commune" else None
        ranked = rank_local(
            rows,
            city_policy="politique de la ville" in entry.themes,
            arrondissement=arr.code if arr else None,
            positions=positions,
        )
        found = directory_contacts(ranked[:limit], dep, self.tables.info("contacts-locaux"), entry.id)
        if not any(c.phone for c in found):
            return (*found, self.anct(territory, entry.id))
        return found

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
                source=template.source,
                for_entries=ids,
            )
        prefecture = self._prefecture(dep.code) or dep.name
        values = {
            "departement": dep.name,
            "de_departement": de_departement(dep.code, dep.name),
            "prefecture": prefecture,
        }
        listed = self.tables is not None and bool(self.tables.directory.for_departement(dep.code))
        info = self.tables.info("contacts-locaux") if self.tables else None
        notes = []
        if not listed and info is not None:
            notes.append(
                f"L'annuaire des délégués territoriaux de l'ANCT ({info.period}) ne donne pas d'interlocuteur "
                f"{de_departement(dep.code, dep.name).replace('de ', 'pour ', 1) if dep.code != '75' else 'pour Paris'} : "
                "adressez-vous à la préfecture. Aucune coordonnée n'est indiquée ici faute de source."
            )
        elif listed:
            notes.append("L'annuaire de l'ANCT n'indique pas de téléphone pour cet interlocuteur.")
        if template.note and dep.code not in OVERSEAS and dep.code not in _ILE_DE_FRANCE_CORE:
            notes.append(template.note.format(**values))
        organisation = template.organisation.format(**values)
        source = template.source
        if dep.code == "75":
            organisation = "Préfecture de la région d'Île-de-France, préfecture de Paris"
            source += " ; Sénat, rapport r10-035 (« préfecture de région, préfecture de Paris »)"
        return Contact(
            id=f"anct-delegue-{dep.code.lower()}",
            organisation=organisation,
            role=f"Préfet {de_departement(dep.code, dep.name)}, délégué territorial de l'ANCT",
            scope=f"département {dep.name} ({dep.code})",
            territory=dep,
            url=template.url,
            note=" ".join(notes) or None,
            source=source,
            for_entries=ids,
        )

    def overseas_collectivity(self, entry: Entry, territory: Territory | None) -> tuple[Contact, ...]:
        """In an overseas collectivity or Nouvelle-Calédonie, the State representative (préfet,
        haut-commissaire, administrateur supérieur) is the ANCT's territorial delegate (art.
        L1232-2 CGCT), from territoires/collectivites_outre_mer.csv; there is no DDT(M), no
        sous-préfet and no Apec delegation in our sources, so Apec offers go to the national
        contact. Empty elsewhere (the département's routing applies)."""
        dep = territory.departement if territory else None
        com = self._collectivity(dep.code) if dep else None
        if com is None:
            return ()
        ids = (entry.id,) if entry.id else ()
        place = Ref(code=com.code, name=com.name)
        for_com = com.article.replace("de ", "pour ", 1)  # "pour la Polynésie française"
        delegate = Contact(
            id=f"anct-delegue-{com.code}",
            organisation=com.organisation,
            role=f"{com.representative}, délégué territorial de l'ANCT",
            scope=f"collectivité {com.name} ({com.code})",
            territory=place,
            url=self.contacts.anct_delegate.url,
            note=(
                f"Dans les collectivités d'outre-mer et en Nouvelle-Calédonie, le représentant de l'État est le "
                f"délégué territorial de l'ANCT. L'annuaire de l'ANCT ne donne pas d'interlocuteur {for_com} : "
                "aucune coordonnée n'est indiquée ici faute de source."
            ),
            source=com.source,
            for_entries=ids,
        )
        if entry.contact != "apec_delegation":
            return (delegate,)
        return (self._apec_national(place, for_com, ids), delegate)

    def _apec_national(self, place: Ref, where: str, ids: tuple[str, ...]) -> Contact:
        """The national Apec contact where our sources cite no regional delegation ("pour X")."""
        national = self.contacts.apec_national
        return Contact(
            id="apec-national",
            organisation=national.organisation,
            role=national.role,
            scope="national",
            territory=place,
            url=national.url,
            note=f"Aucune délégation régionale de l'Apec n'est citée {where} dans nos sources : passez "
            f"par le contact national. {national.note or ''}".strip(),
            source=national.source,
            for_entries=ids,
        )

    def france_services(self, territory: Territory, entry_id: str = "") -> tuple[Contact, ...]:
        """The nearest France services sites to a commune (its own first), with distances."""
        if self.tables is None:
            return ()
        here = self.tables.positions.position(territory.code)
        if here is None:  # a commune the positions table lacks: its own sites, if any
            sites = [(site, 0.0) for site in self.tables.france_services.in_commune(territory.code)][
                :NEAREST_SITES
            ]
        else:
            sites = self.tables.france_services.nearest(*here, commune=territory.code, limit=NEAREST_SITES)
        info = self.tables.info("france-services")
        return tuple(site_contact(site, km, territory, info, entry_id) for site, km in sites)

    # -- APEC, Région, referents --------------------------------------------------------

    def referents(self, entry_id: str = "") -> tuple[Contact, ...]:
        """The two national referents named in the agreement in 2021 (article 7)."""
        return tuple(
            Contact(
                id=r.id,
                organisation=r.organisation,
                role=r.role,
                name=r.name,
                scope="national",
                note=f"Source : {r.source}",
                source=r.source,
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
            return self._apec_national(region, f"pour {region.name}", ids)
        notes = (
            [f"Implantations citées par les sources : {', '.join(delegation.sites)}."]
            if delegation.sites
            else []
        )
        if delegation.note:
            notes.append(delegation.note)
        return Contact(
            id=delegation.id,
            organisation=delegation.name,
            role="Délégation régionale de l'Apec",
            scope=f"région {region.name}",
            territory=region,
            url=delegation.url or national.url,
            note=" ".join(notes) or None,
            reliability=delegation.reliability,
            source=delegation.sources[0],
            for_entries=ids,
        )

    def european_funds(self, territory: Territory | None, entry_id: str = "") -> tuple[Contact, ...]:
        """FEDER: the Région (or the collectivity standing for it); Mayotte: the préfecture.
        FSE+ for insertion and employment is mostly national: DREETS, département, PLIE."""
        template = self.contacts.conseil_regional
        region: Ref | None = territory.region if territory else None
        ids = (entry_id,) if entry_id else ()
        scope = f"région {region.name}" if region else "dépend de votre commune"
        if region is not None and region.code == "06" and self.contacts.mayotte_funds is not None:
            return (
                _from_template(
                    self.contacts.mayotte_funds, "fonds-europeens-mayotte", "Mayotte", region, ids
                ),
            )
        if region is None:
            council = _from_template(
                template,
                "conseil-regional",
                scope,
                None,
                ids,
                organisation="Conseil régional de votre région",
            )
        else:
            organisation = _REGION_COLLECTIVITIES.get(region.code) or template.organisation.format(
                region=region.name, de_region=de_region(region.name)
            )
            council = _from_template(
                template, f"conseil-regional-{region.code}", scope, region, ids, organisation=organisation
            )
        fse = self.contacts.fse_plus
        if fse is None:
            return (council,)
        if region is not None and region.code in _OVERSEAS_REGIONS:
            fse_name = f"Services de l'État chargés de l'emploi — {region.name}"
        else:
            fse_name = fse.organisation.format(region=region.name if region else "de votre région")
        return (council, _from_template(fse, "fse-plus", scope, region, ids, organisation=fse_name))


def _from_template(
    template: RoleTemplate,
    contact_id: str,
    scope: str,
    territory: Ref | None,
    ids: tuple[str, ...],
    *,
    organisation: str | None = None,
) -> Contact:
    """A contact from a role template of contacts.yaml, with its source."""
    return Contact(
        id=contact_id,
        organisation=organisation or template.organisation,
        role=template.role,
        scope=scope,
        territory=territory,
        url=template.url,
        note=template.note,
        source=template.source,
        for_entries=ids,
    )
