"""The engine at scale, measured as an admin would live it: real YAML catalogues of imported aids
written to a temporary knowledge directory, each measured in fresh processes.

For each size (and the served directory itself, `real`): `validate` (what `/reload` costs), then
start-up, peak RSS and query latency of a serving process; every figure is the median of
`repeats` fresh processes, CPU time and wall time both (the machine is shared: CPU time is the
comparable figure, wall time what a user waits for). Validation runs first, so start-up is
measured as a bot restarting on a validated directory. Every probe reuses the bytecode of the
modules it imports, written once by untimed first starts into a temporary folder, as a
restarting bot reuses what `pip install` or its first run compiled.
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

__all__ = ["ScaleConfig", "compile_bytecode", "measure_directory", "percentile", "run_scale"]

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


def _child_env(bytecode: Path | None) -> dict[str, str]:
    """The probes' environment. With `bytecode`, Python's compiled modules are kept in that
    folder and reused, as they are by a bot restarting after `pip install` (which compiles them)
    or after any first run: an environment that forbids writing them (`PYTHONDONTWRITEBYTECODE`,
    set on some shared machines) would otherwise charge every start the compilation of each
    module of an editable install, about 0.1 s, which no deployed bot pays."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    if bytecode is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def _probe(
    mode: str,
    directory: Path,
    queries: Sequence[str] = (),
    warm: Sequence[str] = (),
    bytecode: Path | None = None,
) -> dict[str, Any]:
    env = _child_env(bytecode)
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


def compile_bytecode(bytecode: Path, directory: Path, warm: Sequence[str] = WARM_MESSAGES) -> None:
    """Untimed first starts that write the bytecode of every module a probe imports into
    `bytecode`: a validation and a start on `directory`, and the array path of large
    catalogues (numpy), which the served catalogue may not reach."""
    _probe("validate", directory, bytecode=bytecode)
    _probe("serve", directory, (), warm, bytecode)
    # Best effort: had this import failed, the first probe of a large catalogue would compile
    # numpy itself (and its own failure would be reported, as any probe's).
    subprocess.run(
        [sys.executable, "-c", "import matching.arrayindex, matching.compiled, matching.validation"],
        env=_child_env(bytecode),
        check=False,
        capture_output=True,
        timeout=TIMEOUT_S,
    )


def measure_directory(
    directory: Path,
    queries: Sequence[str],
    repeats: int,
    warm: Sequence[str] = WARM_MESSAGES,
    bytecode: Path | None = None,
) -> dict[str, Any]:
    """`validate` then serving processes on one directory, medians of `repeats` each; with
    `bytecode`, compiled modules are reused from that folder (see `_child_env`)."""
    repeats = max(repeats, 1)
    checks = [_probe("validate", directory, bytecode=bytecode) for _ in range(repeats)]
    serving = [_probe("serve", directory, queries, warm, bytecode) for _ in range(repeats)]
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
    with tempfile.TemporaryDirectory(prefix="aiguilleur-bench-") as tmp:
        bytecode = Path(tmp) / "bytecode"
        bytecode.mkdir()
        say("premier lancement, non chronométré (modules Python compilés une fois)…")
        compile_bytecode(bytecode, config.source, config.warm)
        if config.real:
            say("catalogue réel : validation et démarrage (processus séparés)…")
            out["real"] = measure_directory(
                config.source, config.queries, config.repeats, config.warm, bytecode
            )
        if not config.sizes:
            return out
        places = load_place_names(config.source)
        for size in sorted(config.sizes):
            say(f"catalogue importé de {size} entrées : écriture du YAML…")
            target = Path(tmp) / str(size)
            t0 = time.perf_counter()
            write_catalogue(config.source, target, size, places=places)
            written = time.perf_counter() - t0
            say(f"catalogue importé de {size} entrées : validation et démarrage (processus séparés)…")
            row = measure_directory(target, config.queries, config.repeats, config.warm, bytecode)
            yaml_bytes = sum(p.stat().st_size for p in (target / "catalogue").glob("*.yaml"))
            row["yaml_mb"] = round(yaml_bytes / 1024 / 1024, 1)
            row["write_s"] = round(written, 1)
            out[str(size)] = row
    return out
