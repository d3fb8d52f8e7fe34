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

from matching import Engine, KnowledgeError

from ..knowledge_dir import KnowledgeDir, KnowledgeDirError, resolve_knowledge_dir
from ..settings import Settings, SettingsError, load_settings
from .base import CliError

__all__ = [
    "CliError",
    "announce",
    "knowledge",
    "knowledge_option",
    "load_engine",
    "print_json",
    "settings",
    "writable",
]

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


def knowledge(option: Path | None, config: Settings | None = None) -> KnowledgeDir:
    """The directory to read: `--knowledge-dir`, else AIGUILLEUR_KNOWLEDGE_DIR, else the shipped one."""
    return resolve_knowledge_dir(option, config or settings())


def announce(directory: KnowledgeDir) -> None:
    """Says on stderr which directory is read and why (stdout stays the command's output)."""
    click.echo(directory.describe(), err=True)


def writable(directory: KnowledgeDir, what: str) -> Path:
    """The directory a command writes into; the packaged copy is refused (usage error)."""
    try:
        return directory.writable(what)
    except KnowledgeDirError as exc:
        raise CliError(str(exc), code=2) from None


@lru_cache(maxsize=4)
def _engine(directory: Path) -> Engine:
    return Engine.load(directory)


def load_engine(option: Path | KnowledgeDir | None, config: Settings | None = None) -> Engine:
    """The engine for `--knowledge-dir` (announced on stderr); knowledge errors become one CLI error."""
    directory = option if isinstance(option, KnowledgeDir) else knowledge(option, config)
    try:
        engine = _engine(directory.path)
    except KnowledgeError as exc:
        raise CliError(
            f"connaissances invalides dans {directory.path} :\n" + "\n".join(str(p) for p in exc.problems)
        ) from exc
    announce(directory)
    return engine


def print_json(value: Any, *, indent: int | None = 2) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=indent)
    sys.stdout.write("\n")
