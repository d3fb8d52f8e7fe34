"""Pure rendering of dialogue replies to text: plain for the terminal, HTML for Telegram.

One set of functions, two markups, so the terminal chat and the bot say the same thing. User
text is always escaped by the HTML markup before it reaches a reply.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from matching import Contact, Entry, Territory

from .dialogue import Reply

KIND_LABELS = {"apec_offer": "Offre Apec", "anct_programme": "Programme ANCT", "aide": "Aide publique"}
TELEGRAM_LIMIT = 4096


@dataclass(frozen=True)
class Markup:
    """How emphasis, links and escaping are written in one output format."""

    html: bool

    def esc(self, text: str) -> str:
        return html.escape(text, quote=False) if self.html else text

    def b(self, text: str) -> str:
        return f"<b>{self.esc(text)}</b>" if self.html else text

    def i(self, text: str) -> str:
        return f"<i>{self.esc(text)}</i>" if self.html else text

    def link(self, label: str, url: str) -> str:
        if self.html:
            return f'<a href="{html.escape(url, quote=True)}">{self.esc(label)}</a>'
        return f"{label} : {url}"


PLAIN = Markup(html=False)
HTML = Markup(html=True)


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
    if reply.territory is not None:
        place = territory_line(reply.territory, m)
        if reply.territory.programmes:
            place += m.esc(" — programmes : " + ", ".join(reply.territory.programmes))
        lines.append(f"{m.b('Territoire :')} {place}")
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


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Splits a long text on line breaks so each part stays under Telegram's limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
