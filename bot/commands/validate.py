"""`aiguilleur validate`: every problem of the knowledge files, one `path:line: field: message` line each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from matching import Engine, KnowledgeError, default_knowledge_dir, load_knowledge


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "validate",
        help="vérifier les fichiers de connaissances (code 0 valide, 1 erreurs, 2 usage)",
        description="Vérifie schéma, identifiants, références et exemples de chaque fichier.",
    )
    p.add_argument(
        "dir", nargs="?", type=Path, default=None, help="dossier de connaissances (défaut : celui fourni)"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    directory = args.dir or default_knowledge_dir()
    if not directory.is_dir():
        print(f"Error: dossier introuvable : {directory}", file=sys.stderr)
        return 2
    try:
        knowledge = load_knowledge(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problème(s).", file=sys.stderr)
        return 1
    engine = Engine.from_knowledge(knowledge)
    problems = engine.example_problems()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problème(s).", file=sys.stderr)
        return 1
    print(f"OK : {len(knowledge.entries)} entrées valides dans {directory}.")
    return 0
