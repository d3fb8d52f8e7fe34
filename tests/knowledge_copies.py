"""Test helpers for knowledge-loading tests: copies of the mini knowledge, in-place edits, and
the problems a load refuses with, as the admin reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from matching import KnowledgeError, load_knowledge

DATA = Path(__file__).resolve().parent / "data"
HOSTILE = DATA / "hostile"


def mini_copy(tmp_path: Path, name: str = "k") -> Path:
    """A fresh copy of tests/data/mini."""
    shutil.copytree(DATA / "mini", tmp_path / name)
    return tmp_path / name


def edit(path: Path, old: str, new: str) -> None:
    """Replaces the first `old` (which must be there) by `new` in a knowledge file."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(directory: Path) -> list[str]:
    """The problems `load_knowledge` refuses `directory` with, one line each."""
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(directory)
    return [str(p) for p in exc.value.problems]
