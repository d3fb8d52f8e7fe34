"""The territory tables' largest maps and indexes as a build artefact, so a start on validated
files neither inflates nor splits the commune tables nor rebuilds the name indexes.

Written next to the compiled catalogue (`<knowledge>/.cache/territoires.cache`, see
`matching.compiled.cache_file`) whenever the directory's files are stamped as checked, and read
only on a start whose files carry that stamp. Every map is two texts, its keys and its values
joined by newlines in UTF-8 (no pickle, nothing executable: texts rebuilt with `split` and
`zip`), after a JSON header line naming the format, the knowledge files' content hash, the
matching code's version, the size of each section and a checksum of the rest. A file that
disagrees in any of these, or does not decode into maps of the expected shape, is ignored and
the tables are read from their files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from .tables import Tables

__all__ = ["CACHE_NAME", "FORMAT", "Restored", "dump", "read", "restore"]

FORMAT = 1
CACHE_NAME = "territoires.cache"
_HEADER_BYTES = 4096
# Names' words are [a-z0-9 ] and codes hold no space: a tab joins the members of a list.
_LIST = "\t"


@dataclass(frozen=True)
class Restored:
    """What a start takes from the artefact instead of the table files and the index builds:
    the largest maps of `Tables`, and its `name_prefixes` index. The other name indexes hold the
    very strings of these maps and are rebuilt from them (≈ 15 ms): they share them, where
    restored copies would cost about 7 MB more."""

    commune_rows: dict[str, str]
    commune_keys: dict[str, str]
    commune_sounds: dict[str, str]
    postal: dict[str, str]
    alias_keys: dict[str, list[str]]
    name_prefixes: frozenset[str]


def _texts(keys: list[str], values: list[str]) -> dict[str, str]:
    return dict(zip(keys, values, strict=True))


def _lists(keys: list[str], values: list[str]) -> dict[str, list[str]]:
    return dict(zip(keys, (v.split(_LIST) for v in values), strict=True))


def _members(keys: list[str], _values: list[str]) -> frozenset[str]:
    return frozenset(keys)


def _joined(values: Iterable[list[str]]) -> Iterator[str]:
    return (_LIST.join(v) for v in values)


# Each section, in file order: a field of `Restored`, how its values are written (None: a set,
# keys only) and how it is rebuilt from its keys and values.
_SECTIONS: tuple[
    tuple[str, Callable[[Any], Iterable[str]] | None, Callable[[list[str], list[str]], Any]], ...
] = (
    ("commune_rows", iter, _texts),
    ("commune_keys", iter, _texts),
    ("commune_sounds", iter, _texts),
    ("postal", iter, _texts),
    ("alias_keys", _joined, _lists),
    ("name_prefixes", None, _members),
)


def dump(tables: Tables, key: str, code: str) -> bytes:
    """The artefact for these tables (their name prefixes are built if they were not)."""
    sizes: list[list[int]] = []
    chunks: list[bytes] = []
    for name, write, _ in _SECTIONS:
        content = getattr(tables, name)
        keys = list(content) if write is not None else sorted(content)
        values = list(write(content.values())) if write is not None else []
        encoded = ["\n".join(keys).encode("utf-8"), "\n".join(values).encode("utf-8")]
        sizes.append([len(keys), len(encoded[0]), len(encoded[1])])
        chunks += encoded
    body = b"".join(chunks)
    digest = hashlib.blake2b(body, digest_size=16).hexdigest()
    header = {"format": FORMAT, "key": key, "code": code, "sum": digest, "sizes": sizes}
    return json.dumps(header).encode("ascii") + b"\n" + body


def restore(stream: BinaryIO, key: str, code: str) -> Restored | None:
    """The maps of an artefact written for these files (`key`) by this code, else None. The
    sections are read, checksummed, split and built one after the other: the peak memory of a
    start stays about that of reading the table files."""
    try:
        header = json.loads(stream.readline(_HEADER_BYTES))
        sizes, expected = header.pop("sizes"), header.pop("sum")
        if header != {"format": FORMAT, "key": key, "code": code} or len(sizes) != len(_SECTIONS):
            return None
        digest = hashlib.blake2b(digest_size=16)
        built: dict[str, Any] = {}
        for (name, write, build), (count, key_bytes, value_bytes) in zip(_SECTIONS, sizes, strict=True):
            keys = _lines(stream, key_bytes, count, digest)
            values = _lines(stream, value_bytes, count if write is not None else 0, digest)
            built[name] = build(keys, values)
        if stream.read(1) or digest.hexdigest() != expected:
            return None
        return Restored(**built)
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
        return None  # not an artefact of ours after all: the files are read instead


def _lines(stream: BinaryIO, size: int, count: int, digest: Any) -> list[str]:
    """One section's `count` lines, read from `size` bytes of the stream."""
    chunk = stream.read(size)
    if len(chunk) != size:
        raise ValueError("truncated")
    digest.update(chunk)
    if count == 0:
        if chunk:
            raise ValueError("unexpected text")
        return []
    out = chunk.decode("utf-8").split("\n")
    if len(out) != count:
        raise ValueError("section of the wrong size")
    return out


def read(path: Path | None, key: str, code: str) -> Restored | None:
    """The artefact at `path` when it is a readable regular file written for `key` by `code`."""
    if path is None:
        return None
    from ..safefiles import file_problem

    if file_problem(path, path.parent, None) is not None:
        return None
    try:
        with path.open("rb") as stream:
            return restore(stream, key, code)
    except OSError:
        return None
