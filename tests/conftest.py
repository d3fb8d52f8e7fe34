"""Shared fixtures: the engine on the bundled knowledge, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared import shared_engine

from matching import Engine, default_knowledge_dir

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def knowledge_dir() -> Path:
    return default_knowledge_dir()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return shared_engine()
