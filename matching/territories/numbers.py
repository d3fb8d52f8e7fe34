"""Numbers in a message that name places: postal codes, INSEE codes, département numbers.

Why apart from the names' scan: numbers follow their own rules (amounts, dates and quantities
are far more frequent than postal codes), and read only the scan's words and cues.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import lexicon as lx
from .mention import Mention

if TYPE_CHECKING:
    from .scan import Scan

DEP_NUMBER = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2a|2b|97[1-6])$")
_CORSICA_INSEE = re.compile(r"^2[ab]\d{3}$")


def numbers(scan: Scan, names: list[Mention]) -> list[Mention]:
    """Postal codes, INSEE codes and département numbers."""
    out: list[Mention] = []
    name_ends = {m.end for m in names}
    covered = {j for m in names for j in range(m.start, m.end)}
    for i, tok in enumerate(scan.tokens):
        key = tok.key
        if i in covered or not (key.isdigit() or key in ("2a", "2b") or _CORSICA_INSEE.match(key)):
            continue
        after = scan.keys[i + 1] if i + 1 < len(scan.keys) else ""
        if after in lx.QUANTITY_WORDS or scan.text[tok.end : tok.end + 1] in ("€", "%"):
            continue
        near_name = i in name_ends
        if len(key) == 5:
            mention = _five_digits(scan, i, near_name)
            if mention:
                out.append(mention)
            continue
        if not DEP_NUMBER.match(key):
            continue
        code = key.upper()
        in_parens = scan._span(i, i + 1) != (tok.start, tok.end)
        cue_start = scan._phrase_before(i, lx.NUMBER_CUES)
        if cue_start is None and after not in lx.DATE_WORDS and not after.isdigit():
            cue_start = scan._phrase_before(i, lx.LOOSE_NUMBER_CUES)  # "les jeunes du 93"
        raw_corsica = tok.raw in ("2A", "2B")
        if in_parens or near_name or cue_start is not None or raw_corsica:
            first = scan._trim(cue_start, i) if cue_start is not None else i
            out.append(Mention("departement", (code,), i, i + 1, scan._span(first, i + 1)))
    return out


def _five_digits(scan: Scan, i: int, near_name: bool) -> Mention | None:
    key = scan.keys[i].upper()
    insee_cue = scan._phrase_before(i, lx.INSEE_CUES)
    if insee_cue is not None and scan.t.commune(key):
        return Mention("commune", (key,), i, i + 1, scan._span(insee_cue, i + 1))
    cue, cue_start = scan._cue(i)
    # Round numbers are amounts more often than postal codes: "10000" needs a cue word,
    # "44000" is read unless an amount is announced ("une enveloppe de 15000").
    before = scan.keys[i - 1] if i > 0 and not scan._break_before(i) else ""
    amount = before in lx.AMOUNT_WORDS
    marked = near_name or cue is not None or not key.endswith("000") or not (key.endswith("0000") or amount)
    communes = scan.t.postal_communes(key)
    if communes and marked:
        return Mention("postal", communes, i, i + 1, scan._span(cue_start, i + 1))
    if scan.t.commune(key) and (marked or key[:2] in ("2A", "2B")):
        return Mention("commune", (key,), i, i + 1, scan._span(cue_start, i + 1))
    return None
