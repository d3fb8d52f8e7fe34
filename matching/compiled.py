"""The compiled knowledge: a validated, analysed catalogue stored as a build artefact, so a bot
restarting on thousands of imported aids neither re-parses YAML nor re-analyses a text.

Written after every full, successful load (`validate`, `/reload`, a first start) of a catalogue
of at least `COMPILE_MIN` entries (smaller ones analyse faster than numpy imports) to
`<knowledge>/.cache/compiled.npz` (never inside an installed package: then to `CACHE_DIR` when
the program sets one, else nowhere, and the engine stays in memory). One numpy archive, read
with `allow_pickle=False`: the index as flat arrays (`matching.arrayindex`), the validated
knowledge as JSON bytes, and a header. It is trusted only when its header names this format,
the knowledge files' content hash (every file of the directory, tables included, and the
directory's path), the matching code's version (a hash of every module of `matching` and of the
analysing libraries' versions, so a change in scoring or analysis can never serve a stale
index) and a checksum of every array matches; anything else (stale, truncated, a flipped byte,
an unreadable file) is rebuilt from the YAML, never trusted.

Why the rules of `matching.rules` need not run again on a hit: the knowledge passed them when
it was compiled, the tables they check against are in the content hash, and their only
time-dependent rule (no date in the future) can only become truer as days pass.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import zipfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from pydantic import TypeAdapter

from .entryfacts import EntryFacts, LazyEntries, entry_facts
from .loader import Knowledge
from .problems import KnowledgeError
from .safefiles import file_problem, read_bytes
from .schema import ContactsFile, Entry, OrientationRule, Vocabulary

if TYPE_CHECKING:
    from .arrayindex import IndexArrays
    from .engine import Engine, PlaceFinder

__all__ = [
    "CACHE_DIR",
    "COMPILE_MIN",
    "FORMAT",
    "cache_file",
    "checked",
    "code_version",
    "compile_knowledge",
    "content_key",
    "load_cached",
    "store",
    "write_file",
]

FORMAT = 3
CACHE_DIRNAME = ".cache"
CACHE_FILE = "compiled.npz"
STAMP_FILE = "checked.json"
# Below this many entries analysing costs less than importing numpy and reading the archive.
COMPILE_MIN = 300
# Set by the program (settings) to cache knowledge directories it must not write into.
CACHE_DIR: Path | None = None
_PACKAGES = ("site-packages", "dist-packages")
_LIBRARIES = ("snowballstemmer", "pystemmer", "rapidfuzz", "pydantic", "pydantic_core", "numpy")


@lru_cache(maxsize=1)
def _adapters() -> tuple[TypeAdapter[Entry], TypeAdapter[list[OrientationRule]]]:
    """Built on first use: a start that reads the YAML never needs them."""
    return TypeAdapter(Entry), TypeAdapter(list[OrientationRule])


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of every module of `matching` and of the analysing libraries' versions."""
    digest = hashlib.blake2b(f"format {FORMAT} python {sys.version_info[:2]}".encode(), digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        digest.update(f"{name}={_version(name)}\0".encode())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    """A library's installed version, without importing it (numpy costs 0.1 s to import)."""
    from importlib import metadata

    try:
        return metadata.version(distribution.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return "?"


def content_key(directory: Path) -> str | None:
    """Hash of the directory's path and of every file in it (hidden folders skipped, as the
    loader skips them); None when a file cannot be read safely (the full load will say why)."""
    root = directory.resolve()
    digest = hashlib.blake2b(str(root).encode() + b"\0", digest_size=16)
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            path = Path(top) / name
            try:
                data = read_bytes(path, root)
            except KnowledgeError:
                return None
            digest.update(f"{path.relative_to(root)}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _installed(directory: Path) -> bool:
    return any(part in _PACKAGES for part in directory.resolve().parts)


def cache_file(directory: Path, name: str = CACHE_FILE) -> Path | None:
    """Where the directory's compiled knowledge (or its `checked.json` stamp) lives; None when
    nowhere may be written."""
    if not _installed(directory):
        return directory / CACHE_DIRNAME / name
    if CACHE_DIR is None:
        return None
    tag = hashlib.blake2b(str(directory.resolve()).encode(), digest_size=8).hexdigest()
    return CACHE_DIR / f"{Path(name).stem}-{tag}{Path(name).suffix}"


def _stamp(key: str) -> bytes:
    return json.dumps({"format": FORMAT, "key": key, "code": code_version()}).encode()


def checked(directory: Path, key: str) -> bool:
    """Whether these exact files (content hash `key`) passed every check with this code: the
    stamp a full load leaves, for catalogues of any size."""
    target = cache_file(directory, STAMP_FILE)
    if target is None or file_problem(target, target.parent, 4096) is not None:
        return False
    try:
        return target.read_bytes() == _stamp(key)
    except OSError:
        return False


def write_file(target: Path, write: Callable[[BinaryIO], object]) -> bool:
    """Atomic write (temporary file, then rename); False when the place is not writable. The
    temporary name is the writer's own (process and thread): two reloads compiling at once
    each rename a whole file, never one half-written by the other."""
    temporary = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as out:
            write(out)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True


def _checksum(arrays: dict[str, Any]) -> str:
    import numpy as np

    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(arrays):
        value = arrays[name]
        digest.update(name.encode() + b"\0" + str(value.dtype).encode() + b"\0")
        digest.update(np.ascontiguousarray(value).data)  # the array's bytes, without a copy
    return digest.hexdigest()


def _knowledge_json(knowledge: Knowledge) -> bytes:
    return json.dumps(
        {
            "vocabulary": knowledge.vocabulary.model_dump(mode="json"),
            "contacts": knowledge.contacts.model_dump(mode="json"),
            "orientations": json.loads(_adapters()[1].dump_json(list(knowledge.orientations))),
            "entry_files": knowledge.entry_files,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _knowledge(directory: Path, entries: LazyEntries, data: bytes) -> Knowledge:
    raw = json.loads(data)
    return Knowledge(
        directory,
        entries,
        Vocabulary.model_validate(raw["vocabulary"]),
        ContactsFile.model_validate(raw["contacts"]),
        {k: (v[0], v[1]) for k, v in raw["entry_files"].items()},
        tuple(_adapters()[1].validate_python(raw["orientations"])),
    )


def compile_knowledge(directory: Path, engine: Engine, key: str) -> Engine:
    """After a full, successful load of the files whose content hash is `key`: stamps them as
    checked, stores the compiled knowledge of a large catalogue (best effort: an unwritable place
    leaves it in memory) and returns the engine, ranking with arrays when the catalogue is large."""
    target = cache_file(directory)
    if len(engine.entries) < COMPILE_MIN:
        if target is not None and target.is_file():
            target.unlink(missing_ok=True)  # from a larger catalogue: stale, and no longer worth it
    else:
        from .arrayindex import ARRAY_MIN, IndexArrays

        try:
            arrays: IndexArrays | None = IndexArrays.of(engine.index)
        except (TypeError, ValueError):
            arrays = None  # index state of a kind the archive cannot hold: serve the Python index
        if arrays is not None:
            store(directory, engine, key, arrays)
            if len(engine.entries) >= ARRAY_MIN:
                engine.index = arrays.index(engine.entries, engine.analyzer, engine.index.audiences)
    stamp = cache_file(directory, STAMP_FILE)
    if stamp is not None:
        write_file(stamp, lambda out: out.write(_stamp(key)))
    return engine


def store(directory: Path, engine: Engine, key: str, arrays: IndexArrays | None = None) -> Path | None:
    """Writes the engine's compiled knowledge for `directory` (atomically); returns the file, or
    None when it cannot be written (the engine then simply stays in memory). Never raises."""
    import numpy as np

    from .arrayindex import IndexArrays

    target = cache_file(directory)
    if target is None:
        return None
    arrays = arrays if arrays is not None else IndexArrays.of(engine.index)
    # One JSON object per entry, end to end: a start decodes only the entries it shows.
    entries = [_adapters()[0].dump_json(e) for e in engine.knowledge.entries]
    entry_offsets = np.zeros(len(entries) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in entries], out=entry_offsets[1:])
    blobs = {
        "terms": "\n".join(arrays.terms).encode(),
        "doc_json": arrays.doc_json,
        "examples": arrays.examples,
        "state_json": arrays.state_json,
        "analyzer_json": arrays.analyzer_json,
        "entries_json": b"".join(entries),
        "facts_json": entry_facts(engine.knowledge.entries).to_json(),
        "knowledge_json": _knowledge_json(engine.knowledge),
    }
    content: dict[str, Any] = {k: np.frombuffer(v, dtype=np.uint8) for k, v in blobs.items()}
    content.update(
        indptr=arrays.indptr,
        docs=arrays.docs,
        weights=arrays.weights,
        doc_offsets=arrays.doc_offsets,
        example_offsets=arrays.example_offsets,
        entry_offsets=entry_offsets,
    )
    header = {"format": FORMAT, "key": key, "code": code_version(), "checksum": _checksum(content)}
    content["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    return target if write_file(target, lambda out: np.savez(out, **content)) else None


def _read(target: Path, key: str) -> dict[str, Any] | None:
    """The archive's arrays when its header and checksum hold, else None."""
    import numpy as np

    if file_problem(target, target.parent, None) is not None:
        return None  # not a regular file inside its folder (a FIFO, a symlink elsewhere)
    try:
        with open(target, "rb") as handle, np.load(handle, allow_pickle=False) as archive:
            content = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    try:
        header = json.loads(content.pop("header").tobytes())
    except (KeyError, ValueError):
        return None
    if header.get("format") != FORMAT or header.get("key") != key or header.get("code") != code_version():
        return None
    if header.get("checksum") != _checksum(content):
        return None
    return content


def load_cached(directory: Path, places: PlaceFinder | None, key: str | None = None) -> Engine | None:
    """The engine from the directory's compiled knowledge, or None when there is none that can
    be trusted (then load the YAML and `compile_knowledge` the result). `key`: the content hash
    when the caller has it."""
    target = cache_file(directory)
    if target is None or not target.is_file():
        return None
    key = key if key is not None else content_key(directory)
    if key is None:
        return None
    content = _read(target, key)
    if content is None:
        return None
    from .arrayindex import IndexArrays
    from .engine import Engine

    try:
        arrays = IndexArrays(
            terms=tuple(content["terms"].tobytes().decode().split("\n")) if content["terms"].size else (),
            indptr=content["indptr"],
            docs=content["docs"],
            weights=content["weights"],
            doc_offsets=content["doc_offsets"],
            doc_json=content["doc_json"].data,
            examples=content["examples"].tobytes(),
            example_offsets=content["example_offsets"],
            state_json=content["state_json"].tobytes(),
            analyzer_json=content["analyzer_json"].tobytes(),
        )
        knowledge = _knowledge(
            directory,
            LazyEntries(
                content["entries_json"].data,
                content["entry_offsets"].tolist(),
                EntryFacts.from_json(content["facts_json"].tobytes()),
            ),
            content["knowledge_json"].tobytes(),
        )
        return Engine(knowledge, places, compiled=arrays)
    except Exception:  # noqa: BLE001 - a checksummed archive from another build: rebuild, never crash
        return None
