"""`aiguilleur territories …` commands, run in-process on a copy of the knowledge folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands import territories

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "territoires" / "programmes"


def _run(*argv: str) -> int:
    return main(list(argv))


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("knowledge")
    shutil.copytree(ROOT / "knowledge" / "territoires", base / "territoires")
    # The bundled PVD/ACV lists are replaced by the lists these tests import.
    (base / "territoires" / "programmes.csv").write_text("insee,programme,source,date\n", encoding="utf-8")
    return base


def test_import_programme(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = knowledge / "territoires" / "programmes.csv"
    before = target.read_text(encoding="utf-8")
    code = _run(
        "territories", "import-programme", "anct-petites-villes-de-demain",
        str(FIXTURES / "pvd_latin1_semicolon.csv"), "--knowledge-dir", str(knowledge), "--date", "2024-01-01",
    )  # fmt: skip
    out = capsys.readouterr()
    assert code == 0
    assert "2 lignes reconnues" in out.out
    assert "3 rejetées" in out.out
    assert "pvd_latin1_semicolon.csv:4: code inconnu des tables INSEE : 99999" in out.err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert "22070,anct-petites-villes-de-demain,pvd_latin1_semicolon.csv,2024-01-01" in lines
    # Importing again adds nothing; the resolver now reports the programme.
    _run("territories", "import-programme", "anct-petites-villes-de-demain",
         str(FIXTURES / "pvd_latin1_semicolon.csv"), "--knowledge-dir", str(knowledge))  # fmt: skip
    assert "0 ajoutées" in capsys.readouterr().out
    _run("territories", "resolve", "à Guingamp", "--json", "--knowledge-dir", str(knowledge))
    data = json.loads(capsys.readouterr().out)
    assert data["territory"]["programmes"] == ["anct-petites-villes-de-demain"]
    target.write_text(before, encoding="utf-8")


def test_import_errors(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ("--knowledge-dir", str(knowledge))
    assert _run("territories", "import-programme", "pvd", str(FIXTURES / "ti_epci_codgeo.csv"), *common) == 2
    assert "programme inconnu" in capsys.readouterr().err
    missing = str(FIXTURES / "absent.csv")
    assert _run("territories", "import-programme", "anct-crte", missing, *common) == 1
    bad = str(FIXTURES / "sans_colonne_code.csv")
    assert _run("territories", "import-programme", "anct-crte", bad, *common) == 1
    assert "aucune colonne de code INSEE" in capsys.readouterr().err
    assert _run("territories", "import-programme", "anct-crte") == 2


def test_resolve_text_output(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("territories", "resolve", "à Saint-Louis", "--knowledge-dir", str(knowledge)) == 0
    out = capsys.readouterr().out
    assert "Lieu ambigu" in out
    assert "Saint-Louis (68) [68297]" in out
    assert _run("territories", "resolve", "bonjour", "--knowledge-dir", str(knowledge)) == 0
    assert "Aucun lieu reconnu." in capsys.readouterr().out


def test_resolve_dates_each_programme_membership(capsys: pytest.CaptureFixture[str]) -> None:
    """On the bundled knowledge, a membership says which dated list it comes from, as the cards."""
    assert (
        _run(
            "territories", "resolve", "chef de projet à Guingamp", "--knowledge-dir", str(ROOT / "knowledge")
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert (
        "Programmes : Petites villes de demain (liste ANCT de janvier 2021) [anct-petites-villes-de-demain]"
        in lines
    )
    assert _run("territories", "resolve", "à Lannion", "--knowledge-dir", str(ROOT / "knowledge")) == 0
    assert "Action cœur de ville (liste ANCT d'avril 2024)" in capsys.readouterr().out


def test_bench_runs(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("territories", "bench", "--repeat", "1", "--knowledge-dir", str(knowledge)) == 0
    out = capsys.readouterr().out
    assert "Chargement des tables" in out
    assert "p99" in out
    assert len(territories.bench_queries()) >= 40
