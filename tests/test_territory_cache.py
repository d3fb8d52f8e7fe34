"""The territory tables' artefact (`matching.territories.tablecache`): a start on validated files
reads the same tables from it as from the table files, and an artefact that cannot be trusted is
ignored, never served."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pytest

from matching import Engine
from matching import compiled as compiled_module
from matching.territories import tablecache
from matching.territories.tables import Tables
from matching.validation import load_engine

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "recruter un manager de centre-ville à Guingamp"


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped knowledge, validated once (so its files are stamped as checked)."""
    directory = tmp_path_factory.mktemp("tables") / "k"
    shutil.copytree(ROOT / "knowledge", directory, ignore=shutil.ignore_patterns(".cache", "__pycache__"))
    load_engine(directory)
    return directory


def _artefact(directory: Path) -> Path:
    target = compiled_module.cache_file(directory, tablecache.CACHE_NAME)
    assert target is not None
    return target


def _fields(tables: Tables) -> dict[str, object]:
    """Everything the artefact stands for, dict order included (scans iterate some maps)."""
    names = [f.name for f in dataclasses.fields(Tables) if not f.name.startswith("_")]
    out: dict[str, object] = {}
    for name in [*names, "name_prefixes"]:
        value = getattr(tables, name)
        out[name] = list(value.items()) if isinstance(value, dict) else value
    return out


def _tables(engine: Engine) -> Tables:
    tables = getattr(engine.places, "tables", None)
    assert isinstance(tables, Tables)
    return tables


def test_a_start_on_validated_files_reads_the_same_tables_from_the_artefact(validated: Path) -> None:
    artefact = _artefact(validated)
    assert artefact.is_file()
    key = compiled_module.content_key(validated)
    assert key is not None
    restored = tablecache.read(artefact, key, compiled_module.code_version())
    assert restored is not None
    from_artefact = Tables.load(validated, checked=True, restored=restored)
    from_files = Tables.load(validated)
    assert _fields(from_artefact) == _fields(from_files)
    started = Engine.load(validated)
    assert started.ask(MESSAGE).to_json() == load_engine(validated).ask(MESSAGE).to_json()


@pytest.mark.parametrize("how", ["flipped byte", "truncated", "other files", "other code", "not ours"])
def test_an_artefact_that_cannot_be_trusted_is_ignored_and_written_again(validated: Path, how: str) -> None:
    artefact = _artefact(validated)
    good = artefact.read_bytes()
    head, _, body = good.partition(b"\n")
    damaged = {
        "flipped byte": head + b"\n" + body[:1000] + bytes([body[1000] ^ 1]) + body[1001:],
        "truncated": good[: len(good) // 2],
        "other files": head.replace(b'"key": "', b'"key": "0') + b"\n" + body,
        "other code": head.replace(b'"code": "', b'"code": "0') + b"\n" + body,
        "not ours": b"\x00\xff" * 100,
    }[how]
    key = compiled_module.content_key(validated)
    assert key is not None
    assert tablecache.restore(io.BytesIO(damaged), key, compiled_module.code_version()) is None
    artefact.write_bytes(damaged)
    try:
        engine = Engine.load(validated)  # a start: the tables come from their files
        place = engine.ask(MESSAGE).territory
        assert place is not None
        assert place.name == "Guingamp"
        assert artefact.read_bytes() == good  # and the artefact is written again
    finally:
        artefact.write_bytes(good)


def test_a_section_of_the_wrong_size_is_never_restored(validated: Path) -> None:
    """Even with a matching checksum, a header whose sizes disagree with the body is refused."""
    import json

    good = _artefact(validated).read_bytes()
    head, _, body = good.partition(b"\n")
    header = json.loads(head)
    header["sizes"][0][0] += 1  # one commune more than the section holds
    key = compiled_module.content_key(validated)
    assert key is not None
    forged = json.dumps(header).encode() + b"\n" + body
    assert tablecache.restore(io.BytesIO(forged), key, compiled_module.code_version()) is None
