"""Start-up failures of any command are one French `Error: …` (never a traceback): missing or corrupt
knowledge, bad settings, a database path that cannot hold the store. And `ask -` keeps one JSON
object per line whatever the text contains."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TOKEN = "123456:never-printed-token"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("AIGUILLEUR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env, no ./knowledge


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- ask - ---------------------------------------------------------------------------------------


def test_ask_batch_escapes_unicode_line_separators(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """U+2028, U+2029 and NEL inside a question are escaped: readers splitting lines see one per answer."""
    lines = "mentorat\u2028jeunes diplômés\nrecruter\u2029un manager\x85de centre-ville\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    code, out, _ = _run(capsys, "ask", "-")
    assert code == 0
    for raw in ("\u2028", "\u2029", "\x85"):
        assert raw not in out
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in rows] == [
        "mentorat\u2028jeunes diplômés",
        "recruter\u2029un manager\x85de centre-ville",
    ]


# -- missing knowledge ---------------------------------------------------------------------------

MISSING = "Error: connaissances invalides dans absent :\nabsent: dossier de connaissances introuvable\n"


@pytest.mark.parametrize(
    ("argv", "err"),
    [
        (["ask", "mentorat"], MISSING),
        (["catalogue", "--json"], MISSING),
        (["chat"], MISSING),
        (["eval"], MISSING),
        (["report"], MISSING),
        (["bench", "--sizes", "30"], MISSING),
        (["bench-bot", "--updates", "10"], MISSING),
        (
            ["territories", "resolve", "Guingamp"],
            "Error: tables des territoires introuvables dans absent/territoires\n",
        ),
        (["territories", "bench"], "Error: tables des territoires introuvables dans absent/territoires\n"),
        (
            ["import", "aides-territoires", str(DATA / "aides" / "page.json")],
            "Error: dossier de connaissances introuvable : absent\n",
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_a_missing_knowledge_directory_is_one_error(
    argv: list[str], err: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, got = _run(capsys, *argv, "--knowledge-dir", "absent")
    assert (code, out, got) == (2 if argv[0] == "import" else 1, "", err)


def test_a_missing_directory_named_in_the_settings_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("AIGUILLEUR_KNOWLEDGE_DIR=absent\n", encoding="utf-8")
    assert _run(capsys, "ask", "mentorat") == (1, "", MISSING)
    assert _run(capsys, "validate") == (2, "", "Error: dossier introuvable : absent\n")


# -- corrupt knowledge ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corrupt_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge with a communes table that is not gzip at all."""
    directory = tmp_path_factory.mktemp("corrupt") / "k"
    shutil.copytree(ROOT / "knowledge", directory, ignore=shutil.ignore_patterns("__pycache__"))
    (directory / "territoires" / "communes.csv.gz").write_bytes(b"pas du gzip\n")
    return directory


@pytest.mark.parametrize(
    "argv",
    [["ask", "mentorat"], ["catalogue"], ["report"], ["territories", "resolve", "à Guingamp"]],
    ids=" ".join,
)
def test_corrupt_territory_tables_are_one_error_naming_the_file(
    argv: list[str], corrupt_tables: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, *argv, "--knowledge-dir", str(corrupt_tables))
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: connaissances invalides dans {corrupt_tables} :\n")
    assert f"{corrupt_tables / 'territoires' / 'communes.csv.gz'}" in err


def test_validate_lists_corrupt_tables_as_problems(
    corrupt_tables: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "validate", str(corrupt_tables))
    assert code == 1
    assert out.startswith(f"{corrupt_tables / 'territoires' / 'communes.csv.gz'}: ")
    assert err.splitlines()[-1].endswith("problème(s).")


def test_broken_yaml_is_one_error_listing_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "catalogue", "--knowledge-dir", str(DATA / "broken"))
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: connaissances invalides dans {DATA / 'broken'} :\n")
    assert f"{DATA / 'broken' / 'catalogue' / 'a.yaml'}:3: entries[0].kind" in err


# -- bad settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "mentorat"],
        ["catalogue"],
        ["validate"],
        ["eval"],
        ["report"],
        ["schema", "--check"],
        ["territories", "resolve", "Guingamp"],
        ["import", "aides-territoires", str(DATA / "aides" / "page.json")],
        ["run"],
    ],
    ids=" ".join,
)
def test_bad_settings_are_one_error_naming_file_and_variable(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text(
        f"AIGUILLEUR_TELEGRAM_TOKEN={TOKEN}\nAIGUILLEUR_WEBHOOK_PORT=0\n", encoding="utf-8"
    )
    assert _run(capsys, *argv) == (
        2,
        "",
        "Error: réglage invalide : AIGUILLEUR_WEBHOOK_PORT (fichier .env) : doit être au moins 1\n",
    )


# -- a database path that cannot hold the store ----------------------------------------------------


def _run_bot(cwd: Path, db: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGUILLEUR_")}
    env.update({"AIGUILLEUR_TELEGRAM_TOKEN": TOKEN, "AIGUILLEUR_DB": db, "PYTHONPATH": str(ROOT)})
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_run_with_a_database_path_under_a_file_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "fichier").write_text("x\n", encoding="utf-8")
    result = _run_bot(tmp_path, "fichier/aiguilleur.db")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: base du bot inaccessible : fichier/aiguilleur.db (un fichier existe déjà à cet endroit)"
    )
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr


def test_run_with_a_file_that_is_not_a_database_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("ceci n'est pas une base\n", encoding="utf-8")
    result = _run_bot(tmp_path, "notes.db")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: base du bot inaccessible : notes.db (ce fichier n'est pas une base SQLite)"
    )
    assert "Traceback" not in result.stderr
    assert (tmp_path / "notes.db").read_text(encoding="utf-8") == "ceci n'est pas une base\n"


def test_chat_with_a_file_that_is_not_a_database_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mes notes\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("bonjour\n"))
    code, out, err = _run(capsys, "chat", "--db", str(notes))
    assert code == 1
    assert (
        err.splitlines()[-1]
        == f"Error: base du bot inaccessible : {notes} (ce fichier n'est pas une base SQLite)"
    )
    assert "Traceback" not in err
    assert notes.read_text(encoding="utf-8") == "mes notes\n"


@pytest.mark.parametrize("content", [b"", b"court\n", b"\xff\xfe" * 40], ids=["empty", "short", "binary"])
def test_an_unusable_salt_file_is_one_error_and_creates_no_base(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A salt file emptied or cut short by hand is one French error naming it (never a traceback,
    never a new salt that would orphan the rows already stored)."""
    salt = tmp_path / "base.db.salt"
    salt.write_bytes(content)
    monkeypatch.setattr(sys, "stdin", io.StringIO("bonjour\n"))
    code, _, err = _run(capsys, "chat", "--db", str(tmp_path / "base.db"))
    assert code == 1
    assert err.splitlines()[-1].startswith(
        f"Error: sel des identifiants illisible : {salt} est vide, trop court"
    )
    assert "Traceback" not in err
    assert salt.read_bytes() == content
    assert not (tmp_path / "base.db").exists()
