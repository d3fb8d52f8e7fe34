"""Rendering of answer cards and the other dialogue replies.

A card is what a person wants to read first: the offer, why it fits (their own words), the next
step and whom to contact, in about a hundred words. Background (descriptions, sourced facts,
the relays of a contact, related programmes) is shown on demand: "En savoir plus", or a
question such as "c'est combien ?" or "qui contacter ?".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import TypeVar

from matching import Contact, Entry, Fact, Territory

from ..dialogue import Reply
from .contacts import absence_lines, contact_lines, programme_lines, territory_line
from .facts import dated_lines, fact_dates
from .markup import PLAIN, Markup

__all__ = [
    "CARD_WORDS",
    "KIND_LABELS",
    "card_contacts",
    "word_count",
    "details",
    "entry_card",
    "fact_line",
    "render",
]

# A card a person reads at a glance; what does not fit is behind "En savoir plus".
CARD_WORDS = 120
MAX_REASONS = 3
CARD_CONTACTS = 2
KIND_LABELS = {
    "apec_offer": "Offre Apec",
    "anct_programme": "Programme ANCT",
    "service_public": "Service public",  # a public service the agreement cites, not run by the ANCT
    "aide": "Aide publique",
}


_T = TypeVar("_T")

# Characters that never make a word on their own ("—", "•", "«", ":"…).
_PUNCTUATION = "—–-•·«»:;,.!?…()[]'\"/|*"


# A word: a run of non-space characters holding at least one that is not punctuation (one
# regular-expression pass; a card is counted several times while it is shortened).
_WORD = re.compile(rf"\S*[^\s{re.escape(_PUNCTUATION)}]\S*")
# Where a sentence may end: "." or ";" then a space (the next character must be a capital).
_STOP = re.compile(r"[.;] ")


def word_count(text: str) -> int:
    """Words a person reads: tokens that are not punctuation alone."""
    return len(_WORD.findall(text))


@functools.lru_cache(maxsize=4096)
def _line_words(line: str) -> int:
    """`word_count` of one card line: most lines are the same from one draft of a card to the
    next, and from one answer to the next (titles, next steps, contacts)."""
    return word_count(line)


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def fact_line(fact: Fact, m: Markup) -> str:
    """One sourced fact with its dates: "• … (du 31/05/2021 au 31/05/2024 ; source : …)"."""
    when = fact_dates(fact)
    about = f"{when} ; source : {fact.source.label}" if when else f"source : {fact.source.label}"
    line = f"• {m.esc(fact.text)} " + m.i(f"({about})")
    if fact.source.url:
        line += " " + m.link("voir la source", fact.source.url)
    return line


def _place(reply: Reply, m: Markup) -> str:
    return territory_line(reply.territory, m) if reply.territory is not None else ""


def _programmes(entry: Entry, reply: Reply, m: Markup) -> list[str]:
    """The commune's dated programme lists: every membership and the absences that matter to
    the entry and its related programmes."""
    if reply.territory is None:
        return []
    return [m.esc(line) for line in programme_lines(reply.territory, (entry.id, *entry.related))]


def _first_sentence(text: str) -> str:
    """The text up to its first full stop followed by a capital (no cut inside "etc.")."""
    for stop in _STOP.finditer(text):
        i = stop.start()
        if text[i + 2 : i + 3].isupper():
            return text[: i + 1] if text[i] == "." else text[:i] + "."
    return text


def _before_colon(text: str) -> str:
    """ "A : b, c." → "A." (the enumeration after a colon is detail); "A ; for x : b." → "A."
    (what leads into the colon belongs to it, so it goes too)."""
    if " : " not in text:
        return text
    head = text.split(" : ", 1)[0]
    return head.split(" ; ", 1)[0].rstrip(",;") + "."


def _main_clause(text: str) -> str:
    """ "Do this (detail), which…" → "Do this (detail)."; "Do this ; for that (x, y), ask…" →
    "Do this." (a comma inside brackets is kept, and a clause after a semicolon is never cut
    into a fragment)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch in ",;" and depth == 0:
            return text[:i].rstrip() + "."
    return text


