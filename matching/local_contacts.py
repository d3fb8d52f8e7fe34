"""ANCT local contacts and France services sites turned into `Contact`s a person can act on.

Why separate from the router: these contacts come from dated official tables (the ANCT's
directory of its local contacts, the France services list), and each one carries the
details as published — address, phone, service mailbox, page, date of update — plus the
table's source label, so every answer can say where and when a detail comes from.
"""

from __future__ import annotations

from collections.abc import Sequence

from .anct.directory import LocalContact
from .anct.france_services import Site
from .anct.manifest import TableInfo
from .anct.positions import Positions
from .answer import Contact, Ref, Territory
from .articles import de_name

__all__ = ["directory_contacts", "rank_local", "site_contact", "sub_prefecture_town"]

MAX_LOCAL = 3
# Order of the directory's structures for engineering and programmes: the DDT(M) (DEAL
# overseas) first, then the préfecture's desk; the sous-préfecture of the commune's
# arrondissement is placed right after the first (see rank_local).
_ENGINEERING = {
    "ddt": 0,
    "deal": 0,
    "prefecture": 1,
    "sgar": 1,
    "sous_prefecture": 2,
    "social": 3,
    "other": 4,
}


def sub_prefecture_town(structure: str) -> str:
    """ "Sous-Préfecture d'Oloron Sainte-Marie" -> "Oloron Sainte-Marie"."""
    town = structure.split(" ", 1)[-1] if structure.lower().startswith("sous-préfecture") else structure
    for article in ("de ", "d'", "du "):
        if town.startswith(article):
            return town[len(article) :]
    return town


def _sub_prefecture_arrondissement(contact: LocalContact, positions: Positions) -> str | None:
    """Arrondissement code of a sous-préfecture row ("Sous-Préfecture de Gex" -> "013")."""
    arr = positions.arrondissement_named(contact.departement, sub_prefecture_town(contact.structure))
    return arr.code if arr else None


def rank_local(
    contacts: Sequence[LocalContact],
    *,
    city_policy: bool,
    arrondissement: str | None,
    positions: Positions,
) -> list[LocalContact]:
    """The directory's contacts of a département, most relevant first for the need.

    Engineering and programmes: DDT(M)/DEAL, then the sous-préfecture of the commune's
    arrondissement when the directory lists it, then the préfecture. Politique de la ville:
    the préfet délégué pour l'égalité des chances, the sous-préfet in charge of the
    politique de la ville or the DDETS first. Other sous-préfectures are left out (they
    serve other communes); rows with a phone come before rows without; duplicates merge.
    """
    kept: list[LocalContact] = []
    seen: set[tuple[str, str, str]] = set()
    for contact in contacts:
        key = (contact.structure, contact.phone, contact.email)
        if key in seen or not (contact.phone or contact.email or contact.page or contact.street):
            continue
        seen.add(key)
        if contact.kind == "sous_prefecture" and (
            arrondissement is None or _sub_prefecture_arrondissement(contact, positions) != arrondissement
        ):
            continue
        kept.append(contact)

    def order(c: LocalContact) -> tuple[int, int, int]:
        group = _ENGINEERING.get(c.kind, 4)
        if c.kind == "sous_prefecture":
            group = 0  # placed after the first DDT(M) below
        if city_policy:
            group = 0 if c.equal_opportunities else group + 1
        elif c.kind == "social":
            group = 5
        return (group, 0 if c.phone else 1, 0 if c.street else 1)

    ranked = sorted(kept, key=order)
    if not city_policy:
        # The sous-préfecture of the arrondissement comes second: the DDT(M) or préfecture
        # desk stays the first door for engineering and programmes.
        subs = [c for c in ranked if c.kind == "sous_prefecture"]
        rest = [c for c in ranked if c.kind != "sous_prefecture"]
        ranked = rest[:1] + subs + rest[1:]
    return ranked[:MAX_LOCAL]


def _role(contact: LocalContact) -> str:
    function = contact.function or "Accueil"
    if contact.service:
        function = (
            f"{function} {contact.service}"
            if contact.service[:3] in ("de ", "d'", "du ")
            else (f"{function} — {contact.service}")
        )
    return f"{function} — interlocuteur local de l'ANCT"


def directory_contacts(
    contacts: Sequence[LocalContact],
    departement: Ref,
    info: TableInfo | None,
    entry_id: str = "",
) -> tuple[Contact, ...]:
    """`Contact`s for ranked directory rows, with the directory's source and date."""
    source = info.cited if info else "ANCT, annuaire des délégués territoriaux"
    out: list[Contact] = []
    counts: dict[str, int] = {}
    for contact in contacts:
        counts[contact.kind] = counts.get(contact.kind, 0) + 1
        suffix = f"-{counts[contact.kind]}" if counts[contact.kind] > 1 else ""
        scope = (
            f"arrondissement {de_name(sub_prefecture_town(contact.structure))}"
            if contact.kind == "sous_prefecture"
            else f"département {departement.name} ({departement.code})"
        )
        out.append(
            Contact(
                id=f"anct-{contact.kind.replace('_', '-')}-{departement.code.lower()}{suffix}",
                organisation=contact.structure,
                role=_role(contact),
                scope=scope,
                territory=departement,
                url=contact.page or None,
                phone=contact.phone or None,
                email=contact.email or None,
                address=contact.address or None,
                updated=contact.updated or None,
                source=source,
                for_entries=(entry_id,) if entry_id else (),
            )
        )
    return tuple(out)


def site_contact(
    site: Site, distance: float, territory: Territory, info: TableInfo | None, entry_id: str
) -> Contact:
    """A France services site as a contact: where, how far, how to reach it, weekly hours."""
    role = site.label or "espace France services"
    if site.appointment:
        role += " — sur rendez-vous possible"
    here = site.insee == territory.code
    return Contact(
        id=f"france-services-{site.id}",
        organisation=site.name,
        role=role,
        scope=f"à {territory.name}"
        if here
        else f"à {distance:.0f} km de {territory.name}".replace("à 0 km", "à moins d'1 km"),
        territory=territory.departement,
        phone=site.phone or None,
        email=site.email or None,
        address=site.full_address or None,
        note=site.comment or None,
        source=info.cited if info else "ANCT, liste des structures France services",
        updated=info.as_of.isoformat() if info else None,
        distance_km=round(distance, 1),
        hours=site.hours,
        for_entries=(entry_id,) if entry_id else (),
    )
