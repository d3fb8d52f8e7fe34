"""Copies of the public evaluation sets (``shared/eval`` of the project's workspace), shipped with
the package so that `aiguilleur eval` and `bench` work from an installed wheel.

- ``dev.yaml``: the first, easier development set;
- ``real-dev.yaml``: 199 real-world messages adapted from public texts, each with its source.

Both are for development: the product is measured on other, unpublished messages of the same
kinds, so tune for the kind of message, never for these strings.
"""

from pathlib import Path

EVALSETS = Path(__file__).resolve().parent
DEV_SET = EVALSETS / "dev.yaml"
REAL_DEV_SET = EVALSETS / "real-dev.yaml"

__all__ = ["DEV_SET", "EVALSETS", "REAL_DEV_SET"]
