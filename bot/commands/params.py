"""Parameter types with French messages: click checks the values, each command only uses them.

A bad value is a usage error (exit code 2) printed as one `Error: …` line naming the option,
e.g. `Error: --top doit être au moins 1`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from .base import CliError

__all__ = ["Date", "Existing", "IntList", "Integer", "OneOf"]


def _name(param: click.Parameter | None, ctx: click.Context | None) -> str:
    if param is None:
        return "valeur"
    if isinstance(param, click.Argument):
        return param.make_metavar(ctx) if ctx is not None else (param.name or "valeur").upper()
    return param.opts[0]


def _usage(message: str) -> CliError:
    return CliError(message, code=2)


class Integer(click.ParamType[int]):
    """A whole number, optionally bounded: `--top 0` -> « --top doit être au moins 1 »."""

    name = "n"

    def __init__(self, min: int | None = None, max: int | None = None) -> None:
        self.min, self.max = min, max

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        name = _name(param, ctx)
        try:
            number = value if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            raise _usage(f"{name} attend un nombre entier, pas « {value} »") from None
        too_small = self.min is not None and number < self.min
        too_big = self.max is not None and number > self.max
        if too_small or too_big:
            if self.min is not None and self.max is not None:
                raise _usage(f"{name} doit être entre {self.min} et {self.max}")
            if self.min is not None:
                raise _usage(f"{name} doit être au moins {self.min}")
            raise _usage(f"{name} doit être au plus {self.max}")
        return number


class IntList(click.ParamType[tuple[int, ...]]):
    """Positive whole numbers separated by commas: `--sizes 1000,10000`."""

    name = "n,n"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        name = _name(param, ctx)
        try:
            numbers = tuple(int(part) for part in str(value).split(",") if part.strip())
        except ValueError:
            raise _usage(f"{name} attend des entiers séparés par des virgules, pas « {value} »") from None
        if any(n < 1 for n in numbers):
            raise _usage(f"{name} : chaque taille doit être positive")
        return numbers


class Date(click.ParamType[dt.date]):
    """A YYYY-MM-DD date: `--today 26/11/2026` -> « --today : date invalide … »."""

    name = "aaaa-mm-jj"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise _usage(
                f"{_name(param, ctx)} : date invalide « {value} », format attendu AAAA-MM-JJ"
            ) from None


class OneOf(click.ParamType[str]):
    """One of a fixed list of words; `what` names it in the message (« programme inconnu : … »)."""

    name = "choix"

    def __init__(self, choices: Iterable[str], what: str) -> None:
        self.choices = tuple(choices)
        self.what = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value not in self.choices:
            raise _usage(f"{self.what} inconnu : {value} (attendu : {', '.join(self.choices)})")
        return str(value)


class Existing(click.ParamType[Path]):
    """A path that must exist, as a `Path`; `what` names it (« fichier introuvable : … »)."""

    name = "chemin"

    def __init__(self, what: str = "fichier", *, directory: bool = False) -> None:
        self.what = what
        self.directory = directory

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        if not (path.is_dir() if self.directory else path.exists()):
            raise _usage(f"{self.what} introuvable : {path}")
        if not self.directory and path.is_dir():
            raise _usage(f"{path} est un dossier : {self.what} attendu")
        return path
