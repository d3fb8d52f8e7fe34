"""`aiguilleur bench`: baselines that behave, a deterministic synthetic catalogue, and a JSON
report with the documented keys. Sizes are tiny and no timing is asserted (machines differ)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.bench.aids import write_catalogue
from bot.bench.baselines import Fts5Bm25, SnowballBm25, WRatioBaseline, entry_text, match_expression
from bot.bench.runner import BenchConfig, percentile
from bot.bench.synthetic import synthetic_entries, synthetic_knowledge, synthetic_queries
from bot.cli import main
from bot.commands.bench import format_table
from matching import CatalogueFile, Engine, Entry, load_knowledge
from matching.aides_territoires import PlaceNames

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def mini_entries() -> tuple[Entry, ...]:
    return load_knowledge(DATA / "mini").entries


def test_entry_text_is_folded_title_summary_keywords_and_examples(mini_entries: tuple[Entry, ...]) -> None:
    text = entry_text(mini_entries[0])
    assert text == text.lower()
    assert "developper le mentorat" in text
    assert "programme de parrainage" in text


def test_wratio_baseline_picks_the_entry_whose_text_is_closest(mini_entries: tuple[Entry, ...]) -> None:
    wratio = WRatioBaseline(mini_entries)
    assert wratio.top("trouver des parrains pour nos jeunes diplômés") == "apec-mentorat"
    assert wratio.top("notre contrat pour la transition écologique") == "anct-crte"
    assert wratio.top("   ?! ") is None


def test_fts5_baseline_ranks_by_bm25_and_ors_the_words(mini_entries: tuple[Entry, ...]) -> None:
    with Fts5Bm25(mini_entries) as fts:
        assert fts.top("Mentorat des jeunes") == "apec-mentorat"
        assert fts.top("signer un CRTE") == "anct-crte"
        # One known word among unknown ones is enough: the words are OR-ed.
        assert fts.top("zzz yyy transition") == "anct-crte"
        assert fts.top("") is None
        assert fts.top("mot-inconnu") is None


def test_fts5_query_words_are_quoted_so_operators_and_symbols_never_break_it(
    mini_entries: tuple[Entry, ...],
) -> None:
    assert match_expression('OR NOT "mentorat" NEAR(*) ^') == '"or" OR "not" OR "mentorat" OR "near"'
    assert match_expression("  !!! ") == ""
    with Fts5Bm25(mini_entries) as fts:
        assert fts.top('OR NOT "mentorat" NEAR(*) ^') == "apec-mentorat"


def test_snowball_bm25_baseline_stems_french_and_says_when_nothing_matches(
    mini_entries: tuple[Entry, ...],
) -> None:
    """The bm25s baseline is installed with the test extra, stems ("parrains" finds
    "parrainage"'s entry) and answers None when no word is in the catalogue."""
    assert SnowballBm25.available()
    bm25 = SnowballBm25(mini_entries)
    assert bm25.top("des parrains pour les Jeunes Diplômés") == "apec-mentorat"
    assert bm25.top("contrats de transition écologique") == "anct-crte"
    assert bm25.top("zzz yyy") is None
    assert bm25.top("  ") is None


def test_bench_scores_real_messages_by_halves_with_both_bm25_baselines(bench_result: dict[str, Any]) -> None:
    real = bench_result["real_dev"]
    assert set(real) >= {"path", "all", "tuning", "held-out"}
    assert real["tuning"]["cases"] + real["held-out"]["cases"] == real["all"]["cases"]
    assert set(real["all"]["top1"]) == {"engine", "fts5_bm25", "bm25s_snowball_fr"}
    assert 0.0 <= real["all"]["false_no_match_rate"] <= 1.0
    assert "Messages réels" in format_table(bench_result)


def test_synthetic_catalogue_is_deterministic_valid_and_unique() -> None:
    first, second = synthetic_entries(300), synthetic_entries(300)
    assert [e.model_dump() for e in first] == [e.model_dump() for e in second]
    assert len({e.id for e in first}) == 300
    assert synthetic_entries(5, seed=1) != synthetic_entries(5, seed=2)
    CatalogueFile.model_validate({"entries": [e.model_dump() for e in first]})
    assert all(e.kind == "aide" and len(e.examples) >= 3 for e in first)
    assert any(e.perimeter for e in first)
    assert any(not e.perimeter for e in first)
    assert synthetic_queries(20) == synthetic_queries(20)


def test_synthetic_knowledge_keeps_real_entries_and_is_served_by_the_engine() -> None:
    real = load_knowledge(DATA / "mini")
    knowledge = synthetic_knowledge(real, 60)
    assert len(knowledge.entries) == 60
    assert knowledge.entries[:2] == real.entries
    assert knowledge.vocabulary == real.vocabulary
    assert knowledge.contacts == real.contacts
    engine = Engine(knowledge)
    answer = engine.ask("programme de parrainage")
    assert answer.top is not None
    assert answer.top.id == "apec-mentorat"
    title = knowledge.entries[10].title
    assert engine.ask(title).top is not None


def test_percentile_is_nearest_rank() -> None:
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile(list(map(float, range(1, 101))), 99) == 99.0
    assert percentile([7.0], 99) == 7.0


@pytest.fixture(scope="module")
def bench_run() -> tuple[int, str]:
    """One `aiguilleur bench --json` run, tiny: one imported catalogue of 40 entries, one repeat."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["bench", "--json", "--sizes", "40", "--queries", "5", "--repeats", "1"])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def bench_result(bench_run: tuple[int, str]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(bench_run[1].splitlines()[-1])
    return result


def test_bench_json_is_one_compact_line_printed_last(bench_run: tuple[int, str]) -> None:
    """`bench --json`: a consumer reading the last line of stdout gets the whole object."""
    code, out = bench_run
    assert code == 0
    last = out.rstrip("\n").splitlines()[-1]
    assert last.startswith("{")
    assert last.endswith("}")
    assert json.loads(last)["scale"]
    assert ": " not in last[:50]
    assert ", " not in last[:50]


def test_bench_result_has_the_documented_keys(bench_result: dict[str, Any]) -> None:
    assert set(bench_result) >= {"accuracy", "latency_ms", "startup_s", "peak_rss_mb", "scale", "goals_met"}
    assert set(bench_result["accuracy"]) == {"engine", "fts5_bm25", "rapidfuzz_wratio"}
    assert set(bench_result["latency_ms"]) == {"real", "40"}
    for row in bench_result["latency_ms"].values():
        assert {"p50", "p99"} <= set(row)
        assert 0 < row["p50"] <= row["p99"]
    assert all(0.0 <= v <= 1.0 for v in bench_result["accuracy"].values())
    assert bench_result["startup_s"] > 0
    assert bench_result["peak_rss_mb"] > 0
    assert set(bench_result["engine_top1_with_synthetic"]) == {"1000"}


def test_bench_scale_reports_cpu_and_wall_medians_per_catalogue(bench_result: dict[str, Any]) -> None:
    """`scale`: per catalogue, start-up, peak RSS, p50/p99 and validate, CPU time and wall time."""
    scale = bench_result["scale"]
    assert set(scale) == {"real", "40"}
    for row in scale.values():
        for key in ("startup_s", "rss_mb", "p50_ms", "p99_ms", "validate_s"):
            assert row[key] > 0, key
        for key in ("startup_wall_s", "p50_wall_ms", "p99_wall_ms", "validate_wall_s"):
            assert row[key] > 0, key
        assert row["p50_ms"] <= row["p99_ms"]
        assert row["repeats"] == 1
        assert row["territories"] is True
    assert scale["40"]["entries"] == 40
    assert scale["40"]["yaml_mb"] > 0


def test_bench_table_is_french_and_shows_every_catalogue(bench_result: dict[str, Any]) -> None:
    table = format_table(bench_result)
    assert "Précision top-1" in table
    assert "SQLite FTS5 BM25" in table
    assert "rapidfuzz WRatio" in table
    assert "réel (" in table
    assert "importé 40" in table
    assert "démarrage" in table
    assert "mémoire" in table
    assert "validate" in table


def test_default_bench_measures_one_five_and_ten_thousand_entries() -> None:
    assert BenchConfig().sizes == (1000, 5000, 10000)


def test_imported_catalogue_is_written_as_the_import_writes_it(tmp_path: Path) -> None:
    """The scale benchmark's catalogues: Aides-Territoires YAML the loader accepts, ≈ 2 KB an aid,
    the served directory's own entries kept, the same bytes for the same seed."""
    source = load_knowledge(DATA / "mini")
    first, second = tmp_path / "a", tmp_path / "b"
    assert write_catalogue(source.directory, first, 60, places=PlaceNames()) == 60
    write_catalogue(source.directory, second, 60, places=PlaceNames())
    imported = first / "catalogue" / "aides-territoires.yaml"
    assert imported.read_bytes() == (second / "catalogue" / "aides-territoires.yaml").read_bytes()
    assert "Import du 2026-11-26" in imported.read_text(encoding="utf-8")
    knowledge = load_knowledge(first)
    assert len(knowledge.entries) == 60
    assert {e.id for e in source.entries} < {e.id for e in knowledge.entries}
    assert sum(e.kind == "aide" for e in knowledge.entries) >= 60 - len(source.entries)
    per_aid = imported.stat().st_size / (60 - len(source.entries))
    assert 1500 < per_aid < 3000


def test_bench_command_rejects_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", "--sizes", "mille"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("Error: --sizes")


def test_bench_starts_reuse_compiled_modules_even_where_writing_them_is_forbidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restarting bot reuses the bytecode `pip install` or its first run compiled; a machine
    that sets PYTHONDONTWRITEBYTECODE must not charge every measured start a full compilation."""
    from bot.bench.scale import compile_bytecode

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    compile_bytecode(tmp_path, DATA / "mini", warm=("recruter un manager de centre-ville",))
    compiled = {p.name.split(".")[0] for p in tmp_path.rglob("*.pyc")}
    # The serving path, the validation path and the array path of large catalogues (numpy).
    assert {"engine", "validation", "arrayindex", "probe"} <= compiled
    assert any("numpy" in p.parts for p in tmp_path.rglob("*.pyc"))