def card_contacts(contacts: tuple[Contact, ...]) -> tuple[Contact, ...]:
    """The contacts an answer card names: one per organisation, at most CARD_CONTACTS (the
    router gives the most relevant first); every contact comes with "qui contacter ?"."""
    kept: list[Contact] = []
    for c in contacts:
        if all(k.organisation != c.organisation for k in kept) and len(kept) < CARD_CONTACTS:
            kept.append(c)
    return tuple(kept)


def _brief_contact(c: Contact, m: Markup, *, role: bool) -> str:
    line = f"• {m.b(c.organisation)}"
    if role:
        line += m.esc(f" — {c.role}")
    if c.distance_km is not None:
        line += m.esc(f" ({c.scope})")  # "à 3 km de Ploubazlanec": the nearest site first
    if c.phone:
        line += m.esc(f" — tél. {c.phone}")
    return line


def _said(reply: Reply) -> tuple[str, ...]:
    """The reasons quoted as the user's words. A membership reason ("Guingamp fait partie du
    programme …") is not their words and carries no list date: the place line states every
    membership that ranked the entry, with its list's date."""
    if reply.territory is None:
        return reply.reasons
    member = f"{reply.territory.name} fait partie "
    return tuple(r for r in reply.reasons if not r.startswith(member))


def _short_place(entry: Entry, territory: Territory, m: Markup) -> list[str]:
    """ "Territoire : Guingamp (22) — Petites villes de demain (liste ANCT de janvier 2021)":
    the place with the dated lists of the entry, its related programmes and the programmes
    whose members it serves first that the commune is on, then the entry's own list when the
    commune is absent from it."""
    about = (entry.id, *entry.related, *entry.rules.members_of)
    on = [f"{p.title} ({p.source})" for p in territory.programme_lists if p.member and p.programme in about]
    line = f"{m.b('Territoire :')} {m.esc(' — '.join([territory.label(), '; '.join(on)]) if on else territory.label())}"
    return [line, *(m.esc(x) for x in absence_lines(territory, entry.id))]


def _contact_sources(contacts: tuple[Contact, ...], m: Markup) -> list[str]:
    """Where the phones shown come from, once per source (its label carries its date; each
    contact's update date comes with "Contacts et coordonnées")."""
    seen: list[str] = []
    for c in contacts:
        if c.source and c.phone and c.source not in seen:
            seen.append(c.source)
    return [m.i(f"Source : {source}") for source in seen]


# Ways to shorten a card, least valuable first; a card applies as many as it needs to stay
# within CARD_WORDS, and whatever it leaves out comes with "En savoir plus" or a follow-up.
SHORTENINGS = (
    "step: first sentence",
    "reasons: two",
    "summary: first sentence",
    "place: name only",
    "site: none",
    "reasons: one",
    "summary: up to its colon",
    "step: up to its colon",
    "dated facts: up to their semicolon",  # their dates stay in their label
    "step: main clause",
    "dated facts: the first",
    "summary: none",  # the title states the offer
    "contacts: without role",
)


_RANK = {step: k for k, step in enumerate(SHORTENINGS)}


# Entries whose reply-independent pieces are remembered (see `_entry_memo`).
ENTRY_MEMOS = 64
# The pieces of a card that depend on its entry and markup alone.
_ENTRY_PIECES = frozenset({"title", "summary", "step", "dated", "site"})


class _Same:
    """An entry as a cache key by identity: hashing or comparing a whole entry would cost more
    than the pieces saved, and a reloaded catalogue's entry, a new object, never matches an
    older one (the key holds its entry, so that identity is not reused while remembered)."""

    __slots__ = ("entry", "html")

    def __init__(self, entry: Entry, html: bool) -> None:
        self.entry, self.html = entry, html

    def __hash__(self) -> int:
        return hash((id(self.entry), self.html))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.entry is self.entry and other.html == self.html


