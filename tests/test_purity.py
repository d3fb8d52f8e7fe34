"""Architecture rules: `matching` is pure (no Telegram, no SQLite store, no network) and its
public names are all exported."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import matching

FORBIDDEN = ("telegram", "sqlite_utils", "sqlite3", "httpx", "urllib.request", "socket", "requests", "bot")
MATCHING = Path(matching.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_matching_source_never_imports_the_outside_world() -> None:
    for path in MATCHING.rglob("*.py"):
        for name in _imports(path):
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), (
                f"{path.name} imports {name}"
            )


def test_importing_and_using_matching_loads_no_telegram_or_sqlite_utils() -> None:
    code = (
        "import sys, matching; e = matching.Engine.load(); e.ask('recruter un manager de centre-ville à Guingamp');"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('telegram', 'sqlite_utils', 'httpx')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_all_lists_every_public_name() -> None:
    public = {
        n for n in vars(matching) if not n.startswith("_") and not isinstance(getattr(matching, n), type(sys))
    }
    assert public == set(matching.__all__)
