"""`aiguilleur bench`: the engine against FTS5 BM25 and rapidfuzz WRatio, then the engine at scale
(real YAML catalogues of 1,000, 5,000, 10,000 imported aids, 50,000 with `--with-50000`): start-up,
peak RSS, latency and `validate` of fresh processes, as one table (or, with `--json`, one line of
compact JSON, last on stdout)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from matching import KnowledgeError

from ..bench.runner import GOALS, LARGE, SIZES, BenchConfig, run_bench
from .base import CliError, Command
from .common import knowledge, knowledge_error, knowledge_option, load_engine
from .params import Existing, Integer, IntList


@click.command(
    "bench",
    cls=Command,
    help="Précision top-1 face à FTS5 BM25 et rapidfuzz WRatio sur le jeu de développement, puis "
    "démarrage, mémoire, latence et validation sur le catalogue réel et sur des catalogues YAML "
    "d'aides importées (processus séparés, médianes, temps CPU et temps réel).",
)
@click.option("--json", "as_json", is_flag=True, help="sortie JSON (une ligne, la dernière)")
@click.option(
    "--sizes",
    type=IntList(),
    default=",".join(map(str, SIZES)),
    metavar="N,N",
    help=f"tailles des catalogues importés mesurés (défaut : {','.join(map(str, SIZES))})",
)
@click.option("--with-50000", "large", is_flag=True, help=f"mesure aussi {LARGE} entrées (long)")
@click.option(
    "--repeats",
    type=Integer(1, 20),
    default=3,
    metavar="N",
    help="processus frais par mesure, dont on garde la médiane (défaut : 3)",
)
@click.option(
    "--queries",
    type=Integer(),
    default=100,
    metavar="N",
    help="questions synthétiques chronométrées en plus des jeux de dev (défaut : 100)",
)
@click.option(
    "--dev-set",
    type=Existing("jeu de questions"),
    default=None,
    metavar="FICHIER",
    help="jeu de questions étiquetées (défaut : le jeu de développement fourni)",
)
@knowledge_option
def command(
    as_json: bool,
    sizes: tuple[int, ...],
    large: bool,
    repeats: int,
    queries: int,
    dev_set: Path | None,
    knowledge_dir: Path | None,
) -> int:
    """Runs the benchmark and prints its table (or JSON); progress goes to stderr."""
    chosen = knowledge(knowledge_dir)
    load_engine(chosen)  # bad knowledge is one Error line before any measurement starts
    config = BenchConfig(
        knowledge_dir=chosen.path,
        sizes=tuple(sorted({*sizes, *((LARGE,) if large else ())})),
        repeats=repeats,
        queries=queries,
        progress=None if as_json else lambda msg: click.echo(msg, err=True),
    )
    if dev_set is not None:
        config = replace(config, dev_set=dev_set)
    if not config.dev_set.exists():
        raise CliError(f"jeu de questions introuvable : {config.dev_set} (indiquez --dev-set)", code=2)
    if config.golden_dir is not None and not config.golden_dir.is_dir():
        # An installed wheel ships no tests/: measure on the dev set only, and say so.
        click.echo(
            f"Note : cas golden absents de cette installation ({config.golden_dir}) ; "
            "précision mesurée sur le jeu de développement seulement.",
            err=True,
        )
        config = replace(config, golden_dir=None)
    try:
        result = run_bench(config)
    except KnowledgeError as exc:
        raise knowledge_error(chosen.path, exc) from exc
    if as_json:
        # One line, compact, last on stdout: a consumer reads the last line and gets the object.
        click.echo(json.dumps(result, ensure_ascii=False, separators=(",", ":")))
    else:
        click.echo(format_table(result))
    return 0


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


_LABELS = {
    "engine": "moteur Aiguilleur",
    "fts5_bm25": "SQLite FTS5 BM25",
    "bm25s_snowball_fr": "bm25s + Snowball (fr)",
    "rapidfuzz_wratio": "rapidfuzz WRatio",
}


def _real_dev_lines(result: dict[str, Any]) -> list[str]:
    """Top-1 on real-world messages (whole file and halves), engine and baselines side by side."""
    real = result.get("real_dev") or {}
    if "all" not in real:
        return []
    parts = [p for p in ("all", "tuning", "held-out") if p in real]
    names = {"all": "tout", "tuning": "réglage", "held-out": "contrôle"}
    lines = [
        "",
        f"Messages réels ({real['path']}) : top-1 dans le périmètre, par moitié (hachage de chaque message)",
        f"  {'méthode':<22}"
        + "".join(f"{names[p] + ' (' + str(real[p]['in_scope']) + ')':>16}" for p in parts),
    ]
    for key in real["all"]["top1"]:
        lines.append(
            f"  {_LABELS.get(key, key):<22}" + "".join(f"{real[p]['top1'][key]:>16.3f}" for p in parts)
        )
    if "bm25s_snowball_fr" not in real["all"]["top1"]:
        lines.append("  (bm25s non installé : pip install bm25s)")
    met = result["goals_met"]
    whole = real["all"]
    lines.append(
        f"  moteur : hors périmètre rejeté {whole['out_of_scope_rejected']['engine']:.3f}"
        f"{_mark(met.get('real_rejected'))}, sans réponse dans le périmètre "
        f"{whole['false_no_match_rate']:.3f}{_mark(met.get('real_false_no_match'))}, écart FTS5 "
        f"{whole['top1']['engine'] - whole['top1']['fts5_bm25']:+.3f}{_mark(met.get('real_vs_fts5'))}"
    )
    return lines


def format_table(result: dict[str, Any]) -> str:
    """The human-readable table (French), the one pasted in the README."""
    acc, met = result["accuracy"], result["goals_met"]
    golden = result.get("golden") or {}
    dev = result["dev_set"]
    head = f"  {'méthode':<22}{'top-1 dev':>10}{'hors périm.':>12}"
    if golden.get("accuracy"):
        head += f"{'top-1 golden':>14}{'hors périm.':>12}"
    lines = [
        f"Précision top-1 — jeu de développement : {dev['in_scope']} questions dans le périmètre, "
        f"{dev['out_of_scope']} hors périmètre"
        + (
            f" ; cas golden : {golden['in_scope']} + {golden['cases'] - golden['in_scope']}"
            if golden.get("accuracy")
            else ""
        ),
        head,
    ]
    for key, label, goal, flag in (
        ("engine", "moteur Aiguilleur", None, None),
        ("fts5_bm25", "SQLite FTS5 BM25", GOALS["fts5_margin"], "engine_vs_fts5"),
        ("rapidfuzz_wratio", "rapidfuzz WRatio", GOALS["wratio_margin"], "engine_vs_wratio"),
    ):
        row = f"  {label:<22}{acc[key]:>10.3f}{result['out_of_scope_rejected'][key]:>12.2f}"
        if golden.get("accuracy"):
            row += f"{golden['accuracy'][key]:>14.3f}{golden['out_of_scope_rejected'][key]:>12.2f}"
        if goal is not None and flag is not None:
            row += f"   écart dev {acc['engine'] - acc[key]:+.3f} (objectif ≥ +{goal:.2f}){_mark(met[flag])}"
        lines.append(row)
    overall = result["accuracy_all_cases"]
    lines.append(
        "  tous les cas du jeu de dev (hors périmètre compté juste si sans réponse) : "
        + ", ".join(f"{k} {v:.3f}" for k, v in overall.items())
    )
    lines += _real_dev_lines(result)
    for size, top1 in result.get("engine_top1_with_synthetic", {}).items():
        lines.append(
            f"  moteur avec {int(size):,} entrées (dont synthétiques) : top-1 dev {top1:.3f}".replace(
                ",", " "
            )
        )
    lines += ["", *scale_table(result)]
    return "\n".join(lines)


_GOAL_KEYS = {
    "startup_s": {"real": "startup_real", "5000": "startup_5000", "10000": "startup_10000"},
    "rss_mb": {"5000": "rss_5000"},
    "p99_ms": {"real": "p99_real", "5000": "p99_5000", "10000": "p99_10000", "50000": "p99_50000"},
    "validate_s": {"5000": "validate_5000"},
}


def _cell(row: dict[str, Any], key: str, met: dict[str, bool], name: str, width: int, digits: int = 2) -> str:
    """'CPU (wall)' for a figure, with its goal's mark when it has one."""
    flag = _GOAL_KEYS.get(name, {}).get(key)
    wall = name.replace("_s", "_wall_s") if name.endswith("_s") else name.replace("_ms", "_wall_ms")
    text = f"{row[name]:.{digits}f} ({row[wall]:.{digits}f}){_mark(met.get(flag) if flag else None)}"
    return f"{text:>{width}}"


