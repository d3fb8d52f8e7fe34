"""Département adjectives ("vendéen", "finistérienne") and well-known pays ("Pays bigouden",
"Périgord") as département cues, from the admin-editable table gentiles_et_pays.csv.

Why a table and not the communes' index: these words name no commune, yet "le bocage vendéen"
or "une commune du Périgord noir" says which département the user is in. Only unambiguous
words are listed (not "savoyard", "charentais", "basque" alone); the inflected forms
(feminine, plural) are derived here so that the table keeps one line per word.
"""

from __future__ import annotations

from collections.abc import Iterable

from .text import name_key

# Masculine ending -> feminine ending, longest first (folded spellings: "vendeen", "alpin").
_FEMININE = (
    ("ois", "oise"),
    ("ais", "aise"),
    ("ien", "ienne"),
    ("een", "eenne"),
    ("ain", "aine"),
    ("in", "ine"),
    ("an", "ane"),
    ("ard", "arde"),
    ("iste", "iste"),
)
_FIRST_PARTS = {"haut": ("haut", "haute", "hauts", "hautes"), "bas": ("bas", "basse", "basses")}


def _plural(word: str) -> str:
    return word if word.endswith(("s", "x")) else word + "s"


def adjective_forms(key: str) -> set[str]:
    """Folded forms of an adjective's key: masculine and feminine, singular and plural
    ("haut savoyard" -> "haute savoyarde", "hauts savoyards", …)."""
    *head, last = key.split(" ")
    lasts = {last, _plural(last)}
    for masculine, feminine in _FEMININE:
        if last.endswith(masculine):
            female = last[: -len(masculine)] + feminine
            lasts |= {female, _plural(female)}
            break
    firsts = [_FIRST_PARTS.get(head[0], (head[0],)) if head else ("",)]
    out: set[str] = set()
    for first in firsts[0]:
        prefix = " ".join([first, *head[1:]]).strip()
        out |= {f"{prefix} {word}".strip() for word in lasts}
    return out


def demonym_index(rows: Iterable[list[str]]) -> dict[str, str]:
    """Folded form -> département code, from the table's rows (nom, code, sorte, source)."""
    out: dict[str, str] = {}
    for name, code, kind, *_ in rows:
        key = name_key(name)
        forms = adjective_forms(key) if kind == "adjectif" else {key}
        for form in forms:
            out.setdefault(form, code)
    return out
