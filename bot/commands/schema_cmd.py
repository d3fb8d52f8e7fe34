"""`aiguilleur schema`: writes the JSON Schemas of the knowledge files, so editors (VS Code with
the YAML extension, via the `# yaml-language-server: $schema=…` first line) validate and complete
as admins type. `--check` fails when the committed schemas no longer match the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from matching import CatalogueFile, ContactsFile, Vocabulary
from matching.followups import FollowUpPhrases
from matching.schema import OrientationsFile

from .base import CliError, Command
from .common import announce, knowledge, writable

SCHEMA_DIR = "schema"
MODELS: dict[str, type[BaseModel]] = {
    "catalogue.schema.json": CatalogueFile,
    "vocabulary.schema.json": Vocabulary,
    "contacts.schema.json": ContactsFile,
    "orientations.schema.json": OrientationsFile,
    "relances.schema.json": FollowUpPhrases,
}


@click.command(
    "schema",
    cls=Command,
    help="Écrit catalogue.schema.json, vocabulary.schema.json, contacts.schema.json, orientations.schema.json "
    "et relances.schema.json.",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="dossier de sortie (défaut : <connaissances>/schema)",
)
@click.option(
    "--check", is_flag=True, help="ne rien écrire ; code 1 si les fichiers ne correspondent plus aux modèles"
)
def command(output_dir: Path | None, check: bool) -> int:
    """Writes the schemas, or (`--check`) fails when the committed ones are stale."""
    if output_dir is None:
        chosen = knowledge(None)
        output_dir = (chosen.path if check else writable(chosen, "schema")) / SCHEMA_DIR
        announce(chosen)
    directory = output_dir
    texts = schema_texts()
    if check:
        stale = [
            name
            for name, text in texts.items()
            if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            raise CliError(f"schéma(s) à régénérer avec « aiguilleur schema » : {', '.join(stale)}")
        click.echo(f"OK : schémas à jour dans {directory}.")
        return 0
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (directory / name).write_text(text, encoding="utf-8")
        click.echo(f"Écrit : {directory / name}")
    return 0


def schema_texts() -> dict[str, str]:
    """File name -> JSON Schema text, exactly as written (stable, ends with a newline)."""
    out: dict[str, str] = {}
    for name, model in MODELS.items():
        schema: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **model.model_json_schema(),
        }
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out
