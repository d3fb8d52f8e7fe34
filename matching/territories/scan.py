"""Scanning a message for place mentions: names, EPCI, postal codes, département numbers.

Why separate from the resolver: this is the part that decides whether words may be read as a
place at all (cue words, capitals, ordinary words, spelling slips); the resolver then only
combines the mentions found. See resolver.py for the overall rules.
"""

from __future__ import annotations

import re
from typing import Literal

from . import epcis
from . import lexicon as lx
from .exact import exact_at
from .fuzzy import fuzzy_at, fuzzy_codes
from .mention import MAX_WORK, NOTABLE_POPULATION, Mention
from .numbers import DEP_NUMBER
from .phrases import ending_sizes, first_word_lengths, last_words
from .tables import Tables
from .text import Token

CueKind = Literal["commune", "area"] | None

# Spelling-slip lookups per message: real messages need one or two; a long text in Title Case
# would otherwise cost tens of milliseconds.
MAX_FUZZY_LOOKUPS = 8
__all__ = [
    "DEP_NUMBER",
    "MAX_FUZZY_LOOKUPS",
    "MAX_WORK",
    "NOTABLE_POPULATION",
    "Mention",
    "Scan",
    "fuzzy_codes",
]
_SENTENCE_BREAK = re.compile(r"[.!?;:\n]")
_CLAUSE_END = re.compile(r"[.!?;:,\n]")
_BLOCKED_FIRST = first_word_lengths(lx.BLOCKED_PHRASES)
# Last words of the cues read by Scan._cue ("de" for "le centre-ville de …").
_CUE_ENDS = last_words(lx.COMMUNE_CUES) | last_words(lx.AREA_CUES) | {"de"}


def _longest(exact: Mention | None, named: Mention | None) -> Mention | None:
    """The longer of two readings starting at one word; a commune's or an area's on a tie."""
    if named is None or (exact is not None and exact.end >= named.end):
        return exact
    return named


