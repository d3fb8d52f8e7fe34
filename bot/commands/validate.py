"""`aiguilleur validate`: every problem of the knowledge files, one `path:line: field: message` line each."""

from __future__ import annotations

from pathlib import Path

import click

from matching import KnowledgeError
from matching.validation import validate_knowledge

from ..knowledge_dir import KnowledgeDir
from .base import CliError, Command
from .common import announce
from .common import knowledge as resolve
from .params import Existing


@click.command(
    "validate",
    cls=Command,
    help="Vérifie schéma, identifiants, références, codes de territoires, dates, tables des territoires "
    "et exemples de chaque fichier.",
)
@click.argument(
    "directory",
    metavar="DIR",
    required=False,
    type=Existing("dossier", directory=True),
    help="dossier de connaissances (défaut : AIGUILLEUR_KNOWLEDGE_DIR ou les fichiers fournis)",
)
def command(directory: Path | None) -> int:
    """Lists every problem on stdout (count on stderr); exit code 1 when there is one."""
    chosen = KnowledgeDir(directory, "indiqué en argument") if directory else resolve(None)
    directory = chosen.path
    if not directory.is_dir():
        raise CliError(f"dossier introuvable : {directory}", code=2)
    announce(chosen)
    try:
        result = validate_knowledge(directory)
    except KnowledgeError as exc:
        return _report([str(p) for p in exc.problems])
    click.echo(f"OK : {len(result.engine.entries)} entrées valides dans {directory}.")
    if result.aids_total:
        misses = len(result.aid_misses)
        click.echo(
            f"Aides importées : exemples de {result.aids_checked} aides sur {result.aids_total} vérifiés "
            f"(échantillon fixe) ; {misses} de leurs exemples mènent à une autre entrée (aides voisines, non bloquant)."
        )
    return 0


def _report(problems: list[str]) -> int:
    for problem in problems:
        click.echo(problem)
    click.echo(f"{len(problems)} problème(s).", err=True)
    return 1
