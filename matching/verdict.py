"""How sure the engine is: the status of an answer from its ranked entries, and the reasons
written back in the user's own spelling.

Kept apart from the engine so the rules (and their constants, pinned by
`tests/test_engine_rules.py`) read in one place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from .answer import Status
from .scoring import Scored

__all__ = [
    "AMBIGUITY_MARGIN",
    "CLEAR_ABOVE",
    "LEAD_CONCEPTS",
    "MEMBER_BONUS",
    "NON_MEMBER_FACTOR",
    "MIN_EVIDENCE",
    "NO_MATCH_BELOW",
    "POPULATION_FACTOR",
    "CONCEPTLESS_PENALTY",
    "as_typed",
    "concepts_first",
    "status",
]

# Shown score (0..100) below which nothing plausible remains, and above which a lead can be a
# clear answer; between them the best leads are offered (status ambiguous).
NO_MATCH_BELOW = 42.0
CLEAR_ABOVE = 50.0
# Under NO_MATCH_BELOW, a best entry relating to this many of the message's concepts is still a lead.
LEAD_CONCEPTS = 2
# A lead this close to the runner-up is not clearly best.
AMBIGUITY_MARGIN = 6.0
# A message resting on common words only ("emploi", "recruter") and no declared concept pair is
# not a clear need: below this BM25F evidence the bot asks which entry is meant.
MIN_EVIDENCE = 2.0
# Territory rules: an entry outside its declared population range is multiplied by this; an entry
# serving members of a programme the commune belongs to gains this (and says so).
POPULATION_FACTOR = 0.5
MEMBER_BONUS = 1.0
# An entry serving a dated programme list the commune is absent from, while it is on another
# list, is multiplied by this (the commune's own programme answers first).
NON_MEMBER_FACTOR = 0.5
# When a lead answers an intent × object pair of the message, a lead matching none of its declared
# answers (words only) loses this many points.
CONCEPTLESS_PENALTY = 10.0


def concepts_first(scored: Sequence[Scored], shown: int) -> list[Scored]:
    """The `shown` first leads reordered so that word overlap alone does not outrank a declared
    answer: « la part des cadres dans l'emploi salarié de la zone d'emploi » asks for data on
    cadres (an answer of the studies), not for career advice, whose text shares « salarié » and
    « évolution ». Leads after `shown` keep their place (their reasons are not built)."""
    head, tail = list(scored[:shown]), list(scored[shown:])
    if not any(s.concepts >= 2 for s in head):
        return list(scored)
    head = [
        # A copy with the lowered score (what `dataclasses.replace` does, at a fraction of its cost).
        Scored(
            s.index, max(0.0, round(s.score - CONCEPTLESS_PENALTY, 1)), s.reasons, s.evidence, 0, s.related
        )
        if s.concepts == 0
        else s
        for s in head
    ]
    head.sort(key=lambda s: (-s.score, s.index))
    return head + tail


def as_typed(reason: str, text: str) -> str:
    """A reason as the user typed it ("manager centre ville" -> "manager de centre-ville"): the
    shortest stretch of the message that holds its words in order, else the reason itself."""
    parts = reason.split()
    if len(parts) == 1 and parts[0] == reason:
        # One word: the pattern is that word alone, so what it finds is the reason itself.
        return reason
    # Each word is matched literally: a word absent from the message rules the pattern out.
    if not parts or not all(w in text for w in parts):
        return reason
    found = _typed_pattern(reason).search(text)
    return found.group(0) if found else reason


@functools.lru_cache(maxsize=4096)
def _typed_pattern(reason: str) -> re.Pattern[str]:
    """The compiled pattern of a reason's words in order (a message's reasons are several hundred
    distinct ones, more than `re`'s own cache keeps)."""
    parts = [re.escape(w) for w in reason.split()]
    return re.compile(r"(?<!\w)" + r"(?:[\W_]+\w+){0,2}?[\W_]+".join(parts) + r"(?!\w)")


def status(scored: Sequence[Scored], *, outside: bool = False, bare: bool = False) -> Status:
    """match when one entry is clearly best; ambiguous when leads remain but none stands out
    (the 2–3 best are shown); no_match when nothing plausible remains, or when the need has a
    known door outside the catalogue (an orientation), or is of a kind the catalogue does not
    serve (an `outside` concept), and no entry answers an intent × object pair of it. `bare`: the
    message says nothing but concepts ("recruter"), so one concept is enough for leads."""
    if not scored:
        return "no_match"
    best = scored[0]
    if outside and best.concepts < 2:
        return "no_match"
    if best.score < NO_MATCH_BELOW:
        # Weak, but the message names two concepts the entry answers ("recruter" and "cadres"),
        # or is nothing but one ("recruter"): offer leads. One concept among words the catalogue
        # does not know ("conseil" in "une délibération du conseil municipal") is no lead.
        lead = best.related >= (1 if bare else LEAD_CONCEPTS)
        return "ambiguous" if lead and len(scored) > 1 else "no_match"
    close = len(scored) > 1 and best.score - scored[1].score < AMBIGUITY_MARGIN
    weak = best.score < CLEAR_ABOVE or (best.evidence < MIN_EVIDENCE and best.concepts == 0)
    return "ambiguous" if close or weak else "match"
