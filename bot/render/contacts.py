"""Rendering of places and contacts: what a person can act on (organisation, role, address,
phone, service mailbox, today's hours), each detail with its source and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from matching import Contact, ProgrammeStatus, Territory

from .markup import Markup

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def territory_line(territory: Territory, m: Markup) -> str:
    """ "Guingamp (22) — Côtes-d'Armor, Bretagne"; a name said once ("Fort-de-France (972) —
    Martinique", not "Martinique, Martinique")."""
    parts = [territory.label()]
    if territory.level == "commune" and territory.departement:
        parts.append(territory.departement.name)
    if territory.level in ("commune", "departement", "epci") and territory.region:
        parts.append(territory.region.name)
    head, rest = parts[0], []
    for part in parts[1:]:
        if part not in rest and part != territory.name:
            rest.append(part)
    return m.esc(f"{head} — {', '.join(rest)}" if rest else head)


def programme_lines(territory: Territory, about: Iterable[str] = ()) -> list[str]:
    """Plain sentences on the commune's programme lists: membership always, absence only for
    the programmes the answer is about — an absent commune is "absente de la liste", never
    "hors programme", since the lists are dated."""
    wanted = set(about)
    lines = []
    for status in sorted(territory.programme_lists, key=lambda s: not s.member):
        if status.member:
            de = "d'" if status.title[:1].lower() in "aeiouyéè" else "de "
            lines.append(f"{territory.name} fait partie {de}{status.title} ({status.source}).")
        elif status.programme in wanted:
            lines.append(_absent(territory, status))
    return lines


def absence_lines(territory: Territory, programme: str) -> list[str]:
    """The sentences of `programme_lines` on the commune's absences from one programme's lists
    (a card's place line states the memberships already)."""
    return [
        _absent(territory, s) for s in territory.programme_lists if s.programme == programme and not s.member
    ]


def _absent(territory: Territory, status: ProgrammeStatus) -> str:
    return (
        f"{territory.name} est absente de la {status.source} pour {status.title} "
        "(la liste a pu évoluer depuis)."
    )


def _date(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def hours_today(contact: Contact, today: dt.date) -> str | None:
    """ "Aujourd'hui (lundi) : 09:00 - 12:00 / 13:30 - 17:00", or None for a non-site contact."""
    if not contact.hours:
        return None
    day = DAYS[today.weekday()]
    hours = contact.hours[today.weekday()] if today.weekday() < len(contact.hours) else ""
    return (
        f"Aujourd'hui ({day}) : {hours}" if hours else f"Aujourd'hui ({day}) : fermé ou horaires non publiés"
    )


def contact_lines(contacts: tuple[Contact, ...], m: Markup, today: dt.date | None = None) -> list[str]:
    """One block per contact; `today` picks the opening hours shown (the bot passes the date)."""
    day = today or dt.date.today()
    lines: list[str] = []
    for c in contacts:
        who = f"{c.organisation} — {c.role}"
        if c.name:
            who += f" ({c.name})"
        line = f"• {m.b(who)}"
        if c.distance_km is not None:
            line += m.esc(f" ({c.scope})")
        details = []
        if c.address:
            details.append(f"Adresse : {c.address}")
        if c.phone:
            details.append(f"Tél. : {c.phone}")
        if c.email:
            details.append(f"Courriel : {c.email}")
        hours = hours_today(c, day)
        if hours:
            details.append(hours)
        line += "".join("\n  " + m.esc(d) for d in details)
        if c.url:
            line += "\n  " + m.link("site" if c.hours or not c.source else "page web", c.url)
        if c.note:
            line += "\n  " + m.i(c.note)
        if c.source and c.distance_km is None and (c.phone or c.address):
            dated = f"mis à jour le {_date(c.updated)}" if c.updated else "date de mise à jour non indiquée"
            line += "\n  " + m.i(f"Source : {c.source} — {dated}")
        lines.append(line)
    sites = [c for c in contacts if c.distance_km is not None and c.source]
    if sites:
        lines.append(m.i(f"Source : {sites[0].source}."))
    return lines
