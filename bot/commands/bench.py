"""`aiguilleur bench`: the engine against FTS5 BM25 and rapidfuzz WRatio, latency at 1,000 and
10,000 entries, start-up and memory, as one table (or one JSON object with `--json`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from matching import KnowledgeError

from ..bench.runner import GOALS, BenchConfig, run_bench
from .base import CliError, Command
from .common import knowledge, knowledge_error, knowledge_option, load_engine, print_json
from .params import Existing, Integer, IntList


@click.command(
    "bench",
    cls=Command,
    help="Précision top-1 face à FTS5 BM25 et rapidfuzz WRatio sur le jeu de développement, "
    "latence sur le catalogue réel et sur des catalogues synthétiques, démarrage et mémoire.",
)
@click.option("--json", "as_json", is_flag=True, help="sortie JSON (un seul objet)")
@click.option(
    "--sizes",
    type=IntList(),
    default="1000,10000",
    metavar="N,N",
    help="tailles des catalogues synthétiques (défaut : 1000,10000)",
)
@click.option(
    "--queries",
    type=Integer(),
    default=150,
    metavar="N",
    help="nombre de questions chronométrées par catalogue (défaut : 150)",
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
    as_json: bool, sizes: tuple[int, ...], queries: int, dev_set: Path | None, knowledge_dir: Path | None
) -> int:
    """Runs the benchmark and prints its table (or JSON); progress goes to stderr."""
    chosen = knowledge(knowledge_dir)
    load_engine(chosen)  # bad knowledge is one Error line before any measurement starts
    config = BenchConfig(
        knowledge_dir=chosen.path,
        sizes=sizes,
        queries=max(queries, 1),
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
        print_json(result)
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
    acc, lat, met = result["accuracy"], result["latency_ms"], result["goals_met"]
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
    lines += ["", f"Latence de engine.ask (ms)   {'p50':>7} {'p99':>7} {'questions':>10} {'indexation':>11}"]
    for key, row in lat.items():
        label = (
            f"catalogue réel ({result['entries']['real']})"
            if key == "real"
            else f"synthétique {int(key):,}".replace(",", " ")
        )
        index = "—" if key == "real" else f"{result['index_s'][key]:.2f} s"
        goal = met.get("p99_real") if key == "real" else met.get("p99_10000") if key == "10000" else None
        lines.append(
            f"  {label:<27}{row['p50']:>7.2f} {row['p99']:>7.2f} {row['n']:>10} {index:>11}{_mark(goal)}"
        )
    lines += [
        "",
        f"Démarrage (Engine.load, connaissances et territoires) : {result['startup_s']:.2f} s "
        f"(objectif ≤ {GOALS['startup_s']:.0f} s){_mark(met['startup'])} ; import : {result['import_s']:.2f} s",
        f"Mémoire maximale d'un processus qui sert : {result['peak_rss_mb']:.0f} Mo "
        f"(objectif ≤ {GOALS['peak_rss_mb']:.0f} Mo){_mark(met['peak_rss'])} ; "
        f"processus du banc (catalogues synthétiques compris) : {result['bench_peak_rss_mb']:.0f} Mo",
        f"Objectifs p99 : ≤ {GOALS['p99_real_ms']:.0f} ms sur le catalogue réel, ≤ {GOALS['p99_10000_ms']:.0f} ms à 10 000 entrées. "
        f"Durée du banc : {result['elapsed_s']:.0f} s ({result['machine']['cpus']} cœurs, Python {result['machine']['python']}).",
    ]
    return "\n".join(lines)
