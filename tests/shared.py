"""Test helpers shared by modules that need the engine outside fixtures (inside running bots)."""

from __future__ import annotations

from functools import cache

from matching import Engine


@cache
def shared_engine() -> Engine:
    """The engine on the bundled knowledge, loaded once per test session (never skipped:
    knowledge that does not load must fail the tests)."""
    return Engine.load()
