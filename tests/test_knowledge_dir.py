"""One knowledge directory the admin owns: the documented discovery order, the packaged copy never
written, `init-knowledge`, every command naming the directory it reads, and an installed layout
(packages side by side, no checkout) where eval, bench and import still behave."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge_dir import KnowledgeDirError, resolve_knowledge_dir
from bot.settings import Settings, load_settings
from matching import default_knowledge_dir

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AIGUILLEUR_"):
            monkeypatch.delenv(name)


def _none() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def _knowledge_copy(where: Path) -> Path:
    shutil.copytree(DATA / "mini", where)
    return where


# -- the order ---------------------------------------------------------------------------------


def test_the_option_comes_first(tmp_path: Path) -> None:
    chosen = resolve_knowledge_dir(tmp_path / "a", _none(), cwd=tmp_path)
    assert (chosen.path, chosen.origin, chosen.packaged) == (tmp_path / "a", "--knowledge-dir", False)


def test_then_the_setting_saying_where_it_was_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"AIGUILLEUR_KNOWLEDGE_DIR={tmp_path / 'b'}\n", encoding="utf-8")
    _knowledge_copy(tmp_path / "knowledge")
    chosen = resolve_knowledge_dir(None, load_settings(tmp_path / ".env"), cwd=tmp_path)
    assert chosen.path == tmp_path / "b"
    assert chosen.describe() == (
        f"Connaissances : {tmp_path / 'b'} (AIGUILLEUR_KNOWLEDGE_DIR, fichier {tmp_path / '.env'})"
    )


def test_then_the_knowledge_folder_of_the_current_directory(tmp_path: Path) -> None:
    """Like .env and ./aiguilleur.db: running from a checkout (or a prepared folder) reads its files."""
    local = _knowledge_copy(tmp_path / "knowledge")
    chosen = resolve_knowledge_dir(None, _none(), cwd=tmp_path)
    assert chosen.describe() == f"Connaissances : {local} (dossier knowledge/ du répertoire courant)"


def test_an_unrelated_knowledge_folder_is_not_taken(tmp_path: Path) -> None:
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "notes.txt").write_text("rien à voir\n", encoding="utf-8")
    assert resolve_knowledge_dir(None, _none(), cwd=tmp_path).path == default_knowledge_dir()


def test_the_shipped_knowledge_of_a_checkout_is_the_admins(tmp_path: Path) -> None:
    """An editable install reads (and may write) the checkout's knowledge/ from any directory."""
    checkout = tmp_path / "depot"
    shipped = _knowledge_copy(checkout / "knowledge")
    (checkout / "pyproject.toml").write_text("[project]\nname = 'aiguilleur'\n", encoding="utf-8")
    chosen = resolve_knowledge_dir(None, _none(), cwd=tmp_path, bundled=shipped)
    assert (chosen.path, chosen.packaged) == (shipped, False)
    assert chosen.writable("import") == shipped


def test_the_packaged_copy_is_read_never_written(tmp_path: Path) -> None:
    shipped = _knowledge_copy(tmp_path / "site-packages" / "knowledge")
    chosen = resolve_knowledge_dir(None, _none(), cwd=tmp_path, bundled=shipped)
    assert chosen.packaged
    assert "en lecture seule" in chosen.describe()
    with pytest.raises(KnowledgeDirError) as info:
        chosen.writable("import")
    assert str(info.value) == (
        f"import : les connaissances installées avec le programme ({shipped}) ne se modifient pas. "
        "Copiez-les avec « aiguilleur init-knowledge DOSSIER », puis indiquez ce dossier "
        "(--knowledge-dir DOSSIER, ou AIGUILLEUR_KNOWLEDGE_DIR=DOSSIER dans .env)."
    )


# -- init-knowledge ------------------------------------------------------------------------------


def test_init_knowledge_copies_every_knowledge_file_and_says_how_to_use_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mes-connaissances"
    assert main(["init-knowledge", str(target)]) == 0
    out = capsys.readouterr().out
    shipped = default_knowledge_dir()
    expected = sorted(
        p.relative_to(shipped).as_posix()
        for p in shipped.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix not in {".py", ".pyc"}
        # hidden folders (the compiled knowledge in .cache/) are not knowledge
        and not any(part.startswith(".") for part in p.relative_to(shipped).parts)
    )
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == expected
    assert f"AIGUILLEUR_KNOWLEDGE_DIR={target.resolve()}" in out
    assert main(["validate", str(target)]) == 0


