"""Pathological messages: place resolution does bounded work, whatever the text (issue 12 §4).

Counted in work units (exact-name lookups) and spelling-slip searches, not timed, so the
check is deterministic; `aiguilleur territories bench` measures the time.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
import yaml

from matching.territories import PlaceResolver
from matching.territories.resolver import MAX_TOKENS
from matching.territories.scan import MAX_FUZZY_LOOKUPS, MAX_WORK

ROOT = Path(__file__).resolve().parent.parent

# Built to defeat the scan: legal-form cues, name prefixes, cue words, articles and ordinary
# words that start thousands of names, repeated up to 5,000 characters.
PATHOLOGICAL = [
    "CC " * 333,
    "Saint-" * 800,
    "à " * 2500,
    "Agglo de " * 500,
    "La La La " * 500,
    "Pont " * 1000,
    "Le Pont de la " * 350,
    "Saint Pierre " * 380,
    "communauté de communes du " * 190,
    "Zzyzx Qwrtp " * 400,
    "A" * 5000,
    "12345 " * 800,
]


@pytest.fixture(scope="module")
def resolver() -> PlaceResolver:
    return PlaceResolver.load(ROOT / "knowledge")


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=[t[:20] for t in PATHOLOGICAL])
def test_place_work_is_bounded(resolver: PlaceResolver, text: str) -> None:
    """Any message costs at most the per-message budget of lookups and spelling-slip searches."""
    result = resolver.resolve(text)
    assert result.work <= MAX_WORK + 1
    assert result.fuzzy_lookups <= MAX_FUZZY_LOOKUPS


def test_ordinary_messages_stay_far_below_the_budget(resolver: PlaceResolver) -> None:
    """The golden cases need a few lookups each: the budget never cuts a real message short."""
    cases = [
        c
        for path in sorted((ROOT / "tests" / "cases").glob("*.yaml"))
        for c in yaml.safe_load(path.read_text())
    ]
    work = [resolver.resolve(c["q"]).work for c in cases]
    assert statistics.median(work) * 20 < MAX_WORK
    assert max(work) < MAX_WORK // 10
    assert statistics.median(resolver.resolve(c["q"]).fuzzy_lookups for c in cases) == 0


def test_a_place_after_a_long_preamble_within_the_limits_is_found(resolver: PlaceResolver) -> None:
    """The budget bounds cost, not reading: a place named within the first words is found."""
    text = "nous cherchons un manager de centre-ville pour la commune " * 5 + "à Guingamp"
    assert len(text.split()) < MAX_TOKENS
    result = resolver.resolve(text)
    assert result.territory is not None
    assert result.territory.code == "22070"
