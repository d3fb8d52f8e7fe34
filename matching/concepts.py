"""Concepts: intents, objects and audiences found in a message, and the entries they point to.

Why concepts and not only synonyms: people state a need indirectly ("aucune candidature sur
notre annonce" is a need to publish an offer better) and the same word serves several needs
("chef de projet" to recruit one, or to finance the post). A concept gathers the ways of saying
one thing; an entry declares the combinations it answers (`answers: [recruter+chef-de-projet]`)
and the audiences it does not serve (`not_for: [lyceens]`). Everything is admin-edited YAML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .analyzer import Analyzer, Term
from .schema import Entry, OrientationRule, Vocabulary

__all__ = ["ConceptHit", "ConceptMatcher", "parse_answer", "unknown_references"]


@dataclass(frozen=True, slots=True)
class ConceptHit:
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
    as a run of stems, longest first (so "manager de commerce" wins over "manager")."""

    def __init__(self, vocabulary: Vocabulary, analyzer: Analyzer) -> None:
        self.kinds = {cid: c.kind for cid, c in vocabulary.concepts.items()}
        self.labels = {cid: c.label for cid, c in vocabulary.concepts.items()}
        forms: dict[tuple[str, ...], str] = {}
        for cid, concept in vocabulary.concepts.items():
            for form in concept.forms:
                key = tuple(analyzer.stems(form))
                if key:
                    forms.setdefault(key, cid)
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key in sorted(forms, key=len, reverse=True):
            by_first.setdefault(key[0], []).append((key, forms[key]))
        self._by_first = by_first
        self.longest = max((len(k) for k in forms), default=1)

    def find(self, terms: Sequence[Term]) -> list[ConceptHit]:
        """Concepts in the message, in order; one concept per run of terms."""
        hits: list[ConceptHit] = []
        stems = [t.stem for t in terms]
        i = 0
        while i < len(stems):
            for key, cid in self._by_first.get(stems[i], ()):
                if tuple(stems[i : i + len(key)]) == key:
                    surface = " ".join(dict.fromkeys(t.surface for t in terms[i : i + len(key)]))
                    hits.append(ConceptHit(cid, i, i + len(key), surface))
                    i += len(key)
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
    for rule in orientations:
        for j, combo in enumerate(rule.when):
            out.extend((rule.id, f"when[{j}]", c) for c in combo if c not in known)
    return out