class Scan:
    """One pass over a message's tokens; holds the per-message state."""

    def __init__(self, tables: Tables, text: str, tokens: list[Token]) -> None:
        self.t = tables
        self.text = text
        self.tokens = tokens
        self.keys = [tok.key for tok in tokens]
        self.blocked = self._blocked()
        search = _SENTENCE_BREAK.search
        self.breaks = [
            j == 0 or search(text, tokens[j - 1].end, tokens[j].start) is not None for j in range(len(tokens))
        ]
        # Per token: the sentence's first token, and the last blocked token before it (or -1),
        # so that the cue lookups test "a break or a blocked word in between" in O(1).
        self.sentence = [0] * len(tokens)
        self.last_blocked = [-1] * (len(tokens) + 1)
        for j in range(len(tokens)):
            self.sentence[j] = j if self.breaks[j] else self.sentence[j - 1]
            self.last_blocked[j + 1] = j if self.blocked[j] else self.last_blocked[j]
        # First blocked word or number at or after each token: names never span one.
        self.stop = [len(tokens)] * (len(tokens) + 1)
        for j in range(len(tokens) - 1, -1, -1):
            self.stop[j] = j if self.blocked[j] or self.keys[j].isdigit() else self.stop[j + 1]
        self.fuzzy_budget = MAX_FUZZY_LOOKUPS
        self.work = 0  # exact-name lookups and fuzzy comparisons done (bounded by MAX_WORK)
        # In a message written in capitals, a capital says nothing about proper nouns.
        letters = sum(map(str.isalpha, text))
        self.shouting = letters >= 8 and sum(map(str.isupper, filter(str.isalpha, text))) >= 0.7 * letters
        self.follow_up = self._follow_up_start()

    def _follow_up_start(self) -> int | None:
        """Index of the first place word of a short follow-up ("et pour Brest ?"), else None."""
        if not 2 <= len(self.keys) <= 7:
            return None
        for size in (5, 4, 3, 2, 1):
            if " ".join(self.keys[:size]) in lx.FOLLOW_UP_OPENERS and size < len(self.keys):
                return size
        return None

    def capital(self, j: int) -> bool:
        """Whether token j was written with a capital that means something."""
        return self.tokens[j].capitalised and not self.shouting

    def _blocked(self) -> list[bool]:
        out = [False] * len(self.keys)
        n = len(self.keys)
        for i in range(n):
            longest = _BLOCKED_FIRST.get(self.keys[i], 0)
            for size in range(1, min(6, longest, n - i) + 1):
                if " ".join(self.keys[i : i + size]) in lx.BLOCKED_PHRASES:
                    for j in range(i, i + size):
                        out[j] = True
        return out

    def _break_before(self, i: int) -> bool:
        """True at the start of the message or of a sentence (a capital there means little)."""
        return self.breaks[i]

    def _phrase_before(self, i: int, phrases: frozenset[str]) -> int | None:
        """Index of the first token of a phrase from `phrases` ending just before token i."""
        sizes = ending_sizes(phrases).get(self.keys[i - 1]) if i else None
        if sizes is None:
            return None  # most words end no cue phrase: one lookup
        for size in sizes:
            start = i - size
            if size > 4 or start < 0 or (self.last_blocked[i] >= start and phrases is not lx.PLACE_NOUNS):
                continue
            if self.sentence[i] > start:  # a sentence break inside the phrase or before token i
                continue
            if " ".join(self.keys[start:i]) in phrases:
                return start
        return None

    def _cue(self, i: int) -> tuple[CueKind, int]:
        """Kind of cue word before token i, and where the place's span starts."""
        if self.follow_up is not None and i == self.follow_up:
            return "commune", self._trim(0, i)
        if i == 0 or self.keys[i - 1] not in _CUE_ENDS:
            return None, i  # the word before ends no cue phrase
        if (
            i >= 2
            and self.keys[i - 1] == "de"
            and not self._break_before(i)
            and not self._break_before(i - 1)
        ):
            noun = self._phrase_before(i - 1, lx.PLACE_NOUNS)
            if noun is not None:  # "le centre-ville de vannes", "les élus de quimper"
                return "commune", i - 1
        start = self._phrase_before(i, lx.COMMUNE_CUES)
        if start is not None:
            area = self._phrase_before(i, lx.AREA_CUES)
            if area is not None and area < start:
                return "area", self._trim(area, i)
            return "commune", self._trim(start, i)
        start = self._phrase_before(i, lx.AREA_CUES)
        if start is not None:
            return "area", self._trim(start, i)
        return None, i

    def _trim(self, start: int, i: int) -> int:
        """Keep only the small words of a cue in the span ("de" of "commune de"): nouns like
        "commune", "habitants" or "département" stay in the need text."""
        while start < i and self.keys[start] not in lx.PREPOSITIONS:
            start += 1
        return start

    def _span(self, first: int, end: int) -> tuple[int, int]:
        start, stop = self.tokens[first].start, self.tokens[end - 1].end
        if start > 0 and self.text[start - 1] == "(" and self.text[stop : stop + 1] == ")":
            return start - 1, stop + 1
        return start, stop

    # -- names ---------------------------------------------------------------------------

    @property
    def fuzzy_lookups(self) -> int:
        """Spelling-slip lookups done so far (each one a rapidfuzz search over many names)."""
        return MAX_FUZZY_LOOKUPS - self.fuzzy_budget

    def names(self) -> list[Mention]:
        out: list[Mention] = []
        t = self.t
        i, n = 0, len(self.keys)
        while i < n and self.work <= MAX_WORK:
            if self.blocked[i] or self.keys[i].isdigit():
                i += 1
                continue
            # Most words start no place name, legal form, demonym or acronym: only a slip is left.
            key = self.keys[i]
            may_start = (
                key in t.name_first_words
                or key in t.epci_short_first
                or key in t.demonym_first
                or key in epcis.STARTERS
                or self.tokens[i].raw.isupper()
            )
            mention = None
            if may_start:
                mention = epcis.with_form_at(self, i) or _longest(exact_at(self, i), epcis.named_at(self, i))
            if mention is not None and mention.kind != "epci" and self._joined(mention.end - 1):
                found = self._cut_compound(i, mention)
                if not found:
                    i = self._compound_end(mention.end - 1)
                    continue
                out.extend(found)
                i = found[-1].end
                continue
            if mention is None and may_start:
                mention = self._demonym_at(i)
            mention = mention or fuzzy_at(self, i)
            if mention is None:
                i += 1
                continue
            out.append(mention)
            i = mention.end
        return out

    def _consistent(self, mention: Mention, dep: str | None, region: str | None) -> bool:
        """Whether one of the mention's communes lies in that département or région."""
        for code in mention.codes:
            row = self.t.commune(code)
            if row is None:
                continue
            if dep and row.dep == dep:
                return True
            home = self.t.departements.get(row.dep)
            if region and home is not None and home.region == region:
                return True
        return False

    def _cut_compound(self, i: int, mention: Mention) -> list[Mention]:
        """An exact name that stops inside a hyphenated compound ("Vinon" in "Vinon-sur-Veerdon").

        Either the rest names a département or région ("Saint-Denis-de-la-Réunion"), or the
        whole compound is a misspelt name; otherwise the compound is an unknown name and the
        partial match is dropped rather than guessed.
        """
        end = self._compound_end(mention.end - 1)
        epcis = self.t.epci_short_keys.get(" ".join(self.keys[i:end]))
        if epcis:  # "Saint-Quentin-en-Yvelines", "Paris-Saclay": an intercommunality's name
            _, cue_start = self._cue(i)
            return [Mention("epci", tuple(epcis), i, end, self._span(cue_start, end))]
        rest = mention.end
        while rest < end and self.keys[rest] in lx.NAME_GLUE:
            rest += 1
        rest_key = " ".join(self.keys[rest:end])
        dep = self.t.departement_keys.get(rest_key)
        region = self.t.region_keys.get(rest_key)
        if rest < end and (dep or region) and self._consistent(mention, dep, region):
            area = Mention(
                "departement" if dep else "region",
                ((dep or region) or "",),
                rest,
                end,
                self._span(mention.end, end),
            )
            return [mention, area]
        whole = fuzzy_at(self, i, end, compound=True)
        return [whole] if whole else []

    def _evidence(
        self, i: int, end: int, population: int, kind: str, notable: bool = False
    ) -> tuple[bool, int]:
        """Whether the words i..end may be read as this place, and where its cue starts.

        The rule, decided on the golden cases and the catalogue's sentences: a préfecture, a
        sous-préfecture or a town of 10,000 people is a place unless the context says it is
        the ordinary word (a determiner or a noun before it, "les tours", "le bon sens"); a
        small commune named like an ordinary word needs the user's marks (a cue word, a
        capital not at the start of a sentence, a postal code or a département next to it).
        """
        cue, cue_start = self._cue(i)
        words = [k for k in self.keys[i:end] if k not in lx.NAME_GLUE]
        if not words or self._after_locality_noun(i):
            return False, i
        first = next(j for j in range(i, end) if self.keys[j] not in lx.NAME_GLUE)
        cap = self.capital(first)
        initial = self._break_before(i)
        if self._number_follows(end):
            return True, cue_start
        if len(words) >= 2:
            # "Saint-Louis", "Clermont-Ferrand", "pas de calais": a capital, a cue or a full
            # département or région name is enough; lower-case several-word commune names are
            # taken unless all their words are ordinary words.
            plain = all(w in self.t.common_words or w in lx.INSTITUTION_WORDS for w in words)
            return bool(cap or cue or kind in ("departement", "region") or not plain), cue_start
        word = words[0]
        institution = word in lx.INSTITUTION_WORDS
        common = word in self.t.common_words or institution
        if institution and self._of_follows(end):
            return False, cue_start  # "à la Chambre d'agriculture", "au Syndicat des eaux"
        if kind in ("departement", "region"):
            if not common:
                return True, cue_start
            # "dans le nord", "la Manche", but not "au nord de la ville"
            followed = end < len(self.keys) and self.keys[end] in ("de", "du", "des", "d")
            # A sentence's first word has its capital anyway: "Réunion avec France Travail" is a
            # meeting; "Manche : …", "Nord, on cherche…" stand alone as a heading does.
            opening = self._break_before(first) and not self._clause_ends(end)
            marked = cue == "area" or (cap and not opening) or self._need_tail(i, end)
            return bool(marked and not followed), cue_start
        if not common:
            if cue or cap or kind != "commune":
                return True, cue_start
            long_word = population >= 5000 and len(word) >= 5
            return long_word or (notable and self._need_tail(i, end)), cue_start
        if notable and not institution:
            if cue == "commune" or (cap and not (initial and self._of_follows(end))):
                return True, cue_start
            if self._need_tail(i, end):
                return True, cue_start  # "recrut manager centre ville grasse"
            if word in lx.FREQUENT_WORDS:
                return False, cue_start  # "un gilet orange", "ça n'a pas de sens"
            return not self._determiner_before(i), cue_start
        # One ordinary word ("Pont", "Sens", "Ligné"): it needs the user's clear marks.
        if cap and (cue or population >= 100_000):
            return True, cue_start
        if cap and not initial and not institution and population >= 2000:
            return True, cue_start
        return cue == "commune" and kind == "commune" and not institution and population >= 20_000, cue_start

    def _need_tail(self, i: int, end: int) -> bool:
        """One word ending the message or a clause right after a need word or phrase
        ("selection pvd somme, …", "manager centre ville grasse"): the place of a telegraphic
        request, with no determiner before it and no noun it could qualify."""
        if end - i != 1 or i == 0 or self._break_before(i):
            return False
        after = self.text[self.tokens[i].end : self.tokens[end].start] if end < len(self.tokens) else ""
        if end < len(self.tokens) and not _CLAUSE_END.search(after):
            return False
        before = self.keys[i - 1]
        return before in lx.NEED_TAIL or self.blocked[i - 1]

    def _clause_ends(self, end: int) -> bool:
        """Whether the words before token `end` end the message or a clause ("Manche : …")."""
        if end >= len(self.tokens):
            return True
        gap = self.text[self.tokens[end - 1].end : self.tokens[end].start]
        return bool(_CLAUSE_END.search(gap)) or "(" in gap

    def _of_follows(self, end: int) -> bool:
        """ "Tours de table", "Sens de la marche": the word starts a noun phrase."""
        return end < len(self.keys) and self.keys[end] in ("de", "du", "des", "d")

    def _determiner_before(self, i: int) -> bool:
        """Whether a determiner comes right before token i in the same sentence ("les vannes")."""
        if self._break_before(i):
            return False
        return self._phrase_before(i, lx.DETERMINERS) is not None

    def _number_follows(self, end: int) -> bool:
        if end >= len(self.keys):
            return False
        key = self.keys[end]
        return bool(DEP_NUMBER.match(key)) or (len(key) == 5 and key in self.t.postal)

    def _demonym_at(self, i: int) -> Mention | None:
        """ "le bocage vendéen", "Pays bigouden": a département adjective or a well-known pays."""
        longest = self.t.demonym_first.get(self.keys[i], 0)
        for size in range(min(longest, self.stop[i] - i), 0, -1):
            if self.work >= MAX_WORK:
                return None
            self.work += 1
            code = self.t.demonyms.get(" ".join(self.keys[i : i + size]))
            if code is not None and not self._joined(i + size - 1):
                _, cue_start = self._cue(i)
                return Mention("departement", (code,), i, i + size, self._span(cue_start, i + size))
        return None

    def _joined(self, i: int) -> bool:
        """True when token i and i+1 form one compound name ("Saint-Denis", "L'Isle")."""
        if i + 1 >= len(self.tokens):
            return False
        gap = self.text[self.tokens[i].end : self.tokens[i + 1].start]
        return gap in ("-", "'", "’", " - ")

    def _compound_end(self, i: int) -> int:
        """Token after the hyphenated compound that token i belongs to (from i on)."""
        while self._joined(i):
            i += 1
        return i + 1

    def _after_locality_noun(self, i: int) -> bool:
        """Whether token i starts the name of a street or of a named locality inside a commune
        ("rue des Lilas", "le quartier des Fontanilles"), not a commune's."""
        j = i
        while j > 0 and self.keys[j - 1] in lx.NAME_GLUE and not self._break_before(j):
            j -= 1
        if j == 0 or j == i:
            return False
        noun = self.keys[j - 1]
        article = any(k in ("des", "du", "la", "le", "les", "l") for k in self.keys[j:i])
        return noun in lx.STREET_NOUNS or (noun in lx.LOCALITY_NOUNS and article)