@functools.lru_cache(maxsize=ENTRY_MEMOS)
def _entry_memo(key: _Same) -> dict[tuple[str, int], object]:
    """The reply-independent pieces of an entry's cards (title, shortened summary and next
    step, dated facts, site) in one markup: the same for every answer giving that entry."""
    return {}


class _Drafts:
    """The pieces of one card (one entry, one reply, one markup), each computed once for all
    the drafts that shorten it: a card is drafted up to five times, and most of its lines
    (dated facts, place, contacts) are the same in every draft; the pieces of the entry alone
    are shared with its other cards."""

    def __init__(self, entry: Entry, reply: Reply, m: Markup) -> None:
        self.entry, self.reply, self.m = entry, reply, m
        self._memo: dict[tuple[str, int], object] = {}
        self._shared = _entry_memo(_Same(entry, m.html))

    def _once(self, key: tuple[str, int], make: Callable[[], _T]) -> _T:
        memo = self._shared if key[0] in _ENTRY_PIECES else self._memo
        if key not in memo:
            memo[key] = make()
        return memo[key]  # type: ignore[return-value]

    def title(self) -> str:
        def make() -> str:
            kind = KIND_LABELS.get(self.entry.kind, self.entry.kind)
            return self.m.b(f"{kind} : {self.entry.title}")

        return self._once(("title", 0), make)

    def site(self) -> str:
        url = self.entry.url
        return self._once(("site", 0), lambda: self.m.link("Site", url)) if url else ""

    def summary(self, first: bool, colon: bool) -> str:
        def make() -> str:
            summary = _first_sentence(self.entry.summary) if first else self.entry.summary
            return _before_colon(summary) if colon else summary

        return self._once(("summary", 2 * first + colon), make)

    def said(self) -> tuple[str, ...]:
        return self._once(("said", 0), lambda: _said(self.reply))

    def dated(self) -> list[str]:
        return self._once(("dated", 0), lambda: dated_lines(self.entry, self.m))

    def step(self, first: bool, colon: bool, main: bool) -> str:
        def make() -> str:
            step = _first_sentence(self.entry.next_steps) if first else self.entry.next_steps
            if colon:
                step = _before_colon(step)
            return _main_clause(step) if main else step

        return self._once(("step", 4 * first + 2 * colon + main), make)

    def place(self, short: bool) -> list[str]:
        def make() -> list[str]:
            territory, m = self.reply.territory, self.m
            assert territory is not None
            if short:
                return _short_place(self.entry, territory, m)
            return [f"{m.b('Territoire :')} {_place(self.reply, m)}", *_programmes(self.entry, self.reply, m)]

        return self._once(("place", short), make)

    def contacts(self, role: bool) -> list[str]:
        def make() -> list[str]:
            m = self.m
            shown = card_contacts(self.reply.contacts)
            return [
                m.b("À contacter :"),
                *(_brief_contact(c, m, role=role) for c in shown),
                *_contact_sources(shown, m),
            ]

        return self._once(("contacts", role), make)


def _card_lines(
    entry: Entry, reply: Reply, m: Markup, level: int, drafts: _Drafts | None = None
) -> list[str]:
    """The card with the first `level` SHORTENINGS applied (`drafts`: the pieces already
    computed for other drafts of this card, same entry, reply and markup)."""
    d = drafts if drafts is not None else _Drafts(entry, reply, m)

    def short(step: str) -> bool:
        return _RANK[step] < level

    lines = [d.title()]
    summary = d.summary(short("summary: first sentence"), short("summary: up to its colon"))
    if not short("summary: none"):
        lines.append(m.esc(summary))
    count = 1 if short("reasons: one") else 2 if short("reasons: two") else MAX_REASONS
    said = d.said()[:count]
    if said:
        lines.append(f"{m.b('Pourquoi :')} " + m.esc(", ".join(f"« {r} »" for r in said)))
    dated = d.dated()
    if short("dated facts: the first") and len(dated) > 2:
        dated = [dated[0], dated[-1]]
    if short("dated facts: up to their semicolon"):
        dated = [line.split(" ; ", 1)[0] + ("." if " ; " in line else "") for line in dated]
    lines.extend(dated)
    step = d.step(short("step: first sentence"), short("step: up to its colon"), short("step: main clause"))
    lines.append(f"{m.b('Prochaine étape :')} {m.esc(step)}")
    if reply.territory is not None:
        lines.extend(d.place(short("place: name only")))
    if reply.contacts:
        lines.extend(d.contacts(not short("contacts: without role")))
    if entry.url and not short("site: none"):
        lines.append(d.site())
    return lines


