"""The engine: one object that answers a message with ranked entries, a place and contacts.

Built once from the knowledge directory (analysis and indexing happen at load time), then
`ask` is a pure function of the message and an optional remembered territory.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .analyzer import Analyzer, Term
from .answer import Answer, Contact, Orientation, Ranked, Territory
from .concepts import ConceptHit, ConceptMatcher
from .contacts import ContactRouter
from .conversation import ConversationReader
from .entryfacts import entry_facts
from .loader import Knowledge, Problem, load_knowledge
from .normalise import strip_invisible, surface_words, words
from .population import stated_population
from .schema import Entry
from .scoring import Adjustment, Index, Work, entry_fields
from .territory_rules import LONGEST_NAME, territory_rules
from .verdict import NO_MATCH_BELOW, as_typed, concepts_first
from .verdict import status as verdict

if TYPE_CHECKING:
    from .arrayindex import IndexArrays

if TYPE_CHECKING:
    from .territories.tables import Collectivity

__all__ = [
    "MAX_QUERY_CHARS",
    # Re-exported: the dialogue shows alternatives scoring at least this.
    "NO_MATCH_BELOW",
    "Engine",
    "PlaceFinder",
    "PlaceResolutionLike",
    "in_perimeter",
    "territory_codes",
]

# Long pastes are truncated for matching rather than refused: the need is nearly always stated
# in the first sentences.
MAX_QUERY_CHARS = 1000
# Needs read in one message, at most (the work budget of "et aussi" repeated a hundred times).
MAX_NEEDS = 4
# Place resolutions remembered (the last texts asked about; each one is frozen, never changed).
PLACES_REMEMBERED = 16
# Need analyses remembered (text, place spans): a follow-up's rest is analysed to decide
# whether it holds a need, then again when it is asked; each one is frozen, never changed.
TOKENS_REMEMBERED = 16
# Contact routes remembered (entry, place): the contacts of an entry for a place never change
# while the knowledge is loaded, and a place's users ask about the same few entries.
ROUTES_REMEMBERED = 256


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
    def collectivity(self, code: str) -> Collectivity | None: ...
    def commune(self, code: str) -> Territory | None: ...
    def search_communes(self, name: str) -> list[Territory]: ...


@dataclass(frozen=True)
class _NoPlace:
    territory: Territory | None = None
    candidates: tuple[Territory, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()


class Engine:
    """Matches needs to catalogue entries and routes contacts for a territory."""

    def __init__(
        self, knowledge: Knowledge, places: PlaceFinder | None = None, *, compiled: IndexArrays | None = None
    ) -> None:
        """`compiled`: the index of this knowledge as stored by `matching.compiled` (no text is
        analysed again; large catalogues rank with array arithmetic)."""
        self.knowledge = knowledge
        self.places = places
        # The dialogue asks where a message is more than once (a follow-up, then the need it
        # holds); the same text always names the same place, so a few are remembered.
        self._place_of = functools.lru_cache(maxsize=PLACES_REMEMBERED)(self._resolve_place)
        self._route_of = functools.lru_cache(maxsize=ROUTES_REMEMBERED)(self._route)
        self._tokens_of = functools.lru_cache(maxsize=TOKENS_REMEMBERED)(self._need_tokens)
        self.analyzer = compiled.analyzer() if compiled is not None else Analyzer(knowledge.vocabulary)
        concepts = knowledge.vocabulary.concepts
        audiences = frozenset(c for c, v in concepts.items() if v.kind == "audience")
        if compiled is not None:
            self.index = compiled.index(knowledge.entries, self.analyzer, audiences)
        else:
            self.analyzer.learn(
                t for e in knowledge.entries for texts in entry_fields(e).values() for t in texts
            )
            self.analyzer.learn(f for c in knowledge.vocabulary.concepts.values() for f in c.forms)
            # Context words are real words: never corrected into a catalogue word (« précision »).
            self.analyzer.learn(knowledge.vocabulary.context_words)
            self.index = Index(knowledge.entries, self.analyzer, audiences)
        self.conversation = ConversationReader(knowledge.vocabulary.conversation, self.analyzer.stop_words)
        self.concepts = ConceptMatcher(knowledge.vocabulary, self.analyzer)
        # Needs the catalogue does not serve: `outside` concepts, and audiences that only appear in
        # `not_for` (no entry answers for them: "saisonniers", "lycéens", "médecins").
        facts = entry_facts(knowledge.entries)
        served = {c for a in facts.answers for c in a}
        self._outside = frozenset(
            cid
            for cid, c in knowledge.vocabulary.concepts.items()
            if c.kind == "outside" or (c.kind == "audience" and cid not in served)
        )
        # Audiences served only as a public, never with an intent ("atelier-production+artisans"):
        # a message seeking one of them ("on ne trouve plus d'artisans") is no catalogue need.
        kinds = {cid: c.kind for cid, c in concepts.items()}
        with_intent = {c for a in facts.answers if any(kinds.get(p) == "intent" for p in a) for c in a}
        self._public_only = frozenset(a for a in audiences if a in served and a not in with_intent)
        self._context = frozenset(
            t.stem for w in knowledge.vocabulary.context_words for t in self.analyzer.terms(w)
        )
        self._orientations = [
            (
                Orientation(organisation=o.organisation, why=o.why, url=o.url, source=o.source.label),
                [frozenset(c) for c in o.when],
            )
            for o in knowledge.orientations
        ]
        self._ruled = facts.ruled
        # Each ruled entry with its rules and the name it is called by, as stems ("Petites villes
        # de demain (PVD)" -> its words).
        self._rules = [
            (
                i,
                knowledge.entries[i].rules,
                tuple(self.analyzer.stems(knowledge.entries[i].title.split(" (")[0])),
            )
            for i in self._ruled
        ]
        # Names of the catalogue's own entries, stemmed when first asked for (see `_named`).
        self._called: dict[int, tuple[str, ...]] = {}
        self.router = ContactRouter.for_knowledge(
            knowledge, places.prefecture if places else None, places.collectivity if places else None
        )
        self._ids = facts.ids
        self._perimeters = facts.perimeters

    @classmethod
    def load(cls, directory: Path | None = None, *, territories: bool = True) -> Engine:
        """Loads and checks knowledge and, when present, the territory tables; raises
        `KnowledgeError` listing every problem (see `matching.validation.load_engine`)."""
        if not territories:
            return cls(load_knowledge(directory))
        from .validation import load_engine

        return load_engine(directory, reuse=True)

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge, *, territories: bool = True) -> Engine:
        """Engine for already validated knowledge, with its territory tables when present."""
        places: PlaceFinder | None = None
        if territories and (knowledge.directory / "territoires").is_dir():
            from .territories import PlaceResolver

            places = PlaceResolver.load(knowledge.directory)
        return cls(knowledge, places)

    @property
    def entries(self) -> Sequence[Entry]:
        return self.knowledge.entries

    def entry(self, entry_id: str) -> Entry | None:
        i = self._ids.get(entry_id)
        return self.entries[i] if i is not None else None

    # -- answering --------------------------------------------------------------------------

    def resolve_place(self, text: str) -> PlaceResolutionLike:
        """Place named in a message, or an empty resolution when tables are not loaded."""
        return self._place_of(text)

    def _resolve_place(self, text: str) -> PlaceResolutionLike:
        text = strip_invisible(text)
        if self.places is None or not text.strip():
            return _NoPlace()
        return self.places.resolve(text[:MAX_QUERY_CHARS])

    def need_terms(self, text: str, spans: Sequence[tuple[int, int]] = ()) -> list[Term]:
        """Analysed terms of the need, without the place's words and courtesy formulas."""
        return [t for t in self.need_tokens(text, spans) if not t.stop]

    def need_tokens(self, text: str, spans: Sequence[tuple[int, int]] = ()) -> list[Term]:
        """`need_terms` with the stop words kept in place (flagged), for concept phrasings whose
        tool words carry the meaning ("peut-on", "a-t-on le droit")."""
        return list(self._tokens_of(text, tuple((start, end) for start, end in spans)))

    def _need_tokens(self, text: str, spans: tuple[tuple[int, int], ...]) -> tuple[Term, ...]:
        text = text[:MAX_QUERY_CHARS]
        for start, end in sorted(spans, reverse=True):
            text = text[:start] + " " + text[end:]
        pairs = surface_words(text)
        drop = self.conversation.courtesy([w for w, _ in pairs])
        return tuple(self.analyzer.analyse(pairs, correct=True, drop=drop))

    def ask(
        self,
        text: str,
        *,
        top: int = 5,
        territory: Territory | None = None,
        place: PlaceResolutionLike | None = None,
        work: Work | None = None,
    ) -> Answer:
        """Answers a message; `territory` is the remembered place, used when the message names none;
        `place` is the message's place resolution when the caller already has it; `work`, when
        given, counts the scoring work done (deterministic, for tests of the work budget).

        Conversation words alone give `chitchat`, a place or an identity alone `place_only`;
        several needs joined by a separator ("… et aussi …") are answered one by one in `needs`.
        """
        text = strip_invisible(text)[:MAX_QUERY_CHARS]
        place = place if place is not None else self.resolve_place(text)
        here, candidates = _here(place, territory)
        reading = self.conversation.read(self._words_outside(text, place.spans))
        if not reading.has_content and (place.territory or place.candidates):
            return Answer(
                query=text,
                status="place_only",
                territory=here,
                territory_candidates=candidates,
                social=reading.social,
            )
        if not reading.has_content and (reading.social is not None or reading.identity):
            # Who writes, without a place ("je suis le maire"): a greeting, never a place_only
            # without a place to remember.
            return Answer(
                query=text,
                status="chitchat",
                territory=here,
                territory_candidates=candidates,
                social=reading.social or "greeting",
            )
        needs = self._several_needs(text, place, here, candidates, top, work)
        if needs:
            return needs[0].model_copy(update={"query": text, "needs": tuple(needs)})
        return self._answer(text, place.spans, here, candidates, top, work)

    def _several_needs(
        self,
        text: str,
        place: PlaceResolutionLike,
        here: Territory | None,
        candidates: tuple[Territory, ...],
        top: int,
        work: Work | None = None,
    ) -> list[Answer]:
        """One answer per piece of the message when at least two pieces are needs for different
        entries; empty otherwise (the message is then read as one need)."""
        pieces = self.conversation.split(text)[:MAX_NEEDS]
        if len(pieces) < 2:
            return []
        answers: list[Answer] = []
        for start, end in pieces:
            spans = [
                (max(a, start) - start, min(b, end) - start) for a, b in place.spans if a < end and b > start
            ]
            answer = self._answer(text[start:end], spans, here, candidates, top, work)
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
        work: Work | None = None,
    ) -> Answer:
        """The answer to one need; the writer's own role ("je suis secrétaire de mairie") is not
        read as the need."""
        tokens = self.need_tokens(text, _merged([*spans, *self.conversation.roles(text, spans)]))
        terms = [t for t in tokens if not t.stop]
        stated = stated_population(text)
        hits = self.concepts.with_population(self.concepts.find(tokens), terms, stated)
        hits, mission = self.concepts.without_missions(hits)
        found = {h.concept for h in hits}
        orientation = next((o for o, combos in self._orientations if any(c <= found for c in combos)), None)
        sought = self._sought(hits)
        outside = orientation is not None or bool(found & self._outside) or sought in self._public_only
        scored = self.index.rank(
            terms,
            hits=hits,
            limit=max(top, 1),
            context=self._context | {terms[k].stem for k in mission} if mission else self._context,
            adjust=self._territory_rules(here, stated, [t.stem for t in terms]),
            keep=self._perimeter_filter(here),
            work=work,
            sought=sought,
        )
        scored = concepts_first(scored, max(top, 1))
        covered = {k for h in hits for k in range(h.start, h.end)}
        bare = all(k in covered or t.stem.isdigit() for k, t in enumerate(terms))
        if outside and scored and self._named(scored[0].index, terms):
            # « France services : l'agent d'accueil doit-il être titulaire ? » asks about France services.
            outside = False
        status = verdict(scored, outside=outside, bare=bare)
        results: tuple[Ranked, ...] = ()
        contacts: tuple[Contact, ...] = ()
        if status != "no_match":
            orientation = None
            shown = [(self.entries[s.index], s) for s in scored[: max(top, 1)]]
            results = tuple(
                Ranked(
                    id=e.id,
                    kind=e.kind,
                    title=e.title,
                    score=min(s.score, 100.0),
                    reasons=tuple(dict.fromkeys(as_typed(r, text) for r in s.reasons)),
                )
                for e, s in shown
            )
            contacts = self._route_of(scored[0].index, here)
        return Answer(
            query=text,
            status=status,
            results=results,
            territory=here,
            territory_candidates=candidates,
            contacts=contacts,
            orientation=orientation,
        )

    def _route(self, index: int, territory: Territory | None) -> tuple[Contact, ...]:
        return self.router.route(self.entries[index], territory)

    def _named(self, index: int, terms: Sequence[Term]) -> bool:
        """Whether the message names the entry (its title before a parenthesis; an abbreviation
        is expanded to it: « PVD », « France services »)."""
        name = self._called.get(index)
        if name is None:
            entry = self.entries[index]
            name = () if entry.kind == "aide" else tuple(self.analyzer.stems(entry.title.split(" (")[0]))
            self._called[index] = name = name if len(name) <= LONGEST_NAME else ()
        if not name:
            return False
        stems = [t.stem for t in terms]
        n = len(name)
        return any(tuple(stems[k : k + n]) == name for k in range(len(stems) - n + 1))

    def _sought(self, hits: Sequence[ConceptHit]) -> str | None:
        """The person a message seeks: the first audience named after its first intent
        ("embaucher un apprenti pour aider notre chef de projet" seeks an apprentice)."""
        kinds = self.concepts.kinds
        start = next((h.start for h in hits if kinds.get(h.concept) == "intent"), None)
        if start is None:
            return None
        return next(
            (h.concept for h in hits if h.start >= start and kinds.get(h.concept) == "audience"), None
        )

    def _territory_rules(
        self, territory: Territory | None, stated: int | None = None, stems: Sequence[str] = ()
    ) -> dict[int, Adjustment] | None:
        """Declared territory rules for the place (see `matching.territory_rules`)."""
        if (territory is None and stated is None) or not self._ruled:
            return None
        return territory_rules(
            self._rules,
            territory,
            stated,
            stems,
            title_of=lambda m: entry.title if (entry := self.entry(m)) is not None else m,
        )

    def _perimeter_filter(self, territory: Territory | None) -> Callable[[int], bool] | None:
        """Drops aids whose perimeter excludes the territory (an aid for one région is not
        proposed elsewhere); None when nothing can be excluded."""
        if territory is None or not self._perimeters:
            return None
        codes, perimeters = territory_codes(territory), self._perimeters
        return lambda i: (perimeter := perimeters.get(i)) is None or not perimeter.isdisjoint(codes)

    def contacts_for(self, entry_id: str, territory: Territory | None) -> tuple[Contact, ...]:
        """Contacts for a given entry (used when a user picks an alternative)."""
        entry = self.entry(entry_id)
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


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans without overlaps (overlapping ones joined), in order."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


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
