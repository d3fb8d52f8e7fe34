"""Ranks catalogue entries for an analysed message.

Evidence for an entry is a BM25F sum over the message's distinct terms: each field's term
count is length-normalised and weighted, summed, then saturated (`tf / (K1 + tf)`) and
multiplied by the term's IDF. So a long message is not "diluted" (nothing is divided by its
length), a word repeated in an entry's description does not outweigh a title word, and
context words (numbers, narrative) weigh little. Per-(term, entry) weights are computed at
load time (`Index.weights`), so the sum can be compiled to sparse arrays; ties keep catalogue order.

On top of that evidence: keyword phrases found whole, concepts the entry declares it answers
(`answers`), explicit rules (boost, exclude, require_any), a small rapidfuzz similarity to the
entry's example phrasings, and adjustments for the territory (population, programme membership).
The shown score is a saturating transform of the evidence (0..100).

A key phrase shared by hundreds of imported aids ("fonds vert") shortlists them all: then they
are scored by decreasing upper bound of their score, by batches, until none left can enter the
best results; those are exactly the results of scoring every entry, the rest is left out.

Words alone are not a need: an entry is a result only when the message holds need-bearing
evidence for it: a concept it declares, a keyword or boost phrase found whole, a
one-word keyword, or, for an entry declaring no answers (an imported aid), a distinctive word of
its title. Generic words ("recevoir", "travaux", "organiser", "personnes") rank but never
make a result on their own, so a message whose need the catalogue does not know gets no_match.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from rapidfuzz import fuzz, process

from .analyzer import Analyzer, Term
from .bm25f import FIELDS, entry_fields, saturated_frequencies
from .concepts import ConceptHit, parse_answer
from .reasons import Explainer
from .records import Adjustment, Scored, Work, _Batch, _Doc
from .schema import Entry

__all__ = ["FIELDS", "Adjustment", "Index", "Scored", "Work", "entry_fields"]

# Weight of a term found in one entry only (ln(1 + 26): the bundled catalogue's own scale).
IDF_SCALE = 3.3
# Words of narrative or context (see `context_words` in vocabulaire.yaml) count this much.
CONTEXT_WEIGHT = 0.25
PHRASE_BONUS = 0.9
MAX_PHRASES = 3
# Best declared answer matched: one concept, or an intent × object combination.
CONCEPT_BONUS = {1: 1.2, 2: 4.0, 3: 6.0}
BOOST_BONUS = 1.0
SIMILARITY_WEIGHT = 1.5
EXCLUDE_FACTOR = 0.25
AIDE_FACTOR = 0.97
# Evidence at which the shown score is 50/100.
HALF_SCORE = 4.0
# Entries fully scored per message, at most (besides those whose phrases the message contains).
SHORTLIST = 150
# From this many shortlisted entries, they are scored by decreasing upper bound, by batches, until
# none left can enter the best results (a key phrase shared by hundreds of imported aids).
BOUND_FROM = 32
BOUND_BATCH = 16
# Bounds are compared with this slack (scores are rounded to 4 decimals).
BOUND_MARGIN = 1e-3
# Distinct terms of a message that are scored, at most: the work budget of one message.
MAX_TERMS = 60
MAX_STARTS = 40
# A single matched word is shown as a reason only if it is well placed (see `matching.reasons`).
REASON_MIN_WEIGHT = 0.45
# A title word is need-bearing for an entry declaring no answers (an imported aid) from this IDF:
# found in at most about 1 entry in 30 (IDF is normalised to the catalogue's size).
DISTINCTIVE_IDF = 2.0


def _grams(stems: Sequence[str], longest: int, starts: frozenset[str]) -> set[tuple[str, ...]]:
    """Runs of up to `longest` consecutive terms that begin with a stem some phrase or rule
    begins with (at most MAX_STARTS positions): phrase tests become set lookups."""
    positions = [i for i, s in enumerate(stems) if s in starts][:MAX_STARTS]
    return {tuple(stems[i : i + n]) for i in positions for n in range(1, min(longest, len(stems) - i) + 1)}


def _docs_of(
    docs: Sequence[_Doc], phrases: Callable[[_Doc], Sequence[tuple[str, ...]]]
) -> dict[tuple[str, ...], list[int]]:
    """Phrase -> the entries (each once, in order) whose `phrases` hold it."""
    out: dict[tuple[str, ...], list[int]] = {}
    for i, doc in enumerate(docs):
        for gram in dict.fromkeys(phrases(doc)):
            out.setdefault(gram, []).append(i)
    return out


def _best(gained: Mapping[int, float], size: int) -> set[int]:
    """The `size` entries of highest evidence, ties to the earlier entry (as sorting by
    (-evidence, index) would), without a Python key function per entry."""
    values = heapq.nlargest(size, gained.values())
    if len(values) < size:
        return set(gained)
    cut = values[-1]
    chosen = {i for i, v in gained.items() if v > cut}
    ties = sorted(i for i, v in gained.items() if v == cut)
    return chosen | set(ties[: size - len(chosen)])


class Index:
    """Catalogue analysed once at load time; `rank` is the hot path."""

    def __init__(
        self, entries: Sequence[Entry], analyzer: Analyzer, audiences: frozenset[str] = frozenset()
    ) -> None:
        """`audiences`: the concepts of kind audience (see `not_for`)."""
        self.entries = tuple(entries)
        self.analyzer = analyzer
        self.audiences = audiences
        saturated = saturated_frequencies(entries, analyzer)
        n = max(len(entries), 1)
        frequency: dict[str, int] = {}
        for doc_terms in saturated:
            for s in doc_terms:
                frequency[s] = frequency.get(s, 0) + 1
        # IDF normalised by the catalogue's size (a term unique to one entry weighs IDF_SCALE
        # whatever the number of entries), so the thresholds hold for a 3-entry test catalogue
        # as for 10,000 entries.
        unit = IDF_SCALE / math.log(1 + n)
        self._idf = {s: unit * math.log(1 + n / f) for s, f in frequency.items()}
        # Precomputed per-(term, entry) weight: idf × saturated BM25F term frequency.
        self.weights: list[dict[str, float]] = [
            {s: self._idf[s] * w for s, w in d.items()} for d in saturated
        ]
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc_weights in enumerate(self.weights):
            for s, w in doc_weights.items():
                postings.setdefault(s, []).append((i, w))
        self._postings = postings
        self._docs = [self._doc(e, saturated[i]) for i, e in enumerate(entries)]
        self._factors = [AIDE_FACTOR if e.kind == "aide" else 1.0 for e in entries]
        # Phrase -> entries holding it as a keyword or boost, a boost, a keyword, an exclusion or
        # a requirement: a message's grams find the entries they concern (a dict lookup per
        # gram, not a scan of every phrase).
        self._gram_docs = _docs_of(self._docs, lambda d: [*(q for q, _ in d.phrases), *d.boost])
        self._boost_docs = _docs_of(self._docs, lambda d: d.boost)
        self._phrase_docs = _docs_of(self._docs, lambda d: [q for q, _ in d.phrases])
        self._exclude_docs = _docs_of(self._docs, lambda d: d.exclude)
        self._require_docs = _docs_of(self._docs, lambda d: d.require_any)
        # Concept -> (entry, declared answer) for every answer naming it.
        by_concept: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for i, doc in enumerate(self._docs):
            for spec in doc.answers:
                for c in spec:
                    by_concept.setdefault(c, []).append((i, spec))
        self._by_concept = by_concept
        self._starts = frozenset(
            p[0]
            for d in self._docs
            for p in (*(q for q, _ in d.phrases), *d.boost, *d.exclude, *d.require_any)
        )
        self._longest = max(
            (
                len(p)
                for d in self._docs
                for p in (*(q for q, _ in d.phrases), *d.boost, *d.exclude, *d.require_any)
            ),
            default=1,
        )

    def _doc(self, entry: Entry, saturated: Mapping[str, float]) -> _Doc:
        by_stems: dict[tuple[str, ...], str] = {}
        singles: set[str] = set()
        for keyword in entry.keywords:
            key = tuple(self.analyzer.stems(keyword))
            if len(key) >= 2:
                by_stems.setdefault(key, keyword)
            elif key:
                singles.add(key[0])
        if not entry.answers:
            singles.update(
                s
                for s in self.analyzer.stems(entry.title)
                if not s.isdigit() and self.idf(s) >= DISTINCTIVE_IDF
            )
        return _Doc(
            phrases=tuple(by_stems.items()),
            # Stems in sorted order: the similarity sorts them anyway (`fuzz.token_sort_ratio`),
            # so a message is compared with `fuzz.ratio` once its own stems are sorted.
            examples=tuple(" ".join(sorted(self.analyzer.stems(e))) for e in entry.examples),
            boost=self._rule(entry.rules.boost),
            exclude=self._rule(entry.rules.exclude),
            require_any=self._rule(entry.rules.require_any),
            answers=tuple(frozenset(parse_answer(a)) for a in entry.answers),
            not_for=frozenset(entry.not_for),
            audiences=frozenset(c for a in entry.answers for c in parse_answer(a) if c in self.audiences),
            concepts=frozenset(c for a in entry.answers for c in parse_answer(a)),
            strong=frozenset(s for s, w in saturated.items() if w >= REASON_MIN_WEIGHT),
            singles=frozenset(singles),
        )

    def _rule(self, phrases: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        return tuple(t for p in phrases if (t := tuple(self.analyzer.stems(p))))

    def idf(self, stem: str) -> float:
        """Inverse document frequency; 0 for a term no entry uses."""
        return self._idf.get(stem, 0.0)

    def rank(
        self,
        terms: Sequence[Term],
        *,
        hits: Sequence[ConceptHit] = (),
        limit: int = 10,
        context: frozenset[str] = frozenset(),
        adjust: Mapping[int, Adjustment] | None = None,
        keep: Callable[[int], bool] | None = None,
        work: Work | None = None,
        sought: str | None = None,
    ) -> list[Scored]:
        """Entries scored for the message's terms, best first, ties in catalogue order.

        Entries sharing a term get BM25F evidence from the postings; the full score (phrases,
        concepts, rules, similarity) is computed for the best `SHORTLIST` of them plus those whose
        phrases appear in the message. `context` lists stems that weigh `CONTEXT_WEIGHT`;
        `adjust` applies territory rules, `keep` filters entries (an aid outside its perimeter);
        reasons are built for the first `limit` results; `work` counts what was done; `sought`
        is the person the message seeks (the first audience named after an intent), if any.
        """
        work = work if work is not None else Work()
        unique: dict[str, str] = {}
        for term in terms:
            if not term.stem.isdigit():
                unique.setdefault(term.stem, term.surface)
            if len(unique) >= MAX_TERMS:
                break
        # Phrases are looked for in the first 2 × MAX_TERMS terms, from at most MAX_STARTS
        # positions where some phrase or rule begins.
        kept = [t.stem for t in terms[: 2 * MAX_TERMS]]
        found = {h.concept for h in hits}
        if not unique and not found:
            return []
        gained = self._evidence(unique, context, work)
        grams = _grams(kept, self._longest, self._starts)
        work.units += len(grams)
        # Entries with a declared answer the message's concepts cover -> its largest size.
        sizes: dict[int, int] = {}
        for c in found:
            for i, spec in self._by_concept.get(c, ()):
                if spec <= found and len(spec) >= sizes.get(i, 0):
                    sizes[i] = len(spec)
        work.units += sum(len(self._by_concept.get(c, ())) for c in found)
        shortlist = self._shortlist(gained, set(sizes), grams)
        work.units += len(shortlist)
        phrases: dict[int, int] = {}
        boosted: set[int] = set()
        excluded: set[int] = set()
        required: set[int] = set()
        for g in grams:
            for i in self._phrase_docs.get(g, ()):
                phrases[i] = phrases.get(i, 0) + 1
            boosted.update(self._boost_docs.get(g, ()))
            excluded.update(self._exclude_docs.get(g, ()))
            required.update(self._require_docs.get(g, ()))
        scoring = _Batch(
            gained,
            grams,
            found,
            set(unique),
            sought,
            keep,
            adjust,
            sizes,
            " ".join(kept),
            phrases=phrases,
            boosted=boosted,
            excluded=excluded,
            required=required,
        )
        if len(shortlist) <= BOUND_FROM:
            out = self._score(list(shortlist), scoring)
        else:
            out = self._bounded(shortlist, scoring, max(limit, 2))
        out.sort(key=lambda s: (-s.score, s.index))
        shown = []
        explainer = Explainer(self.idf, terms, unique, context, hits) if out and limit > 0 else None
        for k, scored in enumerate(out):
            if k < limit and explainer is not None:
                change = adjust.get(scored.index) if adjust and scored.concepts else None
                reasons = explainer.explain(self._docs[scored.index], change)
            else:
                reasons = ()
            shown.append(
                Scored(
                    scored.index,
                    round(100 * scored.score / (scored.score + HALF_SCORE), 1),
                    reasons,
                    scored.evidence,
                    scored.concepts,
                    scored.related,
                )
            )
        return shown

    def _score(self, ids: Sequence[int], b: _Batch) -> list[Scored]:
        """Full scores (before the 0..100 transform) of the entries among `ids` that the message
        holds need-bearing evidence for (a declared concept, a keyword or boost phrase, one of
        `singles`), kept before the costlier similarity: words alone never make a result."""
        supported: list[tuple[int, int, bool, int, bool]] = []
        docs, keep, found, stems = self._docs, b.keep, b.found, b.stems
        for i in ids:
            if keep is not None and not keep(i):
                continue
            doc = docs[i]
            phrases = b.phrases.get(i, 0)
            boosted = i in b.boosted
            related = len(found & doc.concepts)
            if not (related or phrases or boosted or not doc.singles.isdisjoint(stems)):
                continue
            # An audience the entry does not serve rules it out, unless the message also names an
            # audience of its declared answers ("des lycéens et des jeunes diplômés"); when the
            # message seeks someone, that person decides ("recruter un steward en contrat aidé
            # pour épauler notre manager de commerce" seeks no manager).
            if doc.not_for & b.found and (
                b.sought in doc.not_for if b.sought is not None else not doc.audiences & b.found
            ):
                continue
            supported.append((i, phrases, boosted, related, bool(doc.require_any)))
        missing = {i for i, *_ in supported if i not in b.similarity}
        similarity = {**b.similarity, **self._similarities(b.text, missing)} if missing else b.similarity
        out: list[Scored] = []
        for i, phrases, boosted, related, requiring in supported:
            size = b.sizes.get(i, 0)
            evidence = b.gained.get(i, 0.0)
            score = evidence + CONCEPT_BONUS.get(size, 0.0)
            score += PHRASE_BONUS * min(phrases, MAX_PHRASES)
            score += SIMILARITY_WEIGHT * similarity[i] / 100
            if boosted:
                score += BOOST_BONUS
            if i in b.excluded:
                score *= EXCLUDE_FACTOR
            if requiring and i not in b.required:
                score *= EXCLUDE_FACTOR
            change = b.adjust.get(i) if b.adjust else None
            if change is not None:
                # Membership reinforces an answer the message asks for, never creates one.
                score = score * change.factor + (change.bonus if size else 0.0)
            score *= self._factors[i]
            out.append(Scored(i, round(score, 4), (), round(evidence, 4), size, related))
        return out

    def _bounded(self, shortlist: set[int], b: _Batch, best: int) -> list[Scored]:
        """`_score` of a large shortlist in decreasing order of an upper bound of each entry's
        score, by batches, until no entry left can enter the `best` first (their scores and
        order are then exactly those of scoring every entry; the rest is left out)."""
        order, bounds = self._bounds(shortlist, b)
        out: list[Scored] = []
        kept: list[float] = []  # min-heap of the `best` highest scores so far
        for start in range(0, len(order), BOUND_BATCH):
            if len(kept) >= best and bounds[start] < kept[0] - BOUND_MARGIN:
                break
            scored = self._score(order[start : start + BOUND_BATCH], b)
            out.extend(scored)
            for s in scored:
                if len(kept) < best:
                    heapq.heappush(kept, s.score)
                elif s.score > kept[0]:
                    heapq.heapreplace(kept, s.score)
        return out

    def _bounds(self, shortlist: set[int], b: _Batch) -> tuple[list[int], list[float]]:
        """The shortlist by decreasing upper bound of its score (ties to the earlier entry), and
        the bounds: exact evidence, concept, phrase and boost bonuses, the largest similarity,
        no exclusion, a territory factor of at least 1 and the entry's own factor."""
        phrases: defaultdict[int, int] = defaultdict(int)
        for g in b.grams:
            for i in self._gram_docs.get(g, ()):
                phrases[i] += 1
        boosted = b.boosted
        bounds: list[tuple[float, int]] = []
        for i in shortlist:
            bound = b.gained.get(i, 0.0) + CONCEPT_BONUS.get(b.sizes.get(i, 0), 0.0) + SIMILARITY_WEIGHT
            bound += PHRASE_BONUS * min(phrases.get(i, 0), MAX_PHRASES) + (
                BOOST_BONUS if i in boosted else 0.0
            )
            change = b.adjust.get(i) if b.adjust else None
            if change is not None:
                bound = bound * max(change.factor, 1.0) + (change.bonus if i in b.sizes else 0.0)
            bounds.append((-bound * self._factors[i], i))
        bounds.sort()
        return [i for _, i in bounds], [-v for v, _ in bounds]

    def _evidence(
        self, unique: Mapping[str, str], context: frozenset[str], work: Work
    ) -> Mapping[int, float]:
        """BM25F evidence of every entry sharing a term with the message (entry -> sum of its
        precomputed weights, terms in message order). `matching.arrayindex` computes the same
        sums as array arithmetic for large catalogues."""
        gained: defaultdict[int, float] = defaultdict(float)
        for s in unique:
            q = CONTEXT_WEIGHT if s in context else 1.0
            postings = self._postings.get(s, ())
            work.units += 1 + len(postings)
            if q == 1.0:
                for i, w in postings:
                    gained[i] += w
            else:
                for i, w in postings:
                    gained[i] += q * w
        return gained

    def _shortlist(
        self, gained: Mapping[int, float], answered: set[int], grams: set[tuple[str, ...]]
    ) -> set[int]:
        """Entries fully scored: all with evidence or a declared answer, or when they are more
        than SHORTLIST, the best by evidence plus those whose phrases the message contains."""
        shortlist = set(gained) | answered
        if len(shortlist) > SHORTLIST:
            shortlist = _best(gained, SHORTLIST)
            for g in grams:
                shortlist.update(self._gram_docs.get(g, ()))
            shortlist.update(heapq.nlargest(SHORTLIST, answered, key=lambda i: (gained.get(i, 0.0), -i)))
        return shortlist

    def _similarities(self, query_text: str, shortlist: set[int]) -> dict[int, float]:
        """Best rapidfuzz similarity (0..100) of the message to each shortlisted entry's examples,
        counted above 50 only (below, two texts share little more than chance); one rapidfuzz
        call for every example of the shortlist."""
        examples: list[str] = []
        owners: list[int] = []
        for i in shortlist:
            texts = self._docs[i].examples
            examples.extend(texts)
            owners.extend([i] * len(texts))
        found = dict.fromkeys(shortlist, 0.0)
        if examples:
            # The examples' stems are sorted at load time: this is `fuzz.token_sort_ratio`.
            ordered = " ".join(sorted(query_text.split()))
            # `extract` rather than `cdist`: the same ratios without numpy, which a catalogue
            # analysed from its YAML then never imports (see matching.numeric); only ratios
            # above 50 count, so the others are not even returned.
            for _, value, k in process.extract(
                ordered, examples, scorer=fuzz.ratio, limit=None, score_cutoff=50.0
            ):
                i = owners[k]
                if value > found[i]:
                    found[i] = value
        return {i: max(value - 50.0, 0.0) * 2 for i, value in found.items()}
