"""`aiguilleur bench-bot`: updates per second end to end (fake Bot API server, rate limiter off),
next to a bare python-telegram-bot echo bot measured in the same run."""

from __future__ import annotations

import json
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
    help="mises à jour traitées en parallèle par Aiguilleur (défaut : AIGUILLEUR_CONCURRENT_UPDATES, 4)",
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
    verdict = "objectif atteint" if result.ratio >= GOAL else "objectif NON atteint"
    click.echo(f"Bot écho python-telegram-bot : {result.echo_rate:8.1f} mises à jour/s")
    click.echo(f"Aiguilleur                   : {result.bot_rate:8.1f} mises à jour/s")
    per_round = ", ".join(f"{r:.2f}" for r in result.ratios)
    spread = f"de {min(result.ratios):.2f} à {max(result.ratios):.2f}" if result.ratios else "—"
    click.echo(
        f"Rapport                      : {result.ratio:8.2f} × (objectif ≥ {GOAL}, {verdict} ; "
        f"par mesure : {per_round}, soit {spread})"
    )
    where = "processus séparé" if result.fake_server == "separate process" else "même processus"
    click.echo(
        f"({result.updates} mises à jour par mesure, médianes de {result.rounds} mesures appariées, limiteur désactivé, "
        f"faux serveur en {where}, Aiguilleur avec {result.concurrent_updates} mise(s) à jour en parallèle, "
        "bot écho avec les réglages par défaut)"
    )
    return 0
