"""Overseas collectivities route to their State representative, never to a made-up préfet of
a département or an Apec delegation (cases in tests/data/overseas_routing.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from matching import Engine

ROOT = Path(__file__).resolve().parent.parent
CASES: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "data" / "overseas_routing.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_overseas_collectivity_routes_to_its_state_representative(
    engine: Engine, case: dict[str, Any]
) -> None:
    """The ANCT contact is the collectivity's representative (office and title from the sourced
    table), with no DDT(M) or sous-préfet relay; an Apec offer goes to the national Apec contact."""
    answer = engine.ask(case["text"])
    anct = [c for c in answer.contacts if c.id.startswith("anct-delegue")]
    assert len(anct) == 1
    assert anct[0].organisation.startswith(case["office"])
    assert case["title"] in anct[0].role
    assert not any("DDT" in (c.note or "") or "sous-préfet" in (c.note or "") for c in answer.contacts)
    apec = [c.id for c in answer.contacts if c.id.startswith("apec")]
    assert apec == (["apec-national"] if case.get("apec") == "national" else [])
