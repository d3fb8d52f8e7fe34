"""Helpers shared by the command modules: settings, the `--knowledge-dir` option, loading the
engine, printing JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import click

from matching import Engine, KnowledgeError, default_knowledge_dir

from ..settings import Settings, SettingsError, load_settings
from .base import CliError

__all__ = ["CliError", "knowledge_dir", "knowledge_option", "load_engine", "print_json", "settings"]

F = TypeVar("F", bound=Callable[..., Any])


def knowledge_option(function: F) -> F:
    """`--knowledge-dir DIR`, passed to the command as `knowledge_dir` (None: the default)."""
    return click.option(
        "--knowledge-dir",
        type=click.Path(path_type=Path),
        default=None,
        metavar="DIR",
        help="dossier de connaissances (défaut : AIGUILLEUR_KNOWLEDGE_DIR ou les fichiers fournis)",
    )(function)


def settings(env_file: Path | None = Path(".env"), **overrides: Any) -> Settings:
    """The settings (environment, then `env_file`); bad ones are a usage error naming the variable."""
    try:
        return load_settings(env_file, **overrides)
    except SettingsError as exc:
        raise CliError(str(exc), code=2) from None


def knowledge_dir(option: Path | None, config: Settings | None = None) -> Path:
    """The directory to read: `--knowledge-dir`, else AIGUILLEUR_KNOWLEDGE_DIR, else the shipped one."""
    if option is not None:
        return option
    return (config or settings()).knowledge_dir or default_knowledge_dir()


@lru_cache(maxsize=4)
def _engine(directory: Path) -> Engine:
    return Engine.load(directory)


def load_engine(option: Path | None) -> Engine:
    """The engine for `--knowledge-dir`; knowledge errors become a CLI error listing them."""
    try:
        return _engine(knowledge_dir(option))
    except KnowledgeError as exc:
        raise CliError("connaissances invalides :\n" + "\n".join(str(p) for p in exc.problems)) from exc


def print_json(value: Any, *, indent: int | None = 2) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=indent)
    sys.stdout.write("\n")
