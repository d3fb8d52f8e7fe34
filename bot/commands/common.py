"""Helpers shared by the command modules: settings, the `--knowledge-dir` option, loading the
engine, printing JSON."""

from __future__ import annotations

import errno
import json
import sqlite3
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from matching import Engine, KnowledgeError, compiled

from ..knowledge_dir import KnowledgeDir, KnowledgeDirError, resolve_knowledge_dir
from ..settings import Settings, SettingsError, load_settings
from .base import CliError

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "json_line",
    "knowledge_error",
    "open_store",
    "os_reason",
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
    config = config or settings()
    directory = option if isinstance(option, KnowledgeDir) else knowledge(option, config)
    compiled.CACHE_DIR = config.cache_dir  # for an installed knowledge directory (read-only)
    try:
        engine = _engine(directory.path)
    except KnowledgeError as exc:
        raise knowledge_error(directory.path, exc) from exc
    announce(directory)
    return engine


def knowledge_error(directory: Path, exc: KnowledgeError) -> CliError:
    """One `Error: …` listing every problem of a knowledge directory that cannot be served."""
    return CliError(f"connaissances invalides dans {directory} :\n" + "\n".join(str(p) for p in exc.problems))


_OS_REASONS = {
    errno.ENOENT: "introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EEXIST: "un fichier existe déjà à cet endroit",
    errno.EISDIR: "c'est un dossier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "disque plein",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in French when the system error is a common one."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def read_input(file: Path) -> bytes:
    """The bytes of a file the user gave (an export to import): one French error if unreadable."""
    try:
        return file.read_bytes()
    except OSError as exc:
        raise CliError(f"lecture impossible de {file} : {os_reason(exc)}") from None


def unreadable_csv(exc: Exception) -> str:
    """Why an export could not be read as CSV, in French (the parser's own words are English)."""
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"texte illisible (encodage inconnu, octet {exc.start + 1}) : est-ce bien l'export CSV attendu ?"
        )
    return "fichier CSV illisible (ce n'est pas un tableau CSV : fichier binaire ou tronqué ?)"


def open_store(path: Path, *, salt: str | None = None, retention_days: int = 365) -> Store:
    """The bot's store; a path that cannot hold it is one `Error: …` naming it (exit code 1)."""
    from ..store import SaltError, Store  # sqlite-utils: only for the commands that use the store

    try:
        return Store.open(path, salt=salt, retention_days=retention_days)
    except SaltError as exc:
        raise CliError(
            f"sel des identifiants illisible : {exc.path} est vide, trop court (moins de 32 caractères) "
            "ou n'est pas du texte. Ne le remplacez pas si la base contient déjà des données (les "
            "préférences et avis ne seraient plus rattachés) : restaurez-le depuis une sauvegarde, ou "
            "supprimez la base et ce fichier pour repartir de zéro"
        ) from None
    except OSError as exc:
        reason = os_reason(exc)
    except (sqlite3.DatabaseError, RuntimeError) as exc:
        reason = database_reason(exc)
    raise CliError(f"base du bot inaccessible : {path} ({reason})")


def database_reason(exc: sqlite3.DatabaseError | RuntimeError) -> str:
    """Why a file cannot be opened as the store, in French."""
    if isinstance(exc, RuntimeError):  # a schema newer than this program
        return "base créée par une version plus récente d'Aiguilleur"
    return "ce fichier n'est pas une base SQLite" if "not a database" in str(exc) else str(exc)


# Characters str.splitlines() (and JavaScript, and many JSON Lines readers) take for line breaks,
# which json.dumps(ensure_ascii=False) leaves raw; control characters are escaped by json already.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(value: Any, *, indent: int | None = None) -> str:
    """JSON text (UTF-8, readable accents) with no raw line separator: one record per line stays one."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_LINE_BREAKS)


def print_json(value: Any, *, indent: int | None = 2) -> None:
    sys.stdout.write(json_line(value, indent=indent) + "\n")
