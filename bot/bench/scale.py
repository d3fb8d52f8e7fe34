"""The engine at scale, measured as an admin would live it: real YAML catalogues of imported aids
written to a temporary knowledge directory, each measured in fresh processes.

For each size (and the served directory itself, `real`): `validate` (what `/reload` costs), then
start-up, peak RSS and query latency of a serving process; every figure is the median of
`repeats` fresh processes, CPU time and wall time both (the machine is shared: CPU time is the
comparable figure, wall time what a user waits for). Validation runs first, so start-up is
measured as a bot restarting on a validated directory.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matching.aides_territoires import load_place_names

from .aids import write_catalogue

__all__ = ["ScaleConfig", "measure_directory", "percentile", "run_scale"]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 3600
# Untimed messages each serving process answers first (besides synthetic ones): they reach the
# tables loaded on first use (France services and commune positions, ANCT contacts, Apec).
WARM_MESSAGES = (
    "un espace France services itinérant pour nos habitants à Plouasne",
    "recruter un cadre pour notre projet de revitalisation à Guingamp",
    "un parrain pour nos jeunes diplômés à Brest",
)


@dataclass(frozen=True)
class ScaleConfig:
    """What to measure; tests use tiny sizes and one repeat."""

    source: Path
    queries: Sequence[str]
    warm: Sequence[str] = WARM_MESSAGES
    sizes: tuple[int, ...] = (1000, 5000, 10000)
    repeats: int = 3
    real: bool = True
    progress: Callable[[str], None] | None = field(default=None, compare=False)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of non-empty values."""
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def _probe(
    mode: str, directory: Path, queries: Sequence[str] = (), warm: Sequence[str] = ()
) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    done = subprocess.run(
        [sys.executable, "-m", "bot.bench.probe", mode, str(directory), repr(time.time())],
        input=json.dumps({"warm": list(warm), "timed": list(queries)}),
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=TIMEOUT_S,
    )
    if done.returncode != 0:
        raise RuntimeError(f"mesure « {mode} » impossible sur {directory} : {done.stderr.strip()[-800:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _median(runs: Sequence[dict[str, Any]], key: str, digits: int = 3) -> float:
    return round(float(statistics.median(r[key] for r in runs)), digits)


def _latency(runs: Sequence[dict[str, Any]], kind: str, p: float) -> float:
    """Median over processes of each process's percentile (one noisy process cannot set it)."""
    return round(statistics.median(percentile(r[f"query_{kind}_ms"], p) for r in runs), 2)


def measure_directory(
    directory: Path, queries: Sequence[str], repeats: int, warm: Sequence[str] = WARM_MESSAGES
) -> dict[str, Any]:
    """`validate` then serving processes on one directory, medians of `repeats` each."""
    repeats = max(repeats, 1)
    checks = [_probe("validate", directory) for _ in range(repeats)]
    serving = [_probe("serve", directory, queries, warm) for _ in range(repeats)]
    return {
        "entries": serving[0]["entries"],
        "startup_s": _median(serving, "startup_cpu_s"),
        "startup_wall_s": _median(serving, "startup_wall_s"),
        "import_s": _median(serving, "import_cpu_s"),
        "rss_mb": _median(serving, "rss_mb", 1),
        "p50_ms": _latency(serving, "cpu", 50),
        "p99_ms": _latency(serving, "cpu", 99),
        "p50_wall_ms": _latency(serving, "wall", 50),
        "p99_wall_ms": _latency(serving, "wall", 99),
        "max_ms": _latency(serving, "cpu", 100),
        "max_wall_ms": _latency(serving, "wall", 100),
        "validate_s": _median(checks, "validate_cpu_s"),
        "validate_wall_s": _median(checks, "validate_wall_s"),
        "validate_rss_mb": _median(checks, "rss_mb", 1),
        "validate_problems": checks[0]["problems"],
        "queries": len(queries),
        "warm_up": len(warm),
        "repeats": repeats,
        "territories": serving[0]["territories"],
    }


def run_scale(config: ScaleConfig) -> dict[str, dict[str, Any]]:
    """The `scale` object of `aiguilleur bench --json`: `{"real": {…}, "1000": {…}, …}`."""
    say = config.progress or (lambda _msg: None)
    out: dict[str, dict[str, Any]] = {}
    if config.real:
        say("catalogue réel : validation et démarrage (processus séparés)…")
        out["real"] = measure_directory(config.source, config.queries, config.repeats, config.warm)
    if not config.sizes:
        return out
    places = load_place_names(config.source)
    with tempfile.TemporaryDirectory(prefix="aiguilleur-bench-") as tmp:
        for size in sorted(config.sizes):
            say(f"catalogue importé de {size} entrées : écriture du YAML…")
            target = Path(tmp) / str(size)
            t0 = time.perf_counter()
            write_catalogue(config.source, target, size, places=places)
            written = time.perf_counter() - t0
            say(f"catalogue importé de {size} entrées : validation et démarrage (processus séparés)…")
            row = measure_directory(target, config.queries, config.repeats, config.warm)
            yaml_bytes = sum(p.stat().st_size for p in (target / "catalogue").glob("*.yaml"))
            row["yaml_mb"] = round(yaml_bytes / 1024 / 1024, 1)
            row["write_s"] = round(written, 1)
            out[str(size)] = row
    return out
