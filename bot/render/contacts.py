"""Rendering of places and contacts: what a person can act on (organisation, role, details)."""

from __future__ import annotations

from matching import Contact, Territory

from .markup import Markup


def territory_line(territory: Territory, m: Markup) -> str:
    """ "Guingamp (22) — Côtes-d'Armor, Bretagne" plus the programmes the place belongs to."""
    parts = [territory.label()]
    if territory.level == "commune" and territory.departement:
        parts.append(territory.departement.name)
    if territory.level in ("commune", "departement", "epci") and territory.region:
        parts.append(territory.region.name)
    line = m.esc(" — ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0])
    return line


def contact_lines(contacts: tuple[Contact, ...], m: Markup) -> list[str]:
    lines: list[str] = []
    for c in contacts:
        who = f"{c.organisation} — {c.role}"
        if c.name:
            who += f" ({c.name})"
        line = f"• {m.b(who)}"
        if c.url:
            line += "\n  " + m.link("site", c.url)
        if c.note:
            line += "\n  " + m.i(c.note)
        lines.append(line)
    return lines
