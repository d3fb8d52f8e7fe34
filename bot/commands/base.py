"""click, in French: the command classes every `aiguilleur` command uses, the error type the
commands raise, and the one place where click's own (English) usage errors become French.

It imports nothing but click, so `aiguilleur --help` stays fast: the command modules, which
import the engine, are only loaded by the command that runs (see `bot/cli.py`).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import click

__all__ = ["CliError", "Command", "Group", "french_message"]

HELP_OPTION = "afficher cette aide et quitter"


class CliError(click.ClickException):
    """An expected failure: printed as one `Error: …` line with an exit code (1 data, 2 usage).

    Parameter types raise it too (code 2): click lets it through untouched, so their French
    message is printed as written."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]  # click declares a class-wide default

    @property
    def code(self) -> int:
        return self.exit_code


class _French:
    """Help pages in French: usage line, section titles and the `--help` option."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option  # type: ignore[no-any-return]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Utilisation : ")

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        params = self.get_params(ctx)  # type: ignore[attr-defined]
        arguments = [p for p in params if isinstance(p, click.Argument)]
        if any(a.help is not None for a in arguments):
            with formatter.section("Arguments"):
                formatter.write_dl([a.get_help_record(ctx) for a in arguments])


class Command(_French, click.Command):
    """A leaf command (`aiguilleur ask`…)."""


class Group(_French, click.Group):
    """A command with sub-commands (`aiguilleur territories …`); its sub-commands are French too."""

    command_class = Command
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """In the order they were declared, like the README's tables."""
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help) for name, help in self.command_rows(ctx, formatter.width)]
        if rows:
            with formatter.section("Commandes"):
                formatter.write_dl(rows)

    def command_rows(self, ctx: click.Context, width: int) -> list[tuple[str, str]]:
        """(name, short help) of each visible sub-command, for the help page."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(width - 6 - len(name))))
        return rows


# -- click's usage errors in French ------------------------------------------------------------

_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$")
_REQUIRES = re.compile(r"^Option '(?P<name>[^']+)' requires (an argument|\d+ arguments)\.$")
_NO_VALUE = re.compile(r"^Option '(?P<name>[^']+)' does not take a value\.$")
# click.Path's own checks ("File '/tmp' is a directory.").
_PATH = re.compile(r"^(File|Directory|Path) '(?P<path>.*)' (?P<what>[a-z ]+)\.$")
_PATH_PROBLEMS = {
    "is a directory": "est un dossier, pas un fichier",
    "is a file": "est un fichier, pas un dossier",
    "does not exist": "introuvable",
    "is not writable": "non modifiable (permission refusée)",
    "is not readable": "illisible (permission refusée)",
    "is not executable": "non exécutable",
}


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3)
    return f" ; vouliez-vous dire {' ou '.join(f'« {c} »' for c in close)} ?" if close else ""


def _param_name(param: click.Parameter | None, ctx: click.Context | None) -> str:
    if param is None:
        return "?"
    if isinstance(param, click.Argument):
        return param.make_metavar(ctx) if ctx is not None else (param.name or "?").upper()
    return " / ".join(param.opts)


def _translate(exc: click.ClickException) -> str:
    """The French text of one of click's own errors; ours (CliError, our types) pass through."""
    ctx: Any = getattr(exc, "ctx", None)
    if isinstance(exc, CliError) or not isinstance(exc, click.UsageError):
        return exc.format_message()
    if isinstance(exc, click.NoSuchCommand):
        names = ctx.command.list_commands(ctx) if ctx is not None else []
        return f"commande inconnue « {exc.command_name} »{_suggest(exc.command_name, names)}"
    if isinstance(exc, click.NoSuchOption):
        names = [o for p in ctx.command.get_params(ctx) for o in p.opts] if ctx is not None else []
        return f"option inconnue « {exc.option_name} »{_suggest(exc.option_name, names)}"
    if isinstance(exc, click.MissingParameter):
        what = "argument manquant" if isinstance(exc.param, click.Argument) else "option manquante"
        return f"{what} : {_param_name(exc.param, ctx)}"
    if isinstance(exc, click.BadParameter):
        if exc.param is None:
            return exc.message
        path = _PATH.match(exc.message)
        if path and path["what"] in _PATH_PROBLEMS:
            return f"{_param_name(exc.param, ctx)} : {path['path']} {_PATH_PROBLEMS[path['what']]}"
        return f"{_param_name(exc.param, ctx)} : valeur invalide ({exc.message})"
    message = exc.message
    if match := _EXTRA.match(message):
        return f"argument en trop : {match['args']}"
    if match := _REQUIRES.match(message):
        return f"l'option {match['name']} attend une valeur"
    if match := _NO_VALUE.match(message):
        return f"l'option {match['name']} ne prend pas de valeur"
    if message == "Missing command.":
        return "sous-commande manquante"
    return message


def french_message(exc: click.ClickException) -> str:
    """What follows `Error: `: ours as written, click's usage errors in French with the help to read."""
    text = _translate(exc)
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        text += f" (aide : {ctx.command_path} --help)"
    return text
