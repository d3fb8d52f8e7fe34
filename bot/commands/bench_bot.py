"""`aiguilleur bench-bot`: updates per second end to end (fake Bot API server, rate limiter off),
next to a bare python-telegram-bot echo bot measured in the same run."""

from __future__ import annotations

import argparse
import sys

from .common import CliError, add_knowledge_option, load_engine, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "bench-bot",
        help="débit du bot Telegram de bout en bout, comparé à un bot écho (objectif ≥ 0,5×)",
        description="Mesure les mises à jour traitées par seconde contre un faux serveur Bot API local "
        "(127.0.0.1, limiteur de débit désactivé), à côté d'un bot écho python-telegram-bot nu.",
    )
    p.add_argument(
        "--updates", type=int, default=1000, help="mises à jour par mesure (défaut : 1000, max 50000)"
    )
    p.add_argument(
        "--rounds", type=int, default=3, help="mesures alternées écho / Aiguilleur (défaut : 3, médiane)"
    )
    p.add_argument("--json", action="store_true", help="sortie JSON (un seul objet)")
    p.add_argument(
        "--in-process",
        action="store_true",
        help="faux serveur dans le même processus que les bots (défaut : processus séparé, comme Telegram)",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="mises à jour traitées en parallèle par Aiguilleur (défaut : AIGUILLEUR_CONCURRENT_UPDATES, 4)",
    )
    add_knowledge_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..telegram.bench import GOAL, MAX_UPDATES, run_bench_bot

    if not 1 <= args.updates <= MAX_UPDATES:
        raise CliError(f"--updates doit être entre 1 et {MAX_UPDATES}", code=2)
    if not 1 <= args.rounds <= 20:
        raise CliError("--rounds doit être entre 1 et 20", code=2)
    engine = load_engine(args)
    progress = None if args.json else (lambda msg: print(msg, file=sys.stderr))
    if args.concurrency is not None and not 1 <= args.concurrency <= 256:
        raise CliError("--concurrency doit être entre 1 et 256", code=2)
    result = run_bench_bot(
        engine,
        args.updates,
        args.rounds,
        progress,
        in_process=args.in_process,
        concurrency=args.concurrency,
    )
    if args.json:
        print_json(result.to_json())
        return 0
    verdict = "objectif atteint" if result.ratio >= GOAL else "objectif NON atteint"
    print(f"Bot écho python-telegram-bot : {result.echo_rate:8.1f} mises à jour/s")
    print(f"Aiguilleur                   : {result.bot_rate:8.1f} mises à jour/s")
    rounds = ", ".join(f"{r:.2f}" for r in result.ratios)
    print(
        f"Rapport                      : {result.ratio:8.2f} × (objectif ≥ {GOAL}, {verdict} ; par mesure : {rounds})"
    )
    where = "processus séparé" if result.fake_server == "separate process" else "même processus"
    print(
        f"({result.updates} mises à jour par mesure, médianes de {result.rounds} mesures appariées, limiteur désactivé, "
        f"faux serveur en {where}, Aiguilleur avec {result.concurrent_updates} mise(s) à jour en parallèle, "
        "bot écho avec les réglages par défaut)"
    )
    return 0
