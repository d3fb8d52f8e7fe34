"""No wrong confident place: the golden cases and the public dev set never gain a place they do not name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.evalsets import DEV_SET, REAL_DEV_SET
from matching.answer import Territory
from matching.territories import PlaceResolver

ROOT = Path(__file__).resolve().parent.parent
_PLACE_KEYS = ("commune", "departement", "region", "places")


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in [*sorted((ROOT / "tests" / "cases").glob("*.yaml")), DEV_SET]:
        cases += yaml.safe_load(path.read_text(encoding="utf-8"))
    return cases


def _wrong(case: dict[str, Any], territory: Territory | None) -> bool:
    """A territory the case does not name, or one that contradicts its expectations."""
    if territory is None:
        return False
    if not any(key in case for key in _PLACE_KEYS) or "places" in case:
        return True
    if "commune" in case and not (territory.level == "commune" and territory.code == case["commune"]):
        return True
    if "departement" in case and not (
        territory.departement and territory.departement.code == case["departement"]
    ):
        return True
    return "region" in case and not (territory.region and territory.region.code == case["region"])


@pytest.fixture(scope="module")
def resolver() -> PlaceResolver:
    return PlaceResolver.load(ROOT / "knowledge")


def test_no_wrong_confident_place_on_golden_cases(resolver: PlaceResolver) -> None:
    """Over every golden case and the dev set, no message gets a place it does not name."""
    cases = _cases()
    assert len(cases) > 150
    wrong = [(c["q"], t.code) for c in cases if _wrong(c, t := resolver.resolve(c["q"]).territory) and t]
    assert wrong == []


def test_no_wrong_place_on_the_real_world_dev_set(resolver: PlaceResolver) -> None:
    """Over the real-world dev set, a message whose place is labelled never gets another place
    (no place at all is a miss, not a wrong place), and a message without a labelled place (the
    labels name every unambiguous place) gets none."""
    cases = yaml.safe_load(REAL_DEV_SET.read_text(encoding="utf-8"))
    assert len(cases) > 150
    wrong = [(c["q"], t.code) for c in cases if _wrong(c, t := resolver.resolve(c["q"]).territory) and t]
    assert wrong == []
