"""A reply settles a pending homonym choice, or settles nothing: never a guess."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from matching.territories import PlaceResolver, settle_homonym

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((ROOT / "tests" / "data" / "settle_homonyms.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resolver() -> PlaceResolver:
    return PlaceResolver.load(ROOT / "knowledge")


@pytest.mark.parametrize("case", CASES, ids=[f"{c['name']}-{c['reply']}" for c in CASES])
def test_reply_settles_homonyms(resolver: PlaceResolver, case: dict[str, Any]) -> None:
    """The reply designates exactly the expected candidate (or none)."""
    candidates = resolver.resolve("à " + case["name"]).candidates
    assert len(candidates) >= 2
    chosen = settle_homonym(resolver, candidates, case["reply"])
    assert (chosen.code if chosen else None) == case["code"]


def test_no_candidates_settles_nothing(resolver: PlaceResolver) -> None:
    assert settle_homonym(resolver, (), "celui du 93") is None
