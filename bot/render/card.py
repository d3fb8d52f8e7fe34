"""Rendering of answer cards and other dialogue replies."""

from __future__ import annotations

from matching import Entry

from ..dialogue import Reply
from .contacts import contact_lines, programme_lines, territory_line
from .facts import dated_lines
from .markup import Markup

KIND_LABELS = {"apec_offer": "Offre Apec", "anct_programme": "Programme ANCT", "aide": "Aide publique"}


def entry_card(entry: Entry, reply: Reply, m: Markup) -> str:
    """The answer card: what, why, next step, related programme, whom to contact."""
    kind = KIND_LABELS.get(entry.kind, entry.kind)
    lines = [f"{m.b(kind + ' : ' + entry.title)}", m.esc(entry.summary)]
    if reply.reasons:
        lines.append(f"{m.b('Pourquoi :')} " + m.esc(", ".join(f"« {r} »" for r in reply.reasons)))
    lines.append(f"{m.b('Prochaine étape :')} {m.esc(entry.next_steps)}")
    if reply.related:
        lines.append(f"{m.b('À voir aussi :')} " + m.esc(" ; ".join(e.title for e in reply.related)))
    if entry.url:
        lines.append(m.link("En savoir plus", entry.url))
    lines.extend(dated_lines(entry, m))
    if reply.territory is not None:
        place = territory_line(reply.territory, m)
        lines.append(f"{m.b('Territoire :')} {place}")
        lines.extend(m.esc(p) for p in programme_lines(reply.territory, (entry.id, *entry.related)))
    if reply.contacts:
        lines.append(m.b("À contacter :"))
        lines.extend(contact_lines(reply.contacts, m))
    return "\n".join(lines)


def render(reply: Reply, m: Markup) -> str:
    """Text of one reply (choices are rendered by the caller: numbers or buttons)."""
    if reply.entry is not None:
        body = entry_card(reply.entry, reply, m)
        return f"{m.esc(reply.text)}\n\n{body}" if reply.text else body
    return m.esc(reply.text)
