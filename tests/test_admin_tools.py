"""Admin tooling: JSON Schemas kept in sync with the models, the editor hint on every YAML file,
the French admin guide, and `aiguilleur report` in Markdown and CSV, with and without a store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import stat
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.report import months_before
from bot.commands.schema_cmd import MODELS, schema_texts
from bot.store import Store
from matching import default_knowledge_dir

DATA = Path(__file__).resolve().parent / "data"
KNOWLEDGE = default_knowledge_dir()
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- schema ----------------------------------------------------------------------------------


def test_committed_schemas_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    for name, text in schema_texts().items():
        committed = KNOWLEDGE / "schema" / name
        assert committed.exists(), f"{name} manquant : lancez « aiguilleur schema »"
        assert committed.read_text(encoding="utf-8") == text, f"{name} périmé : lancez « aiguilleur schema »"
    code, out, _ = run(capsys, "schema", "--check")
    assert code == 0
    assert out.startswith("OK : schémas à jour")


def test_schema_command_writes_every_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "--output-dir", str(tmp_path))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(MODELS)
    assert out.count("Écrit : ") == len(MODELS)
    catalogue = json.loads((tmp_path / "catalogue.schema.json").read_text(encoding="utf-8"))
    assert catalogue["required"] == ["entries"]
    entry = catalogue["$defs"]["Entry"]
    assert entry["additionalProperties"] is False
    assert entry["properties"]["kind"]["enum"] == ["apec_offer", "anct_programme", "service_public", "aide"]


def test_schema_check_fails_on_a_stale_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "schema", "--output-dir", str(tmp_path))
    (tmp_path / "contacts.schema.json").write_text("{}\n", encoding="utf-8")
    code, _, err = run(capsys, "schema", "--check", "--output-dir", str(tmp_path))
    assert code == 1
    assert "contacts.schema.json" in err


def test_every_knowledge_yaml_points_its_editor_at_the_right_schema() -> None:
    expected = {
        "catalogue": "catalogue.schema.json",
        "vocabulaire.yaml": "vocabulary.schema.json",
        "contacts.yaml": "contacts.schema.json",
        "orientations.yaml": "orientations.schema.json",
        "relances.yaml": "relances.schema.json",
    }
    files = [
        *sorted((KNOWLEDGE / "catalogue").glob("*.yaml")),
        KNOWLEDGE / "vocabulaire.yaml",
        KNOWLEDGE / "contacts.yaml",
        KNOWLEDGE / "orientations.yaml",
        KNOWLEDGE / "relances.yaml",
    ]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = SCHEMA_LINE.match(first)
        assert match, f"{path.name} : première ligne sans $schema"
        target = (path.parent / match[1]).resolve()
        assert target.is_file(), f"{path.name} : {match[1]} introuvable"
        assert target.name == expected.get(path.name, expected["catalogue"])


# -- admin guide -----------------------------------------------------------------------------


def test_admin_guide_is_french_and_covers_the_workflow() -> None:
    text = (KNOWLEDGE / "README.md").read_text(encoding="utf-8")
    for needle in (
        "aiguilleur validate",
        "aiguilleur ask",
        "aiguilleur eval",
        "aiguilleur import aides-territoires",
        "/reload",
        "territoires/SOURCE.md",
        "aiguilleur report",
        "Licence Ouverte 2.0",
        "`reviewed`",
    ):
        assert needle in text, needle
    assert (KNOWLEDGE / "territoires" / "SOURCE.md").exists()


# -- report ----------------------------------------------------------------------------------


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert months_before(dt.date(2026, 11, 26), 12) == dt.date(2025, 11, 26)
    assert months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 5, 31), 3) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


@pytest.fixture
def drifted(tmp_path: Path) -> Path:
    """The mini knowledge where one example of the CRTE now leads to the mentorat offer."""
    target = tmp_path / "connaissances"
    shutil.copytree(DATA / "mini", target)
    path = target / "catalogue" / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("      - signer un CRTE\n", "      - programme de parrainage des jeunes\n"),
        encoding="utf-8",
    )
    return target


def test_report_lists_stale_entries_and_drifted_examples(
    drifted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "absent.db"
    code, out, _ = run(
        capsys, "report", "--knowledge-dir", str(drifted), "--db", str(db), "--today", "2028-01-10"
    )
    assert code == 0
    assert out.startswith("# Rapport sur les connaissances — 2028-01-10\n")
    assert "## Entrées non relues depuis plus de 12 mois (2)" in out
    assert "| apec-mentorat | Développer le mentorat des jeunes diplômés | 2026-11-26 |" in out
    assert "## Exemples qui ne mènent plus à leur entrée (1)" in out
    assert re.search(r"\| anct-crte \| .*programme de parrainage des jeunes.* \| .*mini\.yaml:\d+ \|", out)
    assert "Base du bot introuvable" in out
    assert not db.exists()


def test_report_without_findings_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "report",
        "--knowledge-dir",
        str(DATA / "mini"),
        "--db",
        str(tmp_path / "x.db"),
        "--today",
        "2026-12-01",
    )
    assert code == 0
    assert "(0)\n\nAucune." in out
    assert "Aucun : chaque exemple classe son entrée en premier." in out


@pytest.fixture
def store_db(tmp_path: Path) -> Path:
    path = tmp_path / "aiguilleur.db"
    store = Store.open(path, salt="sel-de-test")
    try:
        for user in (1, 2, 3):
            store.log_interaction(user, status="no_match", question="horaires de la piscine")
        store.log_interaction(4, status="no_match", question="mariage civil")
        store.log_interaction(5, status="match", top="apec-mentorat", question="mentorat")
        store.log_feedback(1, "apec-mentorat", 1)
        store.log_feedback(2, "apec-mentorat", 1)
        store.log_feedback(3, "anct-crte", -1, "signer un CRTE")
    finally:
        store.close()
    return path


def test_report_reads_unanswered_questions_and_feedback_from_the_store(
    drifted: Path, store_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGUILLEUR_DB", str(store_db))
    code, out, _ = run(capsys, "report", "--knowledge-dir", str(drifted))
    assert code == 0
    assert "## Questions sans réponse les plus fréquentes (30 derniers jours)" in out
    assert out.index("| horaires de la piscine | 3 |") < out.index("| mariage civil | 1 |")
    assert "| mentorat |" not in out
    assert "| anct-crte | Contrat pour la réussite de la transition écologique (CRTE) | 0 | 1 |" in out
    assert "| apec-mentorat | Développer le mentorat des jeunes diplômés | 2 | 0 |" in out


def test_report_csv_has_one_row_per_finding(
    drifted: Path, store_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "report",
        "--csv",
        "--knowledge-dir",
        str(drifted),
        "--db",
        str(store_db),
        "--today",
        "2028-01-10",
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert rows[0] == ["section", "entree", "texte", "nombre", "detail", "emplacement"]
    sections = [r[0] for r in rows[1:]]
    assert sections.count("non_relue") == 2
    assert sections.count("exemple") == 1
    assert ["sans_reponse", "", "horaires de la piscine", "3", "", ""] in rows
    assert ["avis", "apec-mentorat", "Développer le mentorat des jeunes diplômés", "2", "0", ""] in rows


def test_report_rejects_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "--knowledge-dir", str(DATA / "mini"), "--days", "0")
    assert code == 2
    assert err.startswith("Error: ")


def test_report_on_a_file_that_is_not_a_database_is_a_data_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "pas-une-base.db"
    bad.write_text("bonjour\n" * 200, encoding="utf-8")
    bad.chmod(0o644)
    code, _, err = run(capsys, "report", "--knowledge-dir", str(DATA / "mini"), "--db", str(bad))
    assert code == 1
    assert (
        err.splitlines()[-1] == f"Error: base du bot illisible : {bad} (ce fichier n'est pas une base SQLite)"
    )
    assert bad.read_text(encoding="utf-8") == "bonjour\n" * 200
    assert stat.S_IMODE(bad.stat().st_mode) == 0o644, "a file that is not the base keeps its permissions"