def scale_table(result: dict[str, Any]) -> list[str]:
    """Start-up, memory, latency and validation per catalogue: CPU time (wall time in brackets)."""
    met, scale = result["goals_met"], result["scale"]
    lines = [
        "Passage à l'échelle (processus séparés, médianes ; temps CPU, temps réel entre parenthèses)",
        f"  {'catalogue':<22}{'démarrage (s)':>18}{'mémoire':>9}{'p50 (ms)':>16}{'p99 (ms)':>18}{'validate (s)':>20}",
    ]
    for key, row in scale.items():
        label = f"réel ({row['entries']})" if key == "real" else f"importé {int(key):,}".replace(",", " ")
        rss_flag = _GOAL_KEYS["rss_mb"].get(key)
        rss = f"{row['rss_mb']:.0f} Mo{_mark(met.get(rss_flag) if rss_flag else None)}"
        lines.append(
            f"  {label:<22}{_cell(row, key, met, 'startup_s', 18)}{rss:>9}"
            f"{_cell(row, key, met, 'p50_ms', 16)}{_cell(row, key, met, 'p99_ms', 18)}"
            f"{_cell(row, key, met, 'validate_s', 20, 1)}"
        )
    lines += [
        f"Objectifs : 5 000 entrées démarrage ≤ {GOALS['startup_s']:g} s, mémoire ≤ {GOALS['peak_rss_mb']:g} Mo, "
        f"p99 ≤ {GOALS['p99_5000_ms']:g} ms, validate ≤ {GOALS['validate_5000_s']:g} s ; 10 000 : démarrage "
        f"≤ {GOALS['startup_10000_s']:g} s, p99 ≤ {GOALS['p99_10000_ms']:g} ms ; 50 000 : p99 ≤ "
        f"{GOALS['p99_50000_ms']:g} ms ; catalogue réel : démarrage ≤ {GOALS['startup_real_s']:g} s, "
        f"p99 ≤ {GOALS['p99_real_ms']:g} ms.",
        f"{sum(result['queries'].values())} questions chronométrées par processus ; durée du banc : "
        f"{result['elapsed_s']:.0f} s ({result['machine']['cpus']} cœurs, Python {result['machine']['python']}).",
    ]
    return lines
