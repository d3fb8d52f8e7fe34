"""Time every hostile knowledge case (tests/data/hostile plus the ones built on the fly).

Each case is a copy of tests/data/mini with one file replaced, loaded in a fresh process under
a time and memory limit, so that the old behaviour (minutes, gigabytes, a hang) is measured
too. Prints one line per case: result, first problem, CPU seconds, peak RSS.

Usage: python scripts/bench_hostile.py [--timeout 60] [--memory-mb 2048] [--root DIR]
(`--root` runs the loader of another checkout, e.g. an export of main before the change.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "data" / "hostile"
MINI = ROOT / "tests" / "data" / "mini"

RUN = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
limit = int(sys.argv[3]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path
from matching import KnowledgeError, load_knowledge
t0, w0 = time.process_time(), time.perf_counter()
try:
    load_knowledge(Path(sys.argv[1]))
    result, first = "accepté", ""
except KnowledgeError as exc:
    result, first = "KnowledgeError", str(exc.problems[0]).replace(sys.argv[1], "K")
except BaseException as exc:
    result, first = type(exc).__name__, str(exc)[:80]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"result": result, "first": first, "cpu_s": round(time.process_time() - t0, 3),
                  "wall_s": round(time.perf_counter() - w0, 3), "rss_mb": peak}))
"""


def cases(base: Path) -> dict[str, Path]:
    """Case name -> knowledge directory (copies of mini with one hostile file)."""
    out: dict[str, Path] = {}

    def copy(name: str) -> Path:
        target = base / name
        shutil.copytree(MINI, target)
        out[name] = target
        return target

    for name, place in (
        ("alias_bomb", "vocabulaire.yaml"),
        ("alias_bomb_mapping", "catalogue/bomb.yaml"),
        ("recursive_alias", "catalogue/loop.yaml"),
        ("deep_nesting", "vocabulaire.yaml"),
        ("duplicate_keys", "vocabulaire.yaml"),
        ("python_tag", "vocabulaire.yaml"),
        ("two_documents", "vocabulaire.yaml"),
    ):
        shutil.copy(HOSTILE / f"{name}.yaml", copy(name) / place)
    with (copy("file_100mb") / "catalogue" / "big.yaml").open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    os.mkfifo(copy("fifo") / "catalogue" / "pipe.yaml")
    outside = base / "outside.yaml"
    outside.write_text("entries: []\n", encoding="utf-8")
    (copy("symlink_out") / "catalogue" / "out.yaml").symlink_to(outside)
    (copy("directory_yaml") / "catalogue" / "dossier.yaml").mkdir()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, directory in cases(Path(tmp)).items():
            command = [sys.executable, "-c", RUN, str(directory), str(args.root), str(args.memory_mb)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
                line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
                report = json.loads(line) if line.startswith("{") else {"result": "crash", "first": line}
            except subprocess.TimeoutExpired:
                report = {"result": f"> {args.timeout:.0f} s (tué)", "first": "", "cpu_s": None}
            print(json.dumps({"case": name, **report}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
