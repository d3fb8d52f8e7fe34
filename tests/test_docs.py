"""Documentation stays true: every command has help text and appears in the README, and the
README's test command is the one CI runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no sub-commands")


def test_every_command_has_help_text() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    for name in _commands():
        assert helps.get(name), f"{name} has no help text"


def test_every_command_is_documented_in_the_readme() -> None:
    for name in _commands():
        assert f"aiguilleur {name}" in README, f"README does not mention `aiguilleur {name}`"


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
