"""Measure knowledge loading and validation on real-sized YAML catalogues.

Why a script: `aiguilleur bench` builds entries in memory, which hides the cost of reading
YAML. This one writes a knowledge directory (the bundled knowledge plus N imported-looking aids
of ≈ 2 KB each, rendered like `aiguilleur import aides-territoires` renders them) and times, in
a fresh process each, `load_knowledge` and `validate_knowledge` (CPU and wall, median of repeats).

Usage:
    python scripts/bench_knowledge.py [--sizes 0,1000,5000] [--repeats 3] [--what load,validate]
    python scripts/bench_knowledge.py --write DIR --size 5000     # only write the directory
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.bench.synthetic import THEMES, synthetic_entries  # noqa: E402

FILLER = (
    "Les dépenses éligibles comprennent les études préalables, les travaux et l'assistance à maîtrise "
    "d'ouvrage. Le taux d'aide dépend de la taille de la collectivité et de la qualité du projet. "
)


def write_knowledge(target: Path, size: int) -> Path:
    """The bundled knowledge plus `size` synthetic aids in `catalogue/aides-territoires.yaml`."""
    shutil.copytree(ROOT / "knowledge", target, dirs_exist_ok=True)
    if not size:
        return target
    objects = [o for objs in THEMES.values() for o in objs]
    entries = []
    for n, entry in enumerate(synthetic_entries(size)):
        data = entry.model_dump(mode="json", exclude_defaults=True)
        extra = " ".join(
            f"Le projet peut aussi porter sur {objects[(n + k) % len(objects)]}." for k in range(6)
        )
        data["description"] = f"{data['description']} {FILLER * 3}{extra}"
        data["url"] = f"https://aides-territoires.beta.gouv.fr/aides/synth-{n:05d}/"
        entries.append(data)
    text = yaml.safe_dump(
        {"entries": entries}, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False
    )
    (target / "catalogue" / "aides-territoires.yaml").write_text(text, encoding="utf-8")
    return target


TIMER = """
import json, sys, time
from pathlib import Path
t0, c0 = time.perf_counter(), time.process_time()
what = sys.argv[2]
if what == "load":
    from matching.loader import load_knowledge
    load_knowledge(Path(sys.argv[1]))
else:
    try:
        from matching.validation import validate_knowledge
    except ImportError:  # before the validation module existed: what `aiguilleur validate` did
        from matching import Engine, load_knowledge
        Engine.from_knowledge(load_knowledge(Path(sys.argv[1]))).example_problems()
    else:
        try:
            validate_knowledge(Path(sys.argv[1]))
        except Exception as exc:
            print(str(exc)[:2000], file=sys.stderr)
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}))
"""


def measure(directory: Path, what: str, repeats: int) -> dict[str, float]:
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", TIMER, str(directory), what],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in ("wall", "cpu")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000,5000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--what", default="load,validate")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--size", type=int, default=5000)
    args = parser.parse_args()
    if args.write:
        write_knowledge(args.write, args.size)
        return 0
    report: dict[str, dict[str, dict[str, float]]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            directory = write_knowledge(Path(tmp) / "knowledge", size)
            catalogue = directory / "catalogue" / "aides-territoires.yaml"
            per = catalogue.stat().st_size / size if size else 0
            report[str(size)] = {w: measure(directory, w, args.repeats) for w in args.what.split(",")}
            print(f"{size} entrées ({per:.0f} o/entrée) : {report[str(size)]}", file=sys.stderr)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
