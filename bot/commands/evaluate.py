"""`aiguilleur eval`: accuracy figures on a labelled set (default: the bundled dev set)."""

from __future__ import annotations

import argparse
from pathlib import Path

from matching.evaluation import evaluate, load_cases

from ..evalsets import DEV_SET
from .common import CliError, add_knowledge_option, load_engine, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "eval",
        help="mesurer la précision sur un jeu de questions étiquetées",
        description="Top-1, top-3, MRR, précision et rappel du « pas de réponse », précision des lieux.",
    )
    p.add_argument(
        "file", nargs="?", type=Path, default=None, help="fichier YAML (défaut : jeu de développement)"
    )
    p.add_argument("--json", action="store_true", help="sortie JSON")
    add_knowledge_option(p)
    p.set_defaults(handler=run)


def default_set() -> Path:
    """The dev set shipped with the package (works from an installed wheel too)."""
    if DEV_SET.exists():
        return DEV_SET
    raise CliError("jeu de développement introuvable : indiquez un fichier", code=2)


def run(args: argparse.Namespace) -> int:
    path = args.file or default_set()
    if not path.exists():
        raise CliError(f"fichier introuvable : {path}", code=2)
    try:
        cases = load_cases(path)
    except Exception as exc:  # YAML or schema problem in a user-supplied file
        raise CliError(f"{path} : jeu de questions illisible ({exc.__class__.__name__})") from exc
    report = evaluate(load_engine(args), cases).to_json()
    if args.json:
        print_json(report)
        return 0
    print(f"Jeu : {path} ({len(cases)} questions)")
    print(
        f"Dans le périmètre : {report['in_scope']} — top-1 {report['top1']:.3f}, top-3 {report['top3']:.3f}, MRR {report['mrr']:.3f}"
    )
    print(
        f"Hors périmètre : {report['out_of_scope']} — « pas de réponse » précision {report['no_match_precision']:.3f}, "
        f"rappel {report['no_match_recall']:.3f}"
    )
    print(f"Lieux : {report['territory_cases']} cas — exactitude {report['territory_accuracy']:.3f}")
    if report["misses"]:
        print("Erreurs :")
        for miss in report["misses"]:
            if "expected_place" in miss:
                print(
                    f"  - « {miss['q']} » : lieu attendu {miss['expected_place']}, obtenu {miss['got_place']}"
                )
            else:
                expected = ", ".join(miss["expected"]) or "pas de réponse"
                got = ", ".join(miss["got"]) or "pas de réponse"
                print(f"  - « {miss['q']} » : attendu {expected}, obtenu {got} ({miss['status']})")
    return 0
