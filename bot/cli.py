"""`aiguilleur` command line: a thin click layer that parses arguments, calls the library and turns
errors into one `Error: …` line on stderr and an exit code (0 ok, 1 data error, 2 usage error).

Sub-commands are lazy: this module imports only click, and a command's module (which imports
the engine) is loaded when that command runs, so `aiguilleur --help` does not load the engine.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any

import click

from .commands.base import Group, french_message

__all__ = ["COMMANDS", "cli", "main"]

PROG = "aiguilleur"

# name -> (module under bot.commands exposing `command`, short help shown by `aiguilleur --help`),
# in the order of the help page. The short help lives here so the help page imports nothing.
COMMANDS: dict[str, tuple[str, str]] = {
    "ask": ("ask", "répondre à un besoin (« - » : une question par ligne sur l'entrée standard, JSON Lines)"),
    "chat": ("chat", "conversation interactive dans le terminal (sans Telegram)"),
    "catalogue": ("catalogue", "lister les offres et programmes du catalogue"),
    "validate": ("validate", "vérifier les fichiers de connaissances (code 0 valide, 1 erreurs, 2 usage)"),
    "init-knowledge": ("init_knowledge", "copier les connaissances fournies dans un dossier à modifier"),
    "eval": ("evaluate", "mesurer la précision sur un jeu de questions étiquetées"),
    "territories": ("territories", "territoires : comprendre un lieu, importer une liste de programme, mesurer"),
    "run": ("run", "lancer le bot Telegram (polling, ou --webhook)"),
    "bench-bot": ("bench_bot", "débit du bot Telegram de bout en bout, comparé à un bot écho (objectif ≥ 0,5×)"),
    "bench": ("bench", "comparer le moteur à deux méthodes simples et mesurer sa vitesse"),
    "import": ("importer", "importer des données : aides publiques, tables officielles de l'ANCT"),
    "schema": ("schema_cmd", "écrire le schéma JSON des fichiers de connaissances (pour les éditeurs)"),
    "report": (
        "report",
        "rapport pour les administrateurs (entrées à relire, exemples, questions sans réponse)",
    ),
}  # fmt: skip


class LazyGroup(Group):
    """The top-level group: loads a sub-command's module only when it is asked for, and prints
    every error as `Error: …` (click's own usage errors in French)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            module, short_help = COMMANDS[cmd_name]
            command: click.Command = import_module(f"bot.commands.{module}").command
            command.short_help = command.short_help or short_help
            self.commands[cmd_name] = command
        return self.commands[cmd_name]

    def command_rows(self, ctx: click.Context, width: int) -> list[tuple[str, str]]:
        return [(name, short_help) for name, (_, short_help) in COMMANDS.items()]

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (`aiguilleur catalogue | head`): not an error. Point stdout at
            # /dev/null so that the interpreter's final flush does not complain either.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Runs the program; returns the exit code, or exits with it in standalone mode."""
        try:
            result = super().main(
                None if args is None else list(args),
                prog_name or PROG,
                complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.format_message(), err=True)
            code = 2
        except click.ClickException as exc:
            click.echo(f"Error: {french_message(exc)}", err=True)
            code = exc.exit_code
        except click.Abort:  # Ctrl-C
            code = 130
        if standalone_mode:
            sys.exit(code)
        return code


@click.group(
    PROG,
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Aiguilleur : trouve l'offre APEC ou le programme ANCT qui répond au besoin d'une collectivité, "
    "et le bon contact pour son territoire.",
    epilog="Codes de sortie : 0 succès, 1 erreur de données, 2 erreur d'usage. "
    "\u00ab\u00a0aiguilleur COMMANDE --help\u00a0\u00bb décrit une commande.",
)
@click.version_option(
    package_name="aiguilleur",
    prog_name=PROG,
    message="%(prog)s %(version)s",
    help="afficher la version et quitter",
)
def cli() -> None:
    """The `aiguilleur` group; each sub-command lives in its own module of `bot.commands`."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `aiguilleur` script and of `python -m bot`: returns the exit code."""
    return cli.main(argv, standalone_mode=False)
