"""`aiguilleur init-knowledge DIR`: a copy of the shipped knowledge that the admin edits and the
program then reads (through AIGUILLEUR_KNOWLEDGE_DIR), never the copy inside site-packages."""

from __future__ import annotations

from pathlib import Path

import click

from matching import default_knowledge_dir

from ..knowledge_dir import ENV_NAME, KnowledgeDirError, copy_knowledge
from .base import CliError, Command
from .common import os_reason


@click.command(
    "init-knowledge",
    cls=Command,
    help="Copie les connaissances fournies avec le programme (catalogue, contacts, vocabulaire, "
    "territoires, schémas) dans un nouveau dossier, pour les modifier. Indiquez ensuite ce dossier "
    f"au programme : {ENV_NAME}=DIR dans .env (ou --knowledge-dir DIR).",
)
@click.argument(
    "target", metavar="DIR", type=click.Path(path_type=Path), help="nouveau dossier (absent ou vide)"
)
def command(target: Path) -> int:
    """Copies, then says how to point the program at the copy."""
    try:
        count = copy_knowledge(target)
    except KnowledgeDirError as exc:
        raise CliError(str(exc), code=2) from None
    except OSError as exc:
        raise CliError(f"copie impossible dans {target} : {os_reason(exc)}") from None
    where = target.resolve()
    click.echo(f"Copié : {count} fichiers de {default_knowledge_dir()} dans {where}.")
    click.echo(f"Pour que le programme lise cette copie, ajoutez au fichier .env : {ENV_NAME}={where}")
    click.echo(f"(ou passez --knowledge-dir {where}). Après chaque modification : aiguilleur validate")
    return 0
