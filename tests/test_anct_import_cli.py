"""`aiguilleur import contacts-anct | france-services | liste-programme`: an admin refreshes an
official table from the published file, without code; a bad file changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from matching.anct import check_tables

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "anct"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "knowledge", tmp_path / "k")
    return tmp_path / "k"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_of_the_directory_says_what_it_kept_and_dropped(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "import",
        "contacts-anct",
        str(DATA / "contacts.csv"),
        "--date",
        "2026-11-30",
        "--knowledge-dir",
        str(knowledge),
    )
    assert code == 0
    assert out.splitlines()[:2] == [
        "Annuaire des interlocuteurs locaux de l'ANCT : 3 ligne(s), données du 30 novembre 2026",
        "  ligne 3 : téléphone illisible écarté",
    ]


def test_an_imported_directory_is_used_and_cited_with_its_date(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(
        capsys,
        "import",
        "contacts-anct",
        str(DATA / "contacts.csv"),
        "--date",
        "2026-11-30",
        "--knowledge-dir",
        str(knowledge),
    )
    code, out, _ = run(
        capsys, "ask", "ingénierie pour un projet à Avignon", "--knowledge-dir", str(knowledge)
    )
    assert code == 0
    assert "Source : ANCT, annuaire des délégués territoriaux du 30 novembre 2026" in out


def test_a_programme_list_dated_by_month_replaces_the_previous_one(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lst = knowledge / "pvd.csv"
    lst.write_text("code_insee;nom\n22070;Guingamp\n", encoding="utf-8")
    code, out, _ = run(
        capsys,
        "import",
        "liste-programme",
        "pvd",
        str(lst),
        "--date",
        "2026-10",
        "--knowledge-dir",
        str(knowledge),
    )
    assert (code, out.splitlines()[0]) == (
        0,
        "Communes Petites villes de demain : 1 ligne(s), données d'octobre 2026",
    )
    rows = [
        r
        for r in (knowledge / "territoires" / "programmes.csv").read_text(encoding="utf-8").splitlines()
        if "villes-de-demain" in r
    ]
    assert rows == ["22070,anct-petites-villes-de-demain,liste ANCT d'octobre 2026,2026-10"]


def test_a_file_without_the_needed_columns_changes_nothing(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (knowledge / "anct" / "france_services.csv.gz").read_bytes()
    bad = knowledge / "bad.csv"
    bad.write_text("nom;ville\nX;Y\n", encoding="utf-8")
    code, out, err = run(
        capsys,
        "import",
        "france-services",
        str(bad),
        "--date",
        "2026-11-01",
        "--knowledge-dir",
        str(knowledge),
    )
    assert code == 1
    assert "colonne(s) absente(s) : insee_com, latitude, longitude ; colonnes lues : nom, ville" in out + err
    assert (knowledge / "anct" / "france_services.csv.gz").read_bytes() == before
    assert check_tables(knowledge) == []


def test_a_date_in_french_format_is_refused_with_the_expected_format(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "import",
        "contacts-anct",
        str(DATA / "contacts.csv"),
        "--date",
        "30/11/2026",
        "--knowledge-dir",
        str(knowledge),
    )
    assert code == 2
    assert "format attendu AAAA-MM-JJ ou AAAA-MM" in out + err


# A binary file given by mistake (a PDF, a zip): bytes the CSV reader cannot split into rows.
BINARY = b"%PDF-1.7\r\x00\x9c\xe2\r\n" + bytes(range(256)) * 4

IMPORTS = {
    "contacts-anct": ["import", "contacts-anct", "{file}", "--date", "2026-11-30"],
    "france-services": ["import", "france-services", "{file}", "--date", "2026-11-30"],
    "liste-programme": ["import", "liste-programme", "pvd", "{file}", "--date", "2026-11"],
    "import-programme": ["territories", "import-programme", "anct-petites-villes-de-demain", "{file}"],
}


@pytest.mark.parametrize("command", IMPORTS)
def test_a_binary_file_or_a_folder_is_one_french_error_and_changes_nothing(
    command: str, knowledge: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The wrong file given to an import is one `Error: …` line naming it (never a traceback),
    and the tables stay as they were."""
    before = {p: p.read_bytes() for p in sorted(knowledge.rglob("*")) if p.is_file()}
    binary = tmp_path / "export.csv"
    binary.write_bytes(BINARY)
    argv = [str(binary) if a == "{file}" else a for a in IMPORTS[command]]
    code, _, err = run(capsys, *argv, "--knowledge-dir", str(knowledge))
    assert code == 1, err
    assert err.splitlines()[-1].startswith(f"Error: {binary} : fichier CSV illisible"), err
    argv = [str(tmp_path) if a == "{file}" else a for a in IMPORTS[command]]
    code, _, err = run(capsys, *argv, "--knowledge-dir", str(knowledge))
    assert code in (1, 2), err  # a missing file is a usage error for `import`, a data error for `territories`
    [line] = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert str(tmp_path) in line
    assert "dossier" in line
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in sorted(knowledge.rglob("*")) if p.is_file()} == before


def test_an_import_dated_in_the_future_is_a_usage_error(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--date` is the date of the data, cited in answers: a date to come is a typo."""
    before = (knowledge / "anct" / "contacts_locaux.csv").read_bytes()
    code, _, err = run(
        capsys,
        "import",
        "contacts-anct",
        str(DATA / "contacts.csv"),
        "--date",
        "2099-11-30",
        "--knowledge-dir",
        str(knowledge),
    )
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: --date : 2099-11-30 est dans le futur ; indiquez la date des données (citée dans les réponses)"
    )
    assert (knowledge / "anct" / "contacts_locaux.csv").read_bytes() == before
