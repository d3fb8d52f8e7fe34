"""One measurement in a fresh process: `python -m bot.bench.probe serve|validate DIR SPAWNED_AT`.

Why a fresh process: start-up and peak memory are those of a bot starting on that directory, not of
the benchmark process holding other catalogues. CPU time (`time.process_time`, interpreter start
included) is the figure to compare on a shared machine; wall time (from the parent's spawn,
`SPAWNED_AT` on the same clock) is what a user waits for and is reported next to it.

- `serve`: imports `matching`, `Engine.load(DIR)` (what `aiguilleur ask` and the bot do), answers
  the untimed `warm` messages of the JSON object on stdin (tables loaded on first use, such as
  France services, are then loaded, as in a bot that has served a few messages), then the
  `timed` ones, timing each (wall and CPU);
- `validate`: `validate_knowledge(DIR)` (what `aiguilleur validate` and `/reload` do), the
  problems it reports counted.

Prints one JSON object on its last line of stdout.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    """Peak resident memory of this process since it started. Linux: `VmHWM`, since `ru_maxrss`
    keeps the high-water mark of the process before `exec` (the benchmark that spawned it);
    elsewhere `ru_maxrss` (kilobytes, bytes on macOS)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def serve(directory: Path, spawned_at: float, warm: list[str], queries: list[str]) -> dict[str, Any]:
    from matching import Engine

    imported = time.process_time()
    engine = Engine.load(directory)
    startup_cpu, startup_wall = time.process_time(), time.time() - spawned_at
    for q in warm:
        engine.ask(q)
    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    for q in queries:
        c0, w0 = time.thread_time(), time.perf_counter()
        engine.ask(q)
        w1, c1 = time.perf_counter(), time.thread_time()
        wall_ms.append((w1 - w0) * 1000)
        cpu_ms.append((c1 - c0) * 1000)
    return {
        "startup_cpu_s": startup_cpu,
        "startup_wall_s": startup_wall,
        "import_cpu_s": imported,
        "entries": len(engine.entries),
        "territories": engine.places is not None,
        "query_wall_ms": wall_ms,
        "query_cpu_ms": cpu_ms,
        "rss_mb": _rss_mb(),
    }


def validate(directory: Path, spawned_at: float) -> dict[str, Any]:
    from matching import KnowledgeError
    from matching.validation import validate_knowledge

    try:
        validate_knowledge(directory)
        problems = 0
    except KnowledgeError as exc:
        # Timed all the same: the admin waits as long for a report as for an "OK".
        problems = len(exc.problems)
    return {
        "validate_cpu_s": time.process_time(),
        "validate_wall_s": time.time() - spawned_at,
        "problems": problems,
        "rss_mb": _rss_mb(),
    }


def main(argv: list[str]) -> int:
    mode, directory, spawned_at = argv[0], Path(argv[1]), float(argv[2])
    if mode == "serve":
        given = json.load(sys.stdin)
        out = serve(directory, spawned_at, given["warm"], given["timed"])
    elif mode == "validate":
        out = validate(directory, spawned_at)
    else:
        print(f"mode inconnu : {mode}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
