"""`aiguilleur schema`: writes the JSON Schemas of the knowledge files, so editors (VS Code with
the YAML extension, via the `# yaml-language-server: $schema=…` first line) validate and complete
as admins type. `--check` fails when the committed schemas no longer match the models."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from matching import CatalogueFile, ContactsFile, Vocabulary, default_knowledge_dir

from .common import CliError

SCHEMA_DIR = "schema"
MODELS: dict[str, type[BaseModel]] = {
    "catalogue.schema.json": CatalogueFile,
    "vocabulary.schema.json": Vocabulary,
    "contacts.schema.json": ContactsFile,
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "schema",
        help="écrire le schéma JSON des fichiers de connaissances (pour les éditeurs)",
        description="Écrit catalogue.schema.json, vocabulary.schema.json et contacts.schema.json.",
    )
    p.add_argument(
        "--output-dir", type=Path, default=None, help="dossier de sortie (défaut : <connaissances>/schema)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="ne rien écrire ; code 1 si les fichiers ne correspondent plus aux modèles",
    )
    p.set_defaults(handler=run)


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


def run(args: argparse.Namespace) -> int:
    directory: Path = args.output_dir or default_knowledge_dir() / SCHEMA_DIR
    texts = schema_texts()
    if args.check:
        stale = [
            name
            for name, text in texts.items()
            if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            raise CliError(f"schéma(s) à régénérer avec « aiguilleur schema » : {', '.join(stale)}")
        print(f"OK : schémas à jour dans {directory}.")
        return 0
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (directory / name).write_text(text, encoding="utf-8")
        print(f"Écrit : {directory / name}")
    return 0
