"""The compiled knowledge (issue 14 §1–2): a start serves the stored, analysed catalogue only when
it can be trusted, and ranking with arrays gives exactly the Python path's answers."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import matching.arrayindex as arrayindex
import matching.entryfacts as entryfacts
import matching.scoring as scoring
from bot.bench.aids import IMPORT_DAY, aid_records
from bot.bench.runner import load_golden
from bot.bench.synthetic import synthetic_queries
from bot.evalsets import DEV_SET, REAL_DEV_SET
from matching import Engine, KnowledgeError, load_knowledge
from matching import compiled as compiled_module
from matching.aides_territoires import convert
from matching.arrayindex import ArrayIndex, IndexArrays, decode, encode
from matching.compiled import cache_file, load_cached
from matching.evaluation import load_cases
from matching.validation import load_engine

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
MESSAGES = [c.q for c in load_cases(DEV_SET)] + [c.q for c in load_cases(REAL_DEV_SET)]


def _answers(engine: Engine, messages: list[str]) -> list[dict[str, object]]:
    return [engine.ask(q).to_json() for q in messages]


def _compiled_twin(engine: Engine) -> Engine:
    """The same knowledge served from its compiled arrays."""
    return Engine(engine.knowledge, engine.places, compiled=IndexArrays.of(engine.index))


@pytest.fixture
def knowledge_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the two-entry test catalogue, compiled although it is small."""
    monkeypatch.setattr(compiled_module, "COMPILE_MIN", 0)
    target = tmp_path / "knowledge"
    shutil.copytree(DATA / "mini", target, ignore=shutil.ignore_patterns(".cache"))
    return target


def test_index_state_survives_the_json_codec() -> None:
    """Tuples, sets, frozensets and dicts with tuple keys come back as they were."""
    value = {
        ("recrut", "manag"): [1, 2],
        "idf": {"a": 0.1 + 0.2},
        "starts": frozenset({"x", "y"}),
        "words": {"b"},
        "pairs": [(1, frozenset({"c"}))],
    }
    assert decode(encode(value)) == value


def test_compiled_index_answers_exactly_as_the_python_index_on_the_catalogue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Array arithmetic (forced even for the bundled catalogue) and the Python path give the same
    answers, scores, reasons and order on every golden case and every evaluation message."""
    engine = Engine.from_knowledge(load_knowledge())
    assert not isinstance(engine.index, ArrayIndex)
    messages = MESSAGES + [c.q for c in load_golden()]
    expected = _answers(engine, messages)
    monkeypatch.setattr(arrayindex, "ARRAY_MIN", 1)
    twin = _compiled_twin(engine)
    assert isinstance(twin.index, ArrayIndex)
    assert twin.index.large
    assert _answers(twin, messages) == expected


def test_compiled_index_answers_exactly_as_the_python_index_on_an_imported_catalogue() -> None:
    """With more than ARRAY_MIN entries (numpy sums, the SHORTLIST cut among thousands of
    candidates, ties to the earlier entry) the answers are the Python path's, message for message."""
    real = load_knowledge()
    aids = convert(aid_records(arrayindex.ARRAY_MIN + 200), today=IMPORT_DAY).entries
    knowledge = replace(real, entries=(*real.entries, *aids), entry_files={})
    engine = Engine(knowledge)
    twin = _compiled_twin(engine)
    assert isinstance(twin.index, ArrayIndex)
    assert twin.index.large
    messages = MESSAGES[:120] + synthetic_queries(80) + [a.title for a in aids[:40]]
    assert _answers(twin, messages) == _answers(engine, messages)
    assert twin.index.weights == engine.index.weights


def _ranks(engine: Engine, messages: list[str], limit: int) -> list[list[tuple[int, float, tuple[str, ...]]]]:
    out = []
    for q in messages:
        tokens = engine.need_tokens(q)
        terms = [t for t in tokens if not t.stop]
        ranked = engine.index.rank(terms, hits=engine.concepts.find(tokens), limit=limit)
        out.append([(s.index, s.score, s.reasons) for s in ranked])
    return out


