"""EPCI mentions: with a legal form ("communauté de communes du Diois", "Lorient agglo") or
named alone, as people name their intercommunality ("Beauce Val de Loire", "Pays diois").

Why a module of its own: the name of an EPCI without its legal form is the riskiest reading of
all (EPCI names are made of ordinary words and of commune names), so its rules are kept
together: the whole short name of an EPCI from the EPCI table, optionally after "Pays" or
"Grand", written with a capital (or in a hyphenated compound), never a commune's, a
département's or a région's name, and within the message's work budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from . import lexicon as lx
from .mention import MAX_WORK, Mention
from .phrases import first_word_lengths

if TYPE_CHECKING:
    from .scan import Scan

# Words people put before an EPCI's own name ("le Pays diois" for the CC du Diois).
_PREFIXES = frozenset({"pays", "grand"})
_CUE_FIRST = frozenset(first_word_lengths(lx.EPCI_CUES))
# Words an EPCI reading may start with besides a short name's first word (see Scan.names).
STARTERS = _CUE_FIRST | _PREFIXES


def with_form_at(scan: Scan, i: int) -> Mention | None:
    """ "communauté de communes du Pays de X", "CA du Grand Y", "métropole de Lyon"."""
    t = scan.t
    keys = scan.keys
    acronym = _acronym_at(scan, i)
    if acronym is not None:
        return acronym
    suffixed = _suffixed_at(scan, i)
    if suffixed is not None:
        return suffixed
    if keys[i] not in _CUE_FIRST:
        return None
    form_end = 0
    for size in (3, 2, 1):
        if " ".join(keys[i : i + size]) in lx.EPCI_CUES:
            form_end = i + size
            break
    if not form_end:
        return None
    if keys[i] in ("cc", "ca", "cu") and not scan.tokens[i].raw.isupper():
        return None
    start = form_end
    for size in (2, 1):
        if " ".join(keys[start : start + size]) in lx.LINKS:
            start += size
            break
    n = min(len(keys), start + 10)
    for end in range(n, start, -1):
        key = " ".join(keys[start:end])
        codes = t.epci_short_keys.get(key) or t.epci_keys.get(" ".join(keys[i:end]))
        if codes:
            return Mention("epci", tuple(codes), i, end, scan._span(i, end), name=key, sender=True)
    for end in range(n, start, -1):
        key = " ".join(keys[start:end])
        if len(key) < 5 or scan.fuzzy_budget <= 0:
            break
        scan.fuzzy_budget -= 1
        found = process.extractOne(key, t.epci_short_near(len(key)), scorer=fuzz.ratio, score_cutoff=90)
        if found is not None:
            return Mention(
                "epci", tuple(t.epci_short_keys[found[0]]), i, end, scan._span(i, end), name=found[0]
            )
    return None


def _acronym_at(scan: Scan, i: int) -> Mention | None:
    """ "la CINOR", "la COPAMO", "CC VBA": the acronym an EPCI's name gives, written in capitals
    (in a message written all in capitals, capitals say nothing)."""
    if scan.shouting or not scan.tokens[i].raw.isupper():
        return None  # both readings need token i in capitals
    for size in (2, 1):
        end = i + size
        if end > scan.stop[i] or not all(scan.tokens[j].raw.isupper() for j in range(i, end)):
            continue
        codes = scan.t.epci_acronyms.get(" ".join(scan.keys[i:end]))
        if codes:
            _, cue_start = scan._cue(i)
            return Mention("epci", tuple(codes), i, end, scan._span(cue_start, end))
    return None


def _suffixed_at(scan: Scan, i: int) -> Mention | None:
    """ "Guingamp-Paimpol Agglomération", "Toulouse Métropole": a short name then a legal form."""
    keys = scan.keys
    n = len(keys)
    longest = scan.t.epci_short_first.get(keys[i], 0)  # no short name starts here: no loop
    for end in range(min(n - 1, i + 8, i + longest), i, -1):
        key = " ".join(keys[i:end])
        codes = scan.t.epci_short_keys.get(key)
        if not codes:
            continue
        for size in (3, 2, 1):
            if end + size <= n and " ".join(keys[end : end + size]) in lx.EPCI_SUFFIXES:
                _, cue_start = scan._cue(i)
                return Mention(
                    "epci", tuple(codes), i, end + size, scan._span(cue_start, end + size), name=key
                )
    return None


def named_at(scan: Scan, i: int) -> Mention | None:
    """An EPCI named without its legal form: its whole short name, or "Pays"/"Grand" and it."""
    keys = scan.keys
    firsts = [i]
    if keys[i] in _PREFIXES and i + 1 < scan.stop[i]:
        firsts.append(i + 1)  # "Pays diois": the CC du Diois
    for first in firsts:
        longest = scan.t.epci_short_first.get(keys[first], 0)
        for size in range(min(longest, scan.stop[first] - first), 0, -1):
            if scan.work >= MAX_WORK:
                return None
            scan.work += 1
            end = first + size
            key = " ".join(keys[first:end])
            codes = scan.t.epci_short_keys.get(key)
            if codes and _marked(scan, i, end, key):
                _, cue_start = scan._cue(i)
                return Mention("epci", tuple(codes), i, end, scan._span(cue_start, end), name=key)
    return None


def _marked(scan: Scan, i: int, end: int, key: str) -> bool:
    """Whether words i..end are written as the EPCI's name rather than as ordinary words.

    A commune's, a département's or a région's name keeps its own reading; the name must not
    stop inside a hyphenated compound; one word alone needs a capital after an article ("le
    Thouarsais"); several words need a capital (not only the sentence's first letter when they
    are all ordinary words, and then no "de …" after them) or a compound written with hyphens.
    """
    t = scan.t
    if key in t.commune_keys or key in t.departement_keys or key in t.region_keys or key in t.alias_keys:
        return False
    if scan._joined(end - 1) or (i > 0 and scan._joined(i - 1)):
        return False
    content = [j for j in range(i, end) if scan.keys[j] not in lx.NAME_GLUE]
    words = [scan.keys[j] for j in content]
    ordinary = [w in t.common_words or w in lx.INSTITUTION_WORDS for w in words]
    if scan.shouting:
        return len(words) >= 2 and not all(ordinary)
    caps = [j for j in content if scan.capital(j)]
    compound = all(scan._joined(j) for j in range(i, end - 1)) and end - i >= 2
    if len(words) == 1:
        article = i > 0 and scan.keys[i - 1] in ("le", "la", "les", "l", "du", "des", "au", "aux")
        return bool(caps) and article and not ordinary[0]
    if compound and caps:
        return True
    if all(ordinary):
        # "Grand Lac", but not "le Grand Lac de la ville": ordinary words going on as a noun phrase
        if scan._of_follows(end):
            return False
        return len([j for j in caps if not scan._break_before(j)]) >= 1 and len(caps) >= 2
    return bool(caps)


_EPCI_FORMS = (
    "communaute de communes",
    "communaute d agglomeration",
    "communaute urbaine",
    "metropole",
    "eurometropole",
    "agglomeration",
    "communaute",
    "agglo",
)
_LINKS = ("du ", "de la ", "de l ", "des ", "de ", "d ")


def epci_short_names(key: str) -> list[str]:
    """Names of an EPCI without its legal form: "communaute de communes du pays de x" ->
    ["pays de x"], "toulouse metropole" -> ["toulouse"] (only used after a legal-form cue)."""
    out: list[str] = []
    for form in _EPCI_FORMS:
        if key.startswith(form + " "):
            rest = key[len(form) + 1 :]
            for link in _LINKS:
                if rest.startswith(link):
                    rest = rest[len(link) :]
                    break
            out.append(rest)
            # "guingamp paimpol agglomeration de l armor ..." is also known as "guingamp paimpol".
            for inner in (" agglomeration", " communaute", " metropole", " agglo"):
                if inner in rest:
                    out.append(rest[: rest.index(inner)])
            break
        if key.endswith(" " + form):
            out.append(key[: -len(form) - 1])
            break
    # Never a bare article or link ("L'agglo Foix-Varilhes" is not known as "l").
    return [s for s in out if len(s) >= 3 and s not in ("les", "des", "pays", "grand")]
