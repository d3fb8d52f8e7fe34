"""Documentation stays true: every command has help text and appears in the README, and the
README's test command is the one CI runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click

from bot.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group = cli, path: str = "aiguilleur") -> Iterator[tuple[str, click.Command]]:
    """Every command and sub-command as (`aiguilleur territories resolve`, command), loading each."""
    ctx = click.Context(group, info_name=path)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"{path} {name} cannot be loaded"
        yield f"{path} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{path} {name}")


def test_every_command_has_help_text() -> None:
    """Each command has a line in `aiguilleur --help` and a description in its own help page."""
    for name, command in _commands():
        assert command.get_short_help_str(), f"{name} has no short help"
        assert command.help, f"{name} has no help text"


def test_lazy_table_names_the_commands_it_loads() -> None:
    """The name under which `aiguilleur --help` lists a command is the command's own name."""
    ctx = click.Context(cli, info_name="aiguilleur")
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.name == name


def test_every_command_is_documented_in_the_readme() -> None:
    for name, _ in _commands():
        assert name in README, f"README does not mention `{name}`"


def test_ci_runs_the_readme_test_command() -> None:
    command = 'python -m pip install ".[test]" && python -m pytest'
    assert command in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command.replace('".[test]"', '--quiet ".[test]"') in ci or command in ci


def test_ci_checks_lint_formatting_and_types_before_the_tests() -> None:
    """The state is protected: CI fails on a lint, formatting or type error."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    tests_at = ci.index("python -m pytest")
    for check in ("ruff check .", "ruff format --check .", "mypy"):
        assert check in ci, f".ci/run does not run `{check}`"
        assert ci.index(check) < tests_at, f"`{check}` should run before the tests"


def test_licence_covers_code_and_bundled_data() -> None:
    """The package's SPDX expression names the code's licence and the bundled data's."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    expression = "MIT AND etalab-2.0 AND MPL-2.0"
    assert f'license = "{expression}"' in pyproject
    assert expression in (ROOT / "LICENSE").read_text(encoding="utf-8")