@pytest.mark.parametrize("compiled", [False, True])
def test_scoring_by_upper_bounds_keeps_the_best_results_of_scoring_every_entry(
    monkeypatch: pytest.MonkeyPatch, compiled: bool
) -> None:
    """A key phrase shared by hundreds of imported aids shortlists them all; scoring them by
    decreasing upper bound and stopping when none left can enter the best gives exactly the
    best results (scores, reasons, order) of scoring every one, on both paths."""
    real = load_knowledge()
    aids = convert(aid_records(arrayindex.ARRAY_MIN + 200), today=IMPORT_DAY).entries
    engine = Engine(replace(real, entries=(*real.entries, *aids), entry_files={}))
    if compiled:
        engine = _compiled_twin(engine)
        assert isinstance(engine.index, ArrayIndex)
    messages = MESSAGES[:120] + synthetic_queries(80) + [a.title for a in aids[:40]]
    bounded = {limit: _ranks(engine, messages, limit) for limit in (1, 5)}
    monkeypatch.setattr(scoring, "BOUND_FROM", len(engine.entries))
    for limit, ranks in bounded.items():
        full = _ranks(engine, messages, limit)
        assert [r[: max(limit, 2)] for r in ranks] == [r[: max(limit, 2)] for r in full]
        # Entries that could not make the best were left unscored: the bound did cut.
        assert sum(len(r) for r in ranks) < sum(len(r) for r in full)


def test_a_full_load_stores_the_compiled_knowledge_and_a_start_serves_it(knowledge_dir: Path) -> None:
    """validate / reload (a full load) writes `.cache/compiled.npz`; a start then serves the same
    answers from it without reading the YAML again."""
    fresh = load_engine(knowledge_dir)
    target = cache_file(knowledge_dir)
    assert target == knowledge_dir / ".cache" / "compiled.npz"
    assert target.is_file()
    served = load_cached(knowledge_dir, None)
    assert served is not None
    assert isinstance(served.index, ArrayIndex)
    assert served.knowledge == fresh.knowledge
    assert _answers(served, MESSAGES[:40]) == _answers(fresh, MESSAGES[:40])
    assert _answers(Engine.load(knowledge_dir), MESSAGES[:40]) == _answers(fresh, MESSAGES[:40])