def test_init_knowledge_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "mes-notes.md").write_text("à garder\n", encoding="utf-8")
    assert main(["init-knowledge", str(tmp_path / "k")]) == 2
    assert capsys.readouterr().err == (
        f"Error: {tmp_path / 'k'} existe déjà et n'est pas un dossier vide : choisissez un nouveau dossier\n"
    )
    assert [p.name for p in (tmp_path / "k").iterdir()] == ["mes-notes.md"]


def test_import_writes_into_the_admins_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With AIGUILLEUR_KNOWLEDGE_DIR in .env, `import aides-territoires` writes there, nowhere else."""
    admin = _knowledge_copy(tmp_path / "admin")
    (tmp_path / ".env").write_text(f"AIGUILLEUR_KNOWLEDGE_DIR={admin}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    page = str(DATA / "aides" / "page.json")
    assert main(["import", "aides-territoires", page, "--today", "2026-11-26"]) == 0
    assert (admin / "catalogue" / "aides-territoires.yaml").is_file()
    assert not (default_knowledge_dir() / "catalogue" / "aides-territoires.yaml").exists()
    assert f"Connaissances : {admin} (AIGUILLEUR_KNOWLEDGE_DIR, fichier .env)" in capsys.readouterr().err


# -- every command names the directory it reads ------------------------------------------------

COMMANDS = (
    ["ask", "mentorat", "--json"],
    ["ask", "mentorat"],
    ["catalogue", "--json"],
    ["validate"],
    ["eval", "--json"],
    ["report"],
    ["schema", "--check"],
    ["territories", "resolve", "à Guingamp", "--json"],
)


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_every_command_names_the_directory_it_reads_on_stderr(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0
    out, err = capsys.readouterr()
    line = f"Connaissances : {default_knowledge_dir()} ("
    assert [x for x in err.splitlines() if x.startswith("Connaissances : ")] == [
        next(x for x in err.splitlines() if x.startswith(line))
    ]
    assert "Connaissances" not in out
    if "--json" in argv:
        json.loads(out)


# -- an installed layout: the packages without the checkout ------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bot/, matching/ and knowledge/ side by side, as a wheel installs them (no pyproject, no tests/)."""
    site = tmp_path_factory.mktemp("site-packages")
    for package in ("bot", "matching", "knowledge"):
        shutil.copytree(ROOT / package, site / package, ignore=shutil.ignore_patterns("__pycache__"))
    return site


def _run_installed(site: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGUILLEUR_")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_installed_program_reads_its_packaged_copy_and_says_so(installed: Path, tmp_path: Path) -> None:
    result = _run_installed(installed, tmp_path, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK : ")
    assert f"Connaissances : {installed / 'knowledge'} (copie installée avec le programme" in result.stderr


def test_installed_program_never_writes_into_its_packaged_copy(installed: Path, tmp_path: Path) -> None:
    page = str(DATA / "aides" / "page.json")
    result = _run_installed(installed, tmp_path, "import", "aides-territoires", page, "--today", "2026-11-26")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: import : les connaissances installées avec le programme")
    assert not (installed / "knowledge" / "catalogue" / "aides-territoires.yaml").exists()
    result = _run_installed(installed, tmp_path, "schema")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: schema : les connaissances installées")


def test_installed_eval_and_bench_need_no_checkout(installed: Path, tmp_path: Path) -> None:
    """eval uses the dev set shipped in bot/evalsets; bench measures without tests/ and says so."""
    result = _run_installed(installed, tmp_path, "eval", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["in_scope"] > 0
    result = _run_installed(installed, tmp_path, "bench", "--json", "--sizes", "30", "--queries", "20")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["dev_set"]["in_scope"] > 0
    assert "Note : cas golden absents de cette installation" in result.stderr


def test_installed_init_knowledge_then_edit_the_copy(installed: Path, tmp_path: Path) -> None:
    """The admin's workflow from a wheel: copy, point .env at it, edit, validate sees the edit."""
    assert _run_installed(installed, tmp_path, "init-knowledge", "k").returncode == 0
    (tmp_path / ".env").write_text(f"AIGUILLEUR_KNOWLEDGE_DIR={tmp_path / 'k'}\n", encoding="utf-8")
    apec = tmp_path / "k" / "catalogue" / "apec.yaml"
    apec.write_text(apec.read_text(encoding="utf-8").replace("kind: apec_offer", "kind: offre", 1), "utf-8")
    result = _run_installed(installed, tmp_path, "validate")
    assert result.returncode == 1
    assert f"{apec}:" in result.stdout
    assert f"Connaissances : {tmp_path / 'k'} (AIGUILLEUR_KNOWLEDGE_DIR, fichier .env)" in result.stderr
