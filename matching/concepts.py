"""Concepts: intents, objects and audiences found in a message, and the entries they point to.

Why concepts and not only synonyms: people state a need indirectly ("aucune candidature sur
notre annonce" is a need to publish an offer better) and the same word serves several needs
("chef de projet" to recruit one, or to finance the post). A concept gathers the ways of saying
one thing; an entry declares the combinations it answers (`answers: [recruter+chef-de-projet]`)
and the audiences it does not serve (`not_for: [lyceens]`). Everything is admin-edited YAML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .analyzer import Analyzer, Term
from .phrases import PhraseIndex, phrase_index
from .schema import Entry, OrientationRule, Vocabulary

__all__ = ["ConceptHit", "ConceptMatcher", "figure_span", "parse_answer", "unknown_references"]


# Terms after a `purpose` form ("pour piloter") in which an object is the mission's subject.
MISSION_TERMS = 4


class ConceptHit(NamedTuple):
    """A concept found in a message: where (term positions) and the user's words for it."""

    concept: str
    start: int
    end: int
    surface: str


def parse_answer(spec: str) -> tuple[str, ...]:
    """ "recruter+chef-de-projet" -> ("recruter", "chef-de-projet")."""
    return tuple(p.strip() for p in spec.split("+") if p.strip())


class ConceptMatcher:
    """Finds concepts in analysed terms: each form is analysed like the message, then matched
    as a run of stems, longest first (so "manager de commerce" wins over "manager").

    A form made of tool words and at most one stem ("a-t-on le droit", "peut-on", "conducteurs
    de car") is matched word for word, tool words included: its tool words carry its meaning,
    and without them it would be the bare word "droit". A concept with `with_any` counts only
    when the message also holds one of those concepts ("compétence" with "peut-on")."""

    def __init__(self, vocabulary: Vocabulary, analyzer: Analyzer) -> None:
        self.kinds = {cid: c.kind for cid, c in vocabulary.concepts.items()}
        self.labels = {cid: c.label for cid, c in vocabulary.concepts.items()}
        self._with_any = {cid: frozenset(c.with_any) for cid, c in vocabulary.concepts.items() if c.with_any}
        forms: dict[tuple[str, ...], str] = {}
        literal: dict[tuple[str, ...], str] = {}
        self._clashes: list[tuple[str, str, str]] = []
        for cid, concept in vocabulary.concepts.items():
            for form in concept.forms:
                tokens = analyzer.tokens(form)
                key = tuple(t.stem for t in tokens if not t.stop)
                table = forms
                if len(key) <= 1 and len(tokens) > len(key):
                    key, table = tuple(t.stem for t in tokens), literal
                if key and table.setdefault(key, cid) != cid:
                    self._clashes.append((form, cid, table[key]))
        self._sized = [
            (cid, c.population_min, c.population_max)
            for cid, c in vocabulary.concepts.items()
            if c.population_min is not None or c.population_max is not None
        ]
        self._by_first = phrase_index(forms)
        self._literal = phrase_index(literal)
        self.longest = max((len(k) for k in forms), default=1)

    def find(self, tokens: Sequence[Term]) -> list[ConceptHit]:
        """Concepts in the message, in order; one concept per run of terms. `tokens` are the
        message's terms, with its stop words when the caller has them (`Analyzer.tokens`); hit
        positions count terms only (stop words excluded). Literal forms are read first and their
        words are not read again ("du conseil" is never "conseil", advice)."""
        terms = [t for t in tokens if not t.stop]
        hits: list[ConceptHit] = []
        if self._literal and len(terms) < len(tokens):
            before = [0]
            for t in tokens:
                before.append(before[-1] + (not t.stop))
            hits = _scan([t.stem for t in tokens], self._literal, tokens, before, set())
        taken = {k for h in hits for k in range(h.start, h.end)}
        hits += _scan([t.stem for t in terms], self._by_first, terms, range(len(terms) + 1), taken)
        hits.sort(key=lambda h: (h.start, h.end))
        found = {h.concept for h in hits}
        return [h for h in hits if h.concept not in self._with_any or self._with_any[h.concept] & found]

    def with_population(
        self, hits: Sequence[ConceptHit], terms: Sequence[Term], population: int | None
    ) -> list[ConceptHit]:
        """`hits` plus the concepts whose population range holds the commune's stated size
        ("commune de 600 habitants" is a small rural commune, "ville de 32 000 habitants" a
        ville moyenne), placed on the figure's terms; a concept already found is not added again."""
        hits = list(hits)
        if population is None or not self._sized:
            return hits
        found = {h.concept for h in hits}
        start, end = figure_span(terms)
        surface = " ".join(t.surface for t in terms[start:end])
        for cid, low, high in self._sized:
            if (
                cid in found
                or (low is not None and population < low)
                or (high is not None and population > high)
            ):
                continue
            hits.append(ConceptHit(cid, start, end, surface))
        hits.sort(key=lambda h: (h.start, h.end))
        return hits

    def without_missions(self, hits: Sequence[ConceptHit]) -> tuple[list[ConceptHit], set[int]]:
        """`hits` without the objects named as the mission of a person sought ("un VTA pour
        piloter le CRTE": the contract is the volunteer's work, not the need), and the term
        positions of those objects, to be read as context: what follows a `purpose` form, up to
        MISSION_TERMS terms."""
        ends = [h.end for h in hits if self.kinds.get(h.concept) == "purpose"]
        if not ends:
            return list(hits), set()
        kept: list[ConceptHit] = []
        context: set[int] = set()
        for h in hits:
            kind = self.kinds.get(h.concept)
            if kind == "object" and any(end <= h.start < end + MISSION_TERMS for end in ends):
                context.update(range(h.start, h.end))
            elif kind != "purpose":
                kept.append(h)
        return kept, context

    def clashes(self) -> list[tuple[str, str, str]]:
        """(form, concept, other concept) for every form that analyses like another concept's
        form: the first concept defined would silently take the other's words."""
        return self._clashes