def test_a_start_on_compiled_knowledge_decodes_only_the_entries_it_shows(
    knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory of a start on thousands of aids: no entry is built until a message shows it, and
    only the most recently used are kept; the entries are the validated ones all the same."""
    fresh = load_engine(knowledge_dir)
    served = load_cached(knowledge_dir, None)
    assert served is not None
    entries = served.entries
    assert isinstance(entries, entryfacts.LazyEntries)
    assert len(entries._decoded) == 0
    answer = served.ask(MESSAGES[0], top=1)
    assert len(entries._decoded) <= 1
    monkeypatch.setattr(entryfacts, "DECODED", 1)
    assert list(entries) == list(fresh.entries)
    assert len(entries._decoded) == 1
    assert served.entry(fresh.entries[0].id) == fresh.entries[0]
    assert served.ask(MESSAGES[0], top=1) == answer


def _corrupt(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "flip":
        data[len(data) // 2] ^= 0x01
    elif how == "truncate":
        del data[len(data) // 3 :]
    else:
        data = bytearray(b"")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["flip", "truncate", "empty"])
def test_a_corrupt_compiled_file_is_rebuilt_never_trusted(knowledge_dir: Path, how: str) -> None:
    """A flipped byte, a truncated or an empty file: the start ignores it, loads the YAML and
    writes a good one again."""
    expected = _answers(load_engine(knowledge_dir), MESSAGES[:20])
    target = knowledge_dir / ".cache" / "compiled.npz"
    _corrupt(target, how)
    assert load_cached(knowledge_dir, None) is None
    engine = Engine.load(knowledge_dir)
    assert not isinstance(engine.index, ArrayIndex)
    assert _answers(engine, MESSAGES[:20]) == expected
    assert load_cached(knowledge_dir, None) is not None


def test_a_changed_knowledge_file_makes_the_compiled_file_stale(knowledge_dir: Path) -> None:
    """An admin's edit is served at the next start, never the compiled copy of the old file."""
    load_engine(knowledge_dir)
    catalogue = knowledge_dir / "catalogue" / "mini.yaml"
    text = catalogue.read_text(encoding="utf-8")
    old_title = load_knowledge(knowledge_dir).entries[0].title
    catalogue.write_text(text.replace(old_title, old_title + " (nouveau titre)", 1), encoding="utf-8")
    assert load_cached(knowledge_dir, None) is None
    assert Engine.load(knowledge_dir).entries[0].title == old_title + " (nouveau titre)"


def test_another_version_of_the_matching_code_makes_the_compiled_file_stale(
    knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change in analysis or scoring (another code version) never serves an index built by the
    previous code."""
    load_engine(knowledge_dir)
    assert load_cached(knowledge_dir, None) is not None
    monkeypatch.setattr(compiled_module, "code_version", lambda: "another version")
    assert load_cached(knowledge_dir, None) is None


def test_code_version_covers_the_scoring_and_analysing_modules() -> None:
    """The version is a hash of the matching modules' source (scoring.py, analyzer.py among them)."""
    version = compiled_module.code_version.__wrapped__()  # type: ignore[attr-defined]
    assert version == compiled_module.code_version()
    assert len(version) == 32


def test_an_installed_knowledge_directory_is_never_written_into(
    knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Inside site-packages nothing is written: the engine stays in memory, or the compiled file
    goes to the cache folder the program names."""
    monkeypatch.setattr(compiled_module, "_installed", lambda _directory: True)
    engine = Engine.load(knowledge_dir)
    assert not (knowledge_dir / ".cache").exists()
    assert engine.ask(MESSAGES[0]).status
    monkeypatch.setattr(compiled_module, "CACHE_DIR", tmp_path / "cache")
    Engine.load(knowledge_dir)
    assert not (knowledge_dir / ".cache").exists()
    assert len(list((tmp_path / "cache").glob("compiled-*.npz"))) == 1
    assert load_cached(knowledge_dir, None) is not None


def test_a_small_catalogue_is_not_compiled(knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under COMPILE_MIN entries nothing is written (and a file left by a larger catalogue goes)."""
    load_engine(knowledge_dir)
    assert (knowledge_dir / ".cache" / "compiled.npz").is_file()
    monkeypatch.setattr(compiled_module, "COMPILE_MIN", 3)
    engine = load_engine(knowledge_dir)
    assert not (knowledge_dir / ".cache" / "compiled.npz").exists()
    assert not isinstance(engine.index, ArrayIndex)
    assert (knowledge_dir / ".cache" / "checked.json").is_file()


def test_an_edit_after_validation_is_checked_again_at_the_next_start(knowledge_dir: Path) -> None:
    """The "checked" stamp covers the exact files validated: a file edited since (here a review
    date in the future) is checked, and refused, at the next start."""
    load_engine(knowledge_dir)
    assert (knowledge_dir / ".cache" / "checked.json").is_file()
    catalogue = knowledge_dir / "catalogue" / "mini.yaml"
    text = catalogue.read_text(encoding="utf-8")
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    catalogue.write_text(re.sub(r"reviewed: .*", f"reviewed: {future}", text, count=1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        Engine.load(knowledge_dir)
    assert any("date dans le futur" in p.message for p in caught.value.problems)


def test_the_compiled_file_does_not_disturb_validation(knowledge_dir: Path) -> None:
    """The hidden `.cache` folder is not knowledge: a second full load finds no problem in it."""
    load_engine(knowledge_dir)
    load_engine(knowledge_dir)
    assert (knowledge_dir / ".cache" / "compiled.npz").is_file()


def test_a_territory_table_edited_after_validation_is_checked_line_by_line_at_the_next_start(
    tmp_path: Path,
) -> None:
    """A start on stamped files skips the tables' line patterns (they passed them); a table
    edited since is no longer covered by the stamp, and its broken line is named."""
    import gzip

    directory = tmp_path / "k"
    shutil.copytree(ROOT / "knowledge", directory, ignore=shutil.ignore_patterns(".cache", "__pycache__"))
    load_engine(directory)
    served = Engine.load(directory)  # a start on the stamped files
    place = served.ask("recruter un manager de centre-ville à Guingamp").territory
    assert place is not None
    assert place.name == "Guingamp"
    table = directory / "territoires" / "codes_postaux.csv.gz"
    lines = gzip.decompress(table.read_bytes()).decode("utf-8").split("\n")
    lines[3] = "22200,pas un code"
    table.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))
    with pytest.raises(KnowledgeError) as caught:
        Engine.load(directory)
    assert [(p.path, p.line) for p in caught.value.problems] == [(str(table), 4)]
