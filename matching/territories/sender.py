"""Which places belong to the sender: "la mairie de Vannes", "l'agence d'attractivité du
Finistère", "nous sommes à Guingamp", a place heading the message ("Brest métropole : …").

Why: a message often names two places, the sender's own and a destination ("… on veut emmener
des entreprises à Paris pour un job dating"). Contacts depend on the sender's territory, so a
place attached to the sender's organisation outranks the others (see resolver._decide).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .mention import Mention
from .text import name_key

if TYPE_CHECKING:
    from .scan import Scan


def _keys(*words: str) -> frozenset[str]:
    return frozenset(name_key(w) for w in words)


# Organisations a sender speaks for; a place right after one of them (a few qualifying words and
# "de/du" apart: "agence d'attractivité du", "conseil de développement du") is theirs.
SENDER_NOUNS = _keys(
    "mairie", "commune", "agence", "conseil", "office", "syndicat", "collectivité", "intercommunalité",
    "communauté", "petr", "association", "pôle", "maison", "chambre", "cci", "élus", "maire",
    "départemental", "départementale", "régional", "municipal", "municipale", "sommes", "suis",
    "est", "ici", "basés", "basé", "basée", "situés", "situé", "située",
)  # fmt: skip
# "est" only counts after "on" ("on est à Brest", not "Paris est").
_SUBJECT_BEFORE = {"est": _keys("on", "qui"), "sommes": _keys("nous"), "suis": _keys("je")}
# Words between the organisation and the place: links and the cue word of the place.
_LINKS = _keys("de", "du", "des", "d", "la", "le", "les", "l", "à", "au", "aux", "en", "dans", "sur")
MAX_QUALIFIERS = 3  # "agence de développement économique de la Vendée"


def mark_senders(scan: Scan, mentions: list[Mention]) -> None:
    """Set `sender` on the mentions attached to the sender's organisation or heading the message."""
    for mention in mentions:
        if mention.sender:
            continue
        mention.sender = _heading(scan, mention) or _after_sender_noun(scan, mention.start)


def _heading(scan: Scan, mention: Mention) -> bool:
    """A place opening the message, then a colon or a comma: "Beauce Val de Loire : …"."""
    first = 0
    while first < mention.start and scan.keys[first] in ("le", "la", "les", "l"):
        first += 1
    if first != mention.start or mention.end >= len(scan.tokens):
        return False
    gap = scan.text[scan.tokens[mention.end - 1].end : scan.tokens[mention.end].start]
    return ":" in gap or "," in gap


def _after_sender_noun(scan: Scan, start: int) -> bool:
    j = start
    links = 0
    while j > 0 and links < 3 and scan.keys[j - 1] in _LINKS and not scan._break_before(j):
        j -= 1
        links += 1
    for back in range(1, MAX_QUALIFIERS + 2):
        k = j - back
        if k < 0 or scan._break_before(k + 1) or scan.blocked[k]:
            return False
        word = scan.keys[k]
        if word in SENDER_NOUNS:
            subjects = _SUBJECT_BEFORE.get(word)
            return subjects is None or (k > 0 and scan.keys[k - 1] in subjects)
    return False
