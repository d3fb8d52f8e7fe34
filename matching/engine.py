"""The engine: one object that answers a message with ranked entries, a place and contacts.

Built once from the knowledge directory (analysis and indexing happen at load time), then
`ask` is a pure function of the message and an optional remembered territory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .analyzer import Analyzer, Term
from .answer import Answer, Contact, Ranked, Status, Territory
from .contacts import ContactRouter
from .conversation import ConversationReader
from .loader import Knowledge, Problem, load_knowledge
from .normalise import words
from .schema import Entry
from .scoring import Index, Scored, entry_fields

__all__ = [
    "MAX_QUERY_CHARS",
    "Engine",
    "PlaceFinder",
    "PlaceResolutionLike",
    "in_perimeter",
    "territory_codes",
]

# Long pastes are truncated for matching rather than refused: the need is nearly always stated
# in the first sentences.
MAX_QUERY_CHARS = 1000
NO_MATCH_BELOW = 48.0
AMBIGUITY_MARGIN = 8.0
# A message resting on one common word ("emploi", "recruter") is not a clear need, whatever
# its coverage: below this IDF-weighted evidence the bot asks which entry is meant.
MIN_EVIDENCE = 2.0


class PlaceResolutionLike(Protocol):
    """What the engine needs from a place resolution (see `matching.territories`)."""

    @property
    def territory(self) -> Territory | None: ...
    @property
    def candidates(self) -> tuple[Territory, ...]: ...
    @property
    def spans(self) -> tuple[tuple[int, int], ...]: ...


class PlaceFinder(Protocol):
    """The territory resolver, kept behind a protocol so the engine can run without tables."""

    def resolve(self, text: str) -> PlaceResolutionLike: ...
    def prefecture(self, dep_code: str) -> str | None: ...
    def commune(self, code: str) -> Territory | None: ...
    def search_communes(self, name: str) -> list[Territory]: ...


@dataclass(frozen=True)
class _NoPlace:
    territory: Territory | None = None
    candidates: tuple[Territory, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()


class Engine:
    """Matches needs to catalogue entries and routes contacts for a territory."""

    def __init__(self, knowledge: Knowledge, places: PlaceFinder | None = None) -> None:
        self.knowledge = knowledge
        self.places = places
        self.analyzer = Analyzer(knowledge.vocabulary)
        self.analyzer.learn(t for e in knowledge.entries for texts in entry_fields(e).values() for t in texts)
        self.index = Index(knowledge.entries, self.analyzer)
        self.conversation = ConversationReader(knowledge.vocabulary.conversation, self.analyzer.stop_words)
        self.router = ContactRouter.for_knowledge(knowledge, places.prefecture if places else None)
        self._by_id = {e.id: e for e in knowledge.entries}
        self._has_perimeters = any(e.perimeter for e in knowledge.entries)

    @classmethod
    def load(cls, directory: Path | None = None, *, territories: bool = True) -> Engine:
        """Loads knowledge (raises `KnowledgeError`) and, when present, the territory tables."""
        return cls.from_knowledge(load_knowledge(directory), territories=territories)

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge, *, territories: bool = True) -> Engine:
        """Engine for already validated knowledge, with its territory tables when present."""
        places: PlaceFinder | None = None
        if territories and (knowledge.directory / "territoires").is_dir():
            from .territories import PlaceResolver

            places = PlaceResolver.load(knowledge.directory)
        return cls(knowledge, places)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.knowledge.entries

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    # -- answering --------------------------------------------------------------------------

    def resolve_place(self, text: str) -> PlaceResolutionLike:
        """Place named in a message, or an empty resolution when tables are not loaded."""
        if self.places is None or not text.strip():
            return _NoPlace()
        return self.places.resolve(text[:MAX_QUERY_CHARS])

    def need_terms(self, text: str, spans: Sequence[tuple[int, int]] = ()) -> list[Term]:
        """Analysed terms of the need, with the place's words removed."""
        text = text[:MAX_QUERY_CHARS]
        for start, end in sorted(spans, reverse=True):
            text = text[:start] + " " + text[end:]
        return self.analyzer.terms(text, correct=True)

    def ask(
        self,
        text: str,
        *,
        top: int = 5,
        territory: Territory | None = None,
        place: PlaceResolutionLike | None = None,
    ) -> Answer:
        """Answers a message; `territory` is the remembered place, used when the message names none;
        `place` is the message's place resolution when the caller already has it.

        Conversation words alone give `chitchat`, a place or an identity alone `place_only`;
        several needs joined by a separator ("… et aussi …") are answered one by one in `needs`.
        """
        text = text[:MAX_QUERY_CHARS]
        place = place if place is not None else self.resolve_place(text)
        here, candidates = _here(place, territory)
        reading = self.conversation.read(self._words_outside(text, place.spans))
        if not reading.has_content and (reading.identity or place.territory or place.candidates):
            return Answer(
                query=text,
                status="place_only",
                territory=here,
                territory_candidates=candidates,
                social=reading.social,
            )
        if not reading.has_content and reading.social is not None:
            return Answer(
                query=text,
                status="chitchat",
                territory=here,
                territory_candidates=candidates,
                social=reading.social,
            )
        needs = self._several_needs(text, place, here, candidates, top)
        if needs:
            return needs[0].model_copy(update={"query": text, "needs": tuple(needs)})
        return self._answer(text, place.spans, here, candidates, top)

    def _several_needs(
        self,
        text: str,
        place: PlaceResolutionLike,
        here: Territory | None,
        candidates: tuple[Territory, ...],
        top: int,
    ) -> list[Answer]:
        """One answer per piece of the message when at least two pieces are needs for different
        entries; empty otherwise (the message is then read as one need)."""
        pieces = self.conversation.split(text)
        if len(pieces) < 2:
            return []
        answers: list[Answer] = []
        for start, end in pieces:
            spans = [
                (max(a, start) - start, min(b, end) - start) for a, b in place.spans if a < end and b > start
            ]
            answer = self._answer(text[start:end], spans, here, candidates, top)
            if answer.status in ("match", "ambiguous") and all(
                a.results[0].id != answer.results[0].id for a in answers
            ):
                answers.append(answer)
        return answers if len(answers) >= 2 else []

    def _words_outside(self, text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
        for start, end in sorted(spans, reverse=True):
            text = text[:start] + " " + text[end:]
        return words(text)

    def _answer(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        here: Territory | None,
        candidates: tuple[Territory, ...],
        top: int,
    ) -> Answer:
        """The answer to one need."""
        terms = self.need_terms(text, spans)
        scored = self.index.rank(terms, limit=max(top, 1), keep=self._perimeter_filter(here))
        status = _status(scored)
        results: tuple[Ranked, ...] = ()
        contacts: tuple[Contact, ...] = ()
        if status != "no_match":
            shown = [(self.entries[s.index], s) for s in scored[: max(top, 1)]]
            results = tuple(
                Ranked(id=e.id, kind=e.kind, title=e.title, score=min(s.score, 100.0), reasons=s.reasons)
                for e, s in shown
            )
            contacts = self.router.route(shown[0][0], here)
        return Answer(
            query=text,
            status=status,
            results=results,
            territory=here,
            territory_candidates=candidates,
            contacts=contacts,
        )

    def _perimeter_filter(self, territory: Territory | None) -> Callable[[int], bool] | None:
        """Drops aids whose perimeter excludes the territory (an aid for one région is not
        proposed elsewhere); None when nothing can be excluded."""
        if territory is None or not self._has_perimeters:
            return None
        entries = self.entries
        return lambda i: in_perimeter(entries[i], territory)

    def contacts_for(self, entry_id: str, territory: Territory | None) -> tuple[Contact, ...]:
        """Contacts for a given entry (used when a user picks an alternative)."""
        entry = self._by_id.get(entry_id)
        return self.router.route(entry, territory) if entry else ()

    # -- checks -----------------------------------------------------------------------------

    def example_problems(self) -> list[Problem]:
        """Examples that do not rank their own entry first: the admin's regression list (all of
        the catalogue's own entries, a fixed sample of imported aids; see `matching.validation`)."""
        from .validation import example_problems

        return example_problems(self)


def territory_codes(territory: Territory) -> set[str]:
    """Perimeter codes a territory belongs to: 'R84', 'D22', 'E200067106', '22070'."""
    codes = set()
    if territory.region is not None:
        codes.add(f"R{territory.region.code}")
    if territory.departement is not None:
        codes.add(f"D{territory.departement.code}")
    if territory.epci is not None:
        codes.add(f"E{territory.epci.code}")
    prefix = {"commune": "", "epci": "E", "departement": "D", "region": "R"}[territory.level]
    codes.add(f"{prefix}{territory.code}")
    return codes


def in_perimeter(entry: Entry, territory: Territory | None) -> bool:
    """Whether an entry limited to a perimeter applies to the territory (unknown place: yes)."""
    if not entry.perimeter or territory is None:
        return True
    return bool(territory_codes(territory) & set(entry.perimeter))


def _here(
    place: PlaceResolutionLike, remembered: Territory | None
) -> tuple[Territory | None, tuple[Territory, ...]]:
    """The message's place; the remembered place applies unless the message names other places,
    and a remembered choice among the message's homonyms settles them."""
    here, candidates = place.territory, place.candidates
    if (
        here is None
        and remembered is not None
        and (not candidates or any(c.code == remembered.code for c in candidates))
    ):
        return remembered, ()
    return here, candidates


def _status(scored: Sequence[Scored]) -> Status:
    if not scored or scored[0].score < NO_MATCH_BELOW:
        return "no_match"
    close = len(scored) > 1 and scored[0].score - scored[1].score < AMBIGUITY_MARGIN
    if close or scored[0].evidence < MIN_EVIDENCE:
        return "ambiguous"
    return "match"
