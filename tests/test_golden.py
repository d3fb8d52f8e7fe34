"""Golden cases from `tests/cases/*.yaml`: each message must reach one of its expected entries
first, or get no entry at all when it is out of scope or not a need (no_match, chitchat,
place_only; an optional `status` says which)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from matching import Engine

CASES = Path(__file__).resolve().parent / "cases"
NO_ENTRY = ("no_match", "chitchat", "place_only")


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            params.append(pytest.param(case, id=f"{path.stem}-{i}-{case['q'][:30]}"))
    return params


@pytest.mark.parametrize("case", _cases())
def test_golden_case(engine: Engine, case: dict[str, Any]) -> None:
    answer = engine.ask(case["q"])
    if "status" in case:
        assert answer.status == case["status"]
    if "social" in case:
        assert answer.social == case["social"]
    if "commune" in case:
        assert answer.territory is not None, "aucun lieu"
        assert (answer.territory.level, answer.territory.code) == ("commune", case["commune"])
    if "departement" in case:
        assert answer.territory is not None, "aucun lieu"
        assert answer.territory.departement is not None
        assert answer.territory.departement.code == case["departement"]
    if "needs" in case:
        assert [n.results[0].id for n in answer.needs] == case["needs"], answer.to_json()["needs"]
    if case["expect"]:
        assert answer.status != "no_match", answer.to_json()
        assert answer.results[0].id in case["expect"], [(r.id, r.score) for r in answer.results]
    else:
        assert answer.status in NO_ENTRY, [(r.id, r.score) for r in answer.results]
        assert not answer.results
