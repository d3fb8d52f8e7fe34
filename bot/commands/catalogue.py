"""`aiguilleur catalogue`: list the entries, as a table or JSON."""

from __future__ import annotations

import argparse

from ..render import KIND_LABELS
from .common import add_knowledge_option, load_engine, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "catalogue",
        help="lister les offres et programmes du catalogue",
        description="Liste les offres Apec, programmes ANCT et aides du catalogue.",
    )
    p.add_argument("--json", action="store_true", help="sortie JSON (tableau d'objets)")
    add_knowledge_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    engine = load_engine(args)
    if args.json:
        print_json(
            [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "title": e.title,
                    "summary": e.summary,
                    "themes": e.themes,
                    "keywords": e.keywords,
                    "examples": e.examples,
                    "related": e.related,
                    "contact": e.contact,
                    "reviewed": e.reviewed.isoformat(),
                    "url": e.url,
                }
                for e in engine.entries
            ]
        )
        return 0
    current = None
    for e in engine.entries:
        if e.kind != current:
            current = e.kind
            print(f"\n{KIND_LABELS.get(e.kind, e.kind)}")
        print(f"  {e.id:<38} {e.title}")
    print(f"\n{len(engine.entries)} entrées.")
    return 0