def figure_span(terms: Sequence[Term]) -> tuple[int, int]:
    """Term positions of the first figure and the word after it ("600 habitants", "32 000
    hab"): where a stated population is (see `matching.population`)."""
    start = next((k for k, t in enumerate(terms) if t.stem.isdigit()), len(terms))
    end = start
    while end < len(terms) and terms[end].stem.isdigit():
        end += 1
    return start, min(end + 1, len(terms))


def _scan(
    keys: Sequence[str],
    table: PhraseIndex[str],
    tokens: Sequence[Term],
    position: Sequence[int],
    taken: set[int],
) -> list[ConceptHit]:
    """Greedy longest-first matches of `table`'s forms over `keys`; `position[k]` is the term
    count before token k (hits are reported in term positions); runs over a `taken` term are
    skipped."""
    hits: list[ConceptHit] = []
    keys = tuple(keys)
    i = 0
    while i < len(keys):
        # One lookup per length of the forms starting with this word, longest first.
        for size, forms in table.get(keys[i], ()):
            cid = forms.get(keys[i : i + size])
            if cid is not None and (
                not taken or not any(k in taken for k in range(position[i], position[i + size]))
            ):
                run = [t.surface for t in tokens[i : i + size] if not t.stop] or [
                    t.surface for t in tokens[i : i + size]
                ]
                surface = " ".join(dict.fromkeys(run))
                hits.append(ConceptHit(cid, position[i], position[i + size], surface))
                i += size
                break
        else:
            i += 1
    return hits


def unknown_references(
    entries: Iterable[Entry], orientations: Iterable[OrientationRule], vocabulary: Vocabulary
) -> list[tuple[str, str, str]]:
    """(owner id, field, unknown concept) for every reference to a concept that does not exist."""
    known = set(vocabulary.concepts)
    out: list[tuple[str, str, str]] = []
    for entry in entries:
        for j, spec in enumerate(entry.answers):
            out.extend((entry.id, f"answers[{j}]", c) for c in parse_answer(spec) if c not in known)
        out.extend((entry.id, f"not_for[{j}]", c) for j, c in enumerate(entry.not_for) if c not in known)
    for cid, concept in vocabulary.concepts.items():
        out.extend((cid, f"with_any[{j}]", c) for j, c in enumerate(concept.with_any) if c not in known)
    for rule in orientations:
        for j, combo in enumerate(rule.when):
            out.extend((rule.id, f"when[{j}]", c) for c in combo if c not in known)
    return out
