"""`aiguilleur catalogue`: list the entries, as a table or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from matching.schema import Entry

from ..render import KIND_LABELS
from .base import Command
from .common import knowledge_option, load_engine, print_json


@click.command("catalogue", cls=Command, help="Liste les offres Apec, programmes ANCT et aides du catalogue.")
@click.option("--json", "as_json", is_flag=True, help="sortie JSON (tableau d'objets)")
@knowledge_option
def command(as_json: bool, knowledge_dir: Path | None) -> int:
    """The catalogue as a table grouped by kind, or JSON."""
    engine = load_engine(knowledge_dir)
    if as_json:
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
    for e in _by_kind(engine.entries):
        if e.kind != current:
            current = e.kind
            click.echo(f"\n{KIND_LABELS.get(e.kind, e.kind)}")
        click.echo(f"  {e.id:<38} {e.title}")
    click.echo(f"\n{len(engine.entries)} entrées.")
    return 0


def _by_kind(entries: Sequence[Entry]) -> list[Entry]:
    """Entries grouped by kind, in the order of KIND_LABELS (Apec, ANCT, service public, aides),
    other kinds after them in order of appearance; catalogue order within a kind. Files
    interleave kinds (Aides-territoires sits among the ANCT programmes), and a group split in
    two would read as two different kinds."""
    order = {kind: rank for rank, kind in enumerate(KIND_LABELS)}
    for e in entries:
        order.setdefault(e.kind, len(order))
    return sorted(entries, key=lambda e: order[e.kind])
