"""Helpers shared by the command modules: loading the engine, printing JSON, CLI errors."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from matching import Engine, KnowledgeError


class CliError(Exception):
    """An expected failure: printed as `Error: …` with an exit code (1 data, 2 usage)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def add_knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knowledge-dir",
        type=Path,
        default=None,
        help="dossier de connaissances (défaut : AIGUILLEUR_KNOWLEDGE_DIR ou les fichiers fournis)",
    )


@lru_cache(maxsize=4)
def _engine(directory: Path | None) -> Engine:
    return Engine.load(directory)


def load_engine(args: argparse.Namespace) -> Engine:
    """The engine for `--knowledge-dir`; knowledge errors become a CLI error listing them."""
    try:
        return _engine(getattr(args, "knowledge_dir", None))
    except KnowledgeError as exc:
        raise CliError("connaissances invalides :\n" + "\n".join(str(p) for p in exc.problems)) from exc


def print_json(value: Any, *, indent: int | None = 2) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=indent)
    sys.stdout.write("\n")


def date_option(value: str | None, option: str = "--today") -> dt.date:
    """A YYYY-MM-DD command-line date (today when absent); a bad one is a usage error."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{option} : date invalide « {value} », format attendu AAAA-MM-JJ", code=2) from None
