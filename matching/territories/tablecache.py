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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tables import Tables

__all__ = ["CACHE_NAME", "FORMAT", "Restored", "dump", "read", "restore", "restored_indexes"]

FORMAT = 1
CACHE_NAME = "territoires.cache"
# Names' words are [a-z0-9 ] and codes hold no space: a tab joins the members of a list.
_LIST = "\t"


@dataclass(frozen=True)
class Restored:
    """What a start takes from the artefact instead of the table files and the index builds."""

    commune_rows: dict[str, str]
    commune_keys: dict[str, str]
    commune_sounds: dict[str, str]
    postal: dict[str, str]
    alias_keys: dict[str, list[str]]
    name_first_words: dict[str, int]
    name_keys: frozenset[str]
    name_prefixes: frozenset[str]
    prefix_index: dict[tuple[str, int], list[str]]

    # The cached properties of `Tables` this restores (the rest are its dataclass fields).
    INDEXES = ("name_first_words", "name_keys", "name_prefixes", "prefix_index")


# Each section: its name, and whether it holds values besides its keys (a set holds none).
_SECTIONS = (
    ("commune_rows", True),
    ("commune_keys", True),
    ("commune_sounds", True),
    ("postal", True),
    ("alias_keys", True),
    ("name_first_words", True),
    ("name_keys", False),
    ("name_prefixes", False),
    ("prefix_index", True),
)


def dump(tables: Tables, key: str, code: str) -> bytes:
    """The artefact for these tables (their indexes are built if they were not)."""
    prefix = tables.prefix_index
    texts: dict[str, tuple[Iterable[str], Iterable[str]]] = {
        "commune_rows": (tables.commune_rows, tables.commune_rows.values()),
        "commune_keys": (tables.commune_keys, tables.commune_keys.values()),
        "commune_sounds": (tables.commune_sounds, tables.commune_sounds.values()),
        "postal": (tables.postal, tables.postal.values()),
        "alias_keys": (tables.alias_keys, (_LIST.join(v) for v in tables.alias_keys.values())),
        "name_first_words": (tables.name_first_words, map(str, tables.name_first_words.values())),
        "name_keys": (sorted(tables.name_keys), ()),
        "name_prefixes": (sorted(tables.name_prefixes), ()),
        "prefix_index": (
            (f"{first}{_LIST}{size}" for first, size in prefix),
            (_LIST.join(v) for v in prefix.values()),
        ),
    }
    sizes: list[list[int]] = []
    chunks: list[bytes] = []
    for name, _ in _SECTIONS:
        keys, values = (list(part) for part in texts[name])
        encoded = ["\n".join(keys).encode("utf-8"), "\n".join(values).encode("utf-8")]
        sizes.append([len(keys), len(encoded[0]), len(encoded[1])])
        chunks += encoded
    body = b"".join(chunks)
    header = {"format": FORMAT, "key": key, "code": code, "sum": _checksum(body), "sizes": sizes}
    return json.dumps(header).encode("ascii") + b"\n" + body


def restore(data: bytes, key: str, code: str) -> Restored | None:
    """The maps of an artefact written for these files (`key`) by this code, else None."""
    head, _, body = data.partition(b"\n")
    try:
        header = json.loads(head)
        sizes = header.pop("sizes")
        if header != {"format": FORMAT, "key": key, "code": code, "sum": _checksum(body)}:
            return None
        sections = dict(_sections(body, sizes))
        return Restored(
            commune_rows=_map(sections["commune_rows"], str),
            commune_keys=_map(sections["commune_keys"], str),
            commune_sounds=_map(sections["commune_sounds"], str),
            postal=_map(sections["postal"], str),
            alias_keys=_map(sections["alias_keys"], _members),
            name_first_words=_map(sections["name_first_words"], int),
            name_keys=frozenset(sections["name_keys"][0]),
            name_prefixes=frozenset(sections["name_prefixes"][0]),
            prefix_index={
                _prefix_key(k): _members(v) for k, v in _map(sections["prefix_index"], str).items()
            },
        )
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
        return None  # not an artefact of ours after all: the files are read instead


def _sections(
    body: bytes, sizes: Sequence[Sequence[int]]
) -> Iterator[tuple[str, tuple[list[str], list[str]]]]:
    """Each section's keys and values, checked against the sizes the header gives."""
    if len(sizes) != len(_SECTIONS):
        raise ValueError("sections missing")
    at = 0
    for (name, valued), (count, key_bytes, value_bytes) in zip(_SECTIONS, sizes, strict=True):
        keys = _lines(body[at : at + key_bytes], count)
        at += key_bytes
        values = _lines(body[at : at + value_bytes], count if valued else 0)
        at += value_bytes
        yield name, (keys, values)
    if at != len(body):
        raise ValueError("trailing bytes")


def _lines(chunk: bytes, count: int) -> list[str]:
    if count == 0:
        if chunk:
            raise ValueError("unexpected text")
        return []
    out = chunk.decode("utf-8").split("\n")
    if len(out) != count:
        raise ValueError("section of the wrong size")
    return out


def _map(pair: tuple[list[str], list[str]], value: Callable[[str], Any]) -> dict[str, Any]:
    keys, values = pair
    if value is str:
        return dict(zip(keys, values, strict=True))
    return dict(zip(keys, map(value, values), strict=True))


def _members(text: str) -> list[str]:
    return text.split(_LIST)


def _prefix_key(text: str) -> tuple[str, int]:
    first, size = text.split(_LIST)
    return first, int(size)


def _checksum(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def restored_indexes(restored: Restored) -> Mapping[str, object]:
    """The cached properties to set on a `Tables` built from `restored`."""
    return {name: getattr(restored, name) for name in Restored.INDEXES}


def read(path: Path | None, key: str, code: str) -> Restored | None:
    """The artefact at `path` when it is a readable regular file written for `key` by `code`."""
    if path is None:
        return None
    from ..safefiles import file_problem

    if file_problem(path, path.parent, None) is not None:
        return None
    try:
        return restore(path.read_bytes(), key, code)
    except OSError:
        return None
