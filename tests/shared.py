"""Test helpers shared by modules: the engine outside fixtures (inside running bots), and the
build scripts of scripts/ imported as modules (they are not part of the installed package)."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from matching import Engine

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@cache
def shared_engine() -> Engine:
    """The engine on the bundled knowledge, loaded once per test session (never skipped:
    knowledge that does not load must fail the tests)."""
    return Engine.load()


@cache
def script(name: str) -> ModuleType:
    """scripts/<name>.py as a module, loaded once (registered in sys.modules, so that its
    dataclasses and pickling-free helpers resolve their own module)."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module
