"""Spelling slips: names a user misspelt ("Dunkerke", "Guingamps"), read only where the user
marked a place (a cue word or a capital), within the message's budget of searches.

Why apart from the exact scan: this is the costly part (rapidfuzz over thousands of names) and
the most error-prone, so its conditions are kept together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import lexicon as lx
from .mention import Kind, Mention
from .tables import Tables
from .text import sound_key

if TYPE_CHECKING:
    from .scan import Scan

MAX_NAME_WORDS = 9  # longest commune, département or région name, in words


def fuzzy_codes(tables: Tables, key: str, *, lowercase: bool) -> list[str]:
    """Commune codes whose name is a slip of `key` (phonetic twin or 1-2 edits away).

    Only names of about the same length and the same first letter are compared; for a
    lower-case word (weaker sign of a place) only phonetic twins and long names qualify.
    """
    if len(key) < 5 or key in tables.common_words or (lowercase and len(key) < 8):
        return []  # "au guichet" is not "Guiche": short lower-case words are ordinary words
    sounds = tables.commune_sounds.get(sound_key(key))
    if sounds:
        return sounds.split(" ")
    budget = 2 if len(key) >= 12 else 1
    best: dict[str, int] = {}
    for length in range(len(key) - budget, len(key) + budget + 1):
        choices = tables.prefix_index.get((key[0], length))
        if not choices:
            continue
        for choice, distance, _ in process.extract(
            key, choices, scorer=Levenshtein.distance, score_cutoff=budget, limit=20
        ):
            if choice in tables.commune_keys:
                best[choice] = int(distance)
    if not best:
        return []
    closest = min(best.values())
    return [c for k, d in best.items() if d == closest for c in tables.commune_codes(k)]


def fuzzy_at(scan: Scan, i: int, only_end: int | None = None, *, compound: bool = False) -> Mention | None:
    """Spelling slips, only where the user marked a place (cue word or capital; a
    capitalised hyphenated compound counts even at the start of a sentence)."""
    if scan.keys[i] in lx.NAME_GLUE or scan.blocked[i]:
        return None
    if scan.keys[i] in lx.PREPOSITIONS or scan.keys[i] in ("a", "et", "ou", "pour"):
        return None  # "A BREST" is "à Brest", never "Abrest"
    cue, cue_start = scan._cue(i)
    cap = scan.capital(i)
    subject = cap and not cue and _opens_subject(scan, i)
    if not (cue or subject or (cap and (compound or not scan._break_before(i)))):
        return None
    if scan._after_locality_noun(i):
        return None  # "le quartier des Fontanilles" is not Fontenilles
    ends = [only_end] if only_end is not None else _unit_ends(scan, i)
    for end in ends:
        if scan.keys[end - 1] in lx.NAME_GLUE or any(scan.blocked[i:end]):
            continue
        key = " ".join(scan.keys[i:end])
        if end - i == 1 and (
            len(key) < 4
            or key in scan.t.common_words
            or key in lx.INSTITUTION_WORDS
            or key in lx.INSTITUTION_PLURALS
        ):
            continue
        if end - i == 1 and cue is None and (len(key) < 6 or (i > 0 and scan.capital(i - 1))):
            continue  # a capitalised word without cue, short or after another one: a surname?
        area = scan.t.area_sounds.get(sound_key(key))
        if area is not None and (cue == "area" or cap):
            dep = scan.t.departement_keys.get(area)
            region = scan.t.region_keys.get(area)
            kind: Kind = "departement" if dep else "region"
            code = dep or region
            assert code is not None
            return Mention(kind, (code,), i, end, scan._span(cue_start, end))
        if scan.fuzzy_budget <= 0:
            return None
        scan.fuzzy_budget -= 1
        codes = fuzzy_codes(scan.t, key, lowercase=not cap)
        if codes and subject and not _big_town(scan.t, codes):
            return None  # a sentence's first word: only a slip of a town everybody names
        if codes:
            return Mention("commune", tuple(codes), i, end, scan._span(cue_start, end), fuzzy=True)
    return None


def _opens_subject(scan: Scan, i: int) -> bool:
    """ "Perpigan recrute…": one word opening a sentence, then a verb of which it is the subject."""
    if not scan._break_before(i) or i + 1 >= len(scan.keys) or scan._break_before(i + 1):
        return False
    return scan.keys[i + 1] in lx.SUBJECT_VERBS and not scan._joined(i)


def _big_town(tables: Tables, codes: list[str]) -> bool:
    """Whether one of these communes is a town of 20,000 people or more, five times bigger
    than the others (the resolver takes a misspelt name only then, see resolver._dominant)."""
    sizes = sorted(((row.population if (row := tables.commune(c)) else 0) for c in codes), reverse=True)
    return bool(sizes) and sizes[0] >= 20_000 and (len(sizes) == 1 or sizes[0] >= 5 * max(sizes[1], 1))


def _unit_ends(scan: Scan, i: int) -> list[int]:
    """Ends (longest first) of the tokens from i that may be one misspelt name: not cutting a
    hyphenated compound, and made of capitalised words, glue words or hyphen-joined parts."""
    last = min(len(scan.keys), i + MAX_NAME_WORDS)
    j = i + 1  # first token that cannot go on the name
    while j < last and (scan._joined(j - 1) or scan.capital(j) or scan.keys[j] in lx.NAME_GLUE):
        j += 1
    return [end for end in range(j, i, -1) if not scan._joined(end - 1)]
