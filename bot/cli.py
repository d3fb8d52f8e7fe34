"""`aiguilleur` command line: a thin layer that parses arguments, calls the library and turns
domain errors into one `Error: …` line and an exit code (0 ok, 1 data error, 2 usage error)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from .commands.common import CliError

# Each module exposes `register(subparsers)`; order is the order shown by `aiguilleur --help`.
COMMAND_MODULES = (
    "ask",
    "chat",
    "catalogue",
    "validate",
    "evaluate",
    "territories",
    "run",
    "bench_bot",
    "bench",
    "importer",
    "schema_cmd",
    "report",
)


class _Parser(argparse.ArgumentParser):
    """argparse parser whose usage errors follow the `Error: …` convention, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"Error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every available command."""
    parser = _Parser(
        prog="aiguilleur",
        description="Aiguilleur : trouve l'offre APEC ou le programme ANCT qui répond au besoin d'une collectivité, "
        "et le bon contact pour son territoire.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `aiguilleur` script and of `python -m bot`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except CliError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
