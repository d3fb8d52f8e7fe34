"""Evaluation of the engine on labelled queries (the dev set format): accuracy of the need,
no-match precision and recall, and territory accuracy, with the misses listed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .answer import Answer, Territory
from .engine import Engine

__all__ = ["HALVES", "NO_ENTRY", "Case", "EvalReport", "evaluate", "half_of", "load_cases", "split_half"]

# Statuses that propose no entry: for an out-of-scope case, each counts as "no answer".
NO_ENTRY = ("no_match", "chitchat", "place_only")


class Case(BaseModel):
    """One labelled query; `expect: []` means out of scope."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: str
    expect: list[str]
    commune: str | None = None
    departement: str | None = None
    region: str | None = None
    places: list[str] = Field(default_factory=list)
    # Provenance of real-world cases (real-dev.yaml): not used for scoring.
    src: str | None = None
    url: str | None = None
    why: str | None = None

    @property
    def has_place(self) -> bool:
        return bool(self.commune or self.departement or self.region or self.places)


# Deterministic halves of a labelled set, by a hash of each message: tune on one, report both,
# so that figures on the other half say how well a change generalises.
HALVES = ("tuning", "held-out")


def half_of(q: str) -> str:
    """ "tuning" or "held-out": the first byte of the message's SHA-256, even or odd."""
    return HALVES[hashlib.sha256(q.encode("utf-8")).digest()[0] % 2]


def split_half(cases: Sequence[Case], half: str) -> list[Case]:
    """The cases of one half (see `half_of`), in file order."""
    if half not in HALVES:
        raise ValueError(f"half must be one of {HALVES}, not {half!r}")
    return [c for c in cases if half_of(c.q) == half]


def load_cases(path: Path) -> list[Case]:
    """Reads a YAML list of cases."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [Case.model_validate(item) for item in data]


@dataclass
class EvalReport:
    """Figures and misses; `to_json` is what `aiguilleur eval --json` prints."""

    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    reciprocal_rank: float = 0.0
    out_of_scope: int = 0
    predicted_no_match: int = 0
    correct_no_match: int = 0
    territory_cases: int = 0
    territory_ok: int = 0
    # In-scope messages answered with no entry at all (the "rien trouvé" a user should rarely see).
    false_no_match: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def ratio(self, a: int | float, b: int) -> float:
        return round(a / b, 4) if b else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "in_scope": self.in_scope,
            "top1": self.ratio(self.top1, self.in_scope),
            "top3": self.ratio(self.top3, self.in_scope),
            "mrr": self.ratio(self.reciprocal_rank, self.in_scope),
            "out_of_scope": self.out_of_scope,
            "no_match_precision": self.ratio(self.correct_no_match, self.predicted_no_match),
            "no_match_recall": self.ratio(self.correct_no_match, self.out_of_scope),
            "false_no_match_rate": round(self.false_no_match / self.in_scope, 4) if self.in_scope else 0.0,
            "territory_cases": self.territory_cases,
            "territory_accuracy": self.ratio(self.territory_ok, self.territory_cases),
            "misses": self.misses,
        }


def _territory_ok(case: Case, answer: Answer) -> tuple[bool, str]:
    t: Territory | None = answer.territory
    got = t.label() if t else "aucun lieu"
    if case.places:
        codes = {c.code for c in answer.territory_candidates}
        return set(case.places) <= codes, "candidats : " + ", ".join(sorted(codes)) if codes else got
    if t is None:
        return False, got
    checks = [
        case.commune is None or (t.level == "commune" and t.code == case.commune),
        case.departement is None
        or (t.departement is not None and t.departement.code == case.departement)
        or (t.level == "departement" and t.code == case.departement),
        case.region is None
        or (t.region is not None and t.region.code == case.region)
        or (t.level == "region" and t.code == case.region),
    ]
    return all(checks), got


def evaluate(engine: Engine, cases: Sequence[Case]) -> EvalReport:
    """Runs every case through `engine.ask` and tallies the figures."""
    report = EvalReport()
    for case in cases:
        answer = engine.ask(case.q, top=3)
        ids = [r.id for r in answer.results] if answer.status not in NO_ENTRY else []
        if not ids:
            report.predicted_no_match += 1
        if case.expect:
            report.in_scope += 1
            report.false_no_match += not ids
            rank = next((i + 1 for i, r in enumerate(ids) if r in case.expect), None)
            report.top1 += rank == 1
            report.top3 += rank is not None and rank <= 3
            report.reciprocal_rank += 1 / rank if rank else 0.0
            if rank != 1:
                report.misses.append(
                    {"q": case.q, "expected": case.expect, "got": ids[:3], "status": answer.status}
                )
        else:
            report.out_of_scope += 1
            if not ids:
                report.correct_no_match += 1
            else:
                report.misses.append({"q": case.q, "expected": [], "got": ids[:3], "status": answer.status})
        if case.has_place:
            report.territory_cases += 1
            ok, got = _territory_ok(case, answer)
            report.territory_ok += ok
            if not ok:
                report.misses.append(
                    {
                        "q": case.q,
                        "expected_place": case.commune or case.departement or case.region or case.places,
                        "got_place": got,
                    }
                )
    return report