def entry_card(entry: Entry, reply: Reply, m: Markup) -> str:
    """The answer card: the offer, why, the next step, whom to contact, within CARD_WORDS
    words (counted on the plain text) when shortening the long parts allows it: the fewest
    SHORTENINGS that fit. Each shortening only removes words, so the count falls as `level`
    rises and a binary search finds that level in four drafts instead of up to fourteen."""
    plain = _Drafts(entry, reply, PLAIN)

    def fits(level: int) -> bool:
        return sum(_line_words(line) for line in _card_lines(entry, reply, PLAIN, level, plain)) <= CARD_WORDS

    low, high = 0, len(SHORTENINGS)  # the answer lies in [low, high]; `high` when nothing fits
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return "\n".join(_card_lines(entry, reply, m, low, plain if m is PLAIN else None))


def details(entry: Entry, reply: Reply, m: Markup) -> str:
    """The entry in full, for "En savoir plus": description, facts, related, contacts and relays."""
    kind = KIND_LABELS.get(entry.kind, entry.kind)
    lines = [m.b(f"{kind} : {entry.title}"), m.esc(entry.description)]
    if reply.facts:
        lines.append(m.b("Repères sourcés :"))
        lines.extend(fact_line(f, m) for f in reply.facts)
    lines.append(f"{m.b('Prochaine étape :')} {m.esc(entry.next_steps)}")
    if entry.deadline is not None:
        lines.append(f"{m.b('Date limite :')} {_date(entry.deadline)}")
    if reply.related:
        lines.append(f"{m.b('À voir aussi :')} " + m.esc(" ; ".join(e.title for e in reply.related)))
    if reply.territory is not None:
        lines.append(f"{m.b('Territoire :')} {_place(reply, m)}")
        lines.extend(_programmes(entry, reply, m))
    if reply.contacts:
        lines.append(m.b("À contacter :"))
        lines.extend(contact_lines(reply.contacts, m))
    sources = " ; ".join(s.label for s in entry.sources)
    lines.append(m.i(f"Sources : {sources} (fiche relue le {_date(entry.reviewed)})"))
    if entry.url:
        lines.append(m.link("Site", entry.url))
    return "\n".join(lines)


def _contacts_block(reply: Reply, m: Markup) -> str:
    lines = [m.esc(reply.text)] if reply.text else []
    if reply.facts:
        lines.extend(fact_line(f, m) for f in reply.facts)
    if reply.contacts:
        # Facts end with whom to ask (briefly); a contact question gets every detail.
        if reply.kind == "facts":
            if reply.facts:
                lines.append(m.b("Pour confirmer ou aller plus loin :"))
            lines.extend(_brief_contact(c, m, role=True) for c in card_contacts(reply.contacts))
        else:
            lines.extend(contact_lines(reply.contacts, m))
    return "\n".join(lines)


def render(reply: Reply, m: Markup) -> str:
    """Text of one reply (choices are rendered by the caller: numbers or buttons)."""
    if reply.kind in ("contacts", "facts"):
        return _contacts_block(reply, m)
    if reply.entry is not None and reply.kind == "details":
        return details(reply.entry, reply, m)
    if reply.entry is not None:
        body = entry_card(reply.entry, reply, m)
        return f"{m.b(reply.text)}\n{body}" if reply.text else body
    return m.esc(reply.text)
