"""`aiguilleur bench-bot`: updates per second end to end (fake Bot API server, rate limiter off),
next to a bare python-telegram-bot echo bot measured in the same run."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import click

from .base import Command
from .common import knowledge_option, load_engine
from .params import Integer

# The bounds of --updates: bot.telegram.bench.MAX_UPDATES (not imported here, so that
# `aiguilleur bench-bot --help` does not load python-telegram-bot; a test keeps them equal).
MAX_UPDATES = 50_000


@click.command(
    "bench-bot",
    cls=Command,
    help="Mesure les mises à jour traitées par seconde contre un faux serveur Bot API local "
    "(127.0.0.1, limiteur de débit désactivé), à côté d'un bot écho python-telegram-bot nu.",
)
@click.option(
    "--updates",
    type=Integer(1, MAX_UPDATES),
    default=1000,
    metavar="N",
    help="mises à jour par mesure (défaut : 1000, max 50000)",
)
@click.option(
    "--rounds",
    type=Integer(1, 20),
    default=3,
    metavar="N",
    help="mesures alternées écho / Aiguilleur (défaut : 3, médiane)",
)
@click.option("--json", "as_json", is_flag=True, help="sortie JSON (un seul objet)")
@click.option(
    "--in-process",
    is_flag=True,
    help="faux serveur dans le même processus que les bots (défaut : processus séparé, comme Telegram)",
)
@click.option(
    "--concurrency",
    type=Integer(1, 256),
    default=None,
    metavar="N",
    help="mises à jour traitées en parallèle par chacun des deux bots (défaut : AIGUILLEUR_CONCURRENT_UPDATES, 4)",
)
@knowledge_option
def command(
    updates: int,
    rounds: int,
    as_json: bool,
    in_process: bool,
    concurrency: int | None,
    knowledge_dir: Path | None,
) -> int:
    """Measures the echo bot and Aiguilleur in alternation and prints the ratio."""
    from ..telegram.bench import GOAL, run_bench_bot

    engine = load_engine(knowledge_dir)
    progress = None if as_json else (lambda msg: click.echo(msg, err=True))
    result = run_bench_bot(engine, updates, rounds, progress, in_process=in_process, concurrency=concurrency)
    if as_json:
        # One line, compact, last on stdout (as `bench --json`).
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, separators=(",", ":")))
        return 0
    data = result.to_json()
    verdict = "objectif atteint" if result.ratio >= GOAL else "objectif NON atteint"
    for name, rate, cpu, calls in (
        ("Bot écho python-telegram-bot", result.echo_rate, result.echo_cpu_ms, data["echo_calls_per_answer"]),
        ("Aiguilleur                  ", result.bot_rate, result.bot_cpu_ms, data["bot_calls_per_answer"]),
    ):
        click.echo(
            f"{name} : {rate:8.1f} mises à jour/s, {_median(cpu):5.2f} ms CPU par mise à jour, "
            f"{calls:.2f} appel(s) Bot API par réponse"
        )
    per_round = ", ".join(f"{r:.2f}" for r in result.ratios)
    click.echo(
        f"Rapport                      : {result.ratio:8.2f} × médian (objectif ≥ {GOAL}, {verdict}) ; "
        f"par mesure : {per_round} ; de {data['ratio_min']:.2f} à {data['ratio_max']:.2f}, "
        f"quartiles {data['ratio_q1']:.2f}–{data['ratio_q3']:.2f}"
    )
    cpu = data["cpu_ratio"]
    click.echo(
        f"Rapport en temps CPU         : {cpu['median']:8.2f} × médian (de {cpu['min']:.2f} à {cpu['max']:.2f} ; "
        "temps CPU du processus des bots par mise à jour, écho / Aiguilleur, moins sensible à la charge)"
    )
    where = "processus séparé" if result.fake_server == "separate process" else "même processus (CPU compris)"
    click.echo(
        f"({result.updates} mises à jour par mesure, médianes de {result.rounds} mesures appariées, limiteur désactivé, "
        f"faux serveur en {where}, les deux bots avec {result.concurrent_updates} mise(s) à jour en parallèle)"
    )
    return 0


def _median(values: tuple[float, ...]) -> float:
    return statistics.median(values) if values else 0.0
