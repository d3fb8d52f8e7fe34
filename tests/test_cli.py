"""Every command of the command line, as a user runs it: output, exit codes, exact messages."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.evalsets import DEV_SET

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_gives_a_french_answer_with_offer_and_contact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "on doit recruter un manager de centre-ville")
    assert code == 0
    assert "Offre Apec" in out
    assert "manager" in out.lower()
    assert "Prochaine étape" in out
    assert "À contacter" in out


def test_ask_json_keeps_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "on doit recruter un manager de centre-ville", "--json", "--top", "2")
    data = json.loads(out)
    assert code == 0
    assert set(data) >= {"query", "status", "results", "territory", "territory_candidates", "contacts"}
    assert data["results"][0]["id"] == "apec-recrutement-chef-projet"
    assert set(data["results"][0]) >= {"id", "kind", "title", "score", "reasons"}
    assert len(data["results"]) <= 2
    assert set(data["contacts"][0]) >= {"id", "organisation", "role", "name", "scope"}


def test_ask_batch_gives_one_json_line_per_input_line_in_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Empty and garbage lines (even invalid UTF-8) give `no_match`, never a crash."""
    lines = (
        "organiser un job dating\n\n\x00\x01###\nmentorat jeunes diplômés\n".encode() + b"\xff\xfe caf\xe9\n"
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    code, out, _ = run(capsys, "ask", "-")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["status"] for r in rows][1:3] == ["no_match", "no_match"]
    assert rows[0]["results"][0]["id"] == "apec-job-meeting"
    assert rows[3]["results"][0]["id"] == "apec-mentorat"
    assert len(rows) == 5
    assert rows[4]["status"] == "no_match"


def test_ask_rejects_a_bad_top_with_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ask", "mentorat", "--top", "0")
    assert code == 2
    assert err.strip() == "Error: --top doit être au moins 1"


def test_catalogue_json_lists_every_entry(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "--json")
    data = json.loads(out)
    assert code == 0
    assert len(data) >= 26
    assert all({"id", "kind", "title", "summary", "keywords", "examples"} <= set(d) for d in data)


def test_catalogue_table_groups_by_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue")
    assert code == 0
    assert "Offre Apec" in out
    assert "Programme ANCT" in out
    assert "apec-mentorat" in out


def test_validate_bundled_knowledge_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0, out
    assert out.startswith("OK : ")


def test_validate_reports_every_problem_with_file_line_and_field(capsys: pytest.CaptureFixture[str]) -> None:
    broken = DATA / "broken"
    code, out, err = run(capsys, "validate", str(broken))
    assert code == 1
    a, b, c = (str(broken / "catalogue" / n) for n in ("a.yaml", "b.yaml", "c.yaml"))
    assert out.splitlines() == [
        f"{a}:3: entries[0].kind: valeur non permise, attendu : 'apec_offer', 'anct_programme' ou 'aide'",
        f"{a}:11: entries[0].examples: trop court : au moins 3 élément(s)",
        f"{a}:17: entries[0].reviewed: date invalide, format attendu AAAA-MM-JJ",
        f"{a}:18: entries[0].colour: champ inconnu (faute de frappe ?)",
        f"{b}:2: entries[0].id: identifiant en double « anct-crte » (déjà dans {a}:19)",
        f"{c}:4: YAML invalide : found unexpected end of stream",
        f"{a}:28: anct-crte.related[0]: référence inconnue « apec-inconnue »",
    ]
    assert err.strip() == "7 problème(s)."


def test_validate_reports_examples_that_reach_another_entry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copytree(DATA / "mini", tmp_path / "k")
    path = tmp_path / "k" / "catalogue" / "mini.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("programme de parrainage", "signer le CRTE"),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "validate", str(tmp_path / "k"))
    assert code == 1
    assert (
        out.strip()
        == f"{path}:2: apec-mentorat.examples[2]: « signer le CRTE » mène à anct-crte au lieu de apec-mentorat"
    )


def test_validate_missing_directory_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope"))
    assert code == 2
    assert err.strip() == f"Error: dossier introuvable : {tmp_path / 'nope'}"


def test_commands_on_broken_knowledge_say_so_in_one_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "mentorat", "--knowledge-dir", str(DATA / "broken"))
    assert code == 1
    assert out == ""
    assert err.startswith("Error: connaissances invalides :\n")
    assert "Traceback" not in err


def test_eval_meets_the_dev_set_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eval", "--json")
    report = json.loads(out)
    assert code == 0
    assert report["top1"] >= 0.95, report["misses"]
    assert report["no_match_recall"] >= 0.90, report["misses"]


def test_eval_human_output_names_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eval", str(DEV_SET))
    assert code == 0
    assert "top-1" in out
    assert "MRR" in out
    assert "Lieux" in out


def test_eval_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "eval", str(tmp_path / "absent.yaml"))
    assert code == 2
    assert err.strip() == f"Error: fichier introuvable : {tmp_path / 'absent.yaml'}"


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "Error: " in capsys.readouterr().err


def test_chat_answers_remembers_the_commune_and_quits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("on doit recruter un manager de centre-ville\n/catalogue\n/quitter\n")
    )
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert out.startswith("Bonjour")
    assert "Offre Apec" in out
    assert "dans quelle commune" in out
    assert "Catalogue — page 1/" in out
    assert "Au revoir" in out


def test_python_dash_m_bot_is_the_same_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "programme de parrainage jeunes diplomés", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"][0]["id"] == "apec-mentorat"


@pytest.mark.skipif(shutil.which("aiguilleur") is None, reason="console script not installed")
def test_installed_script_finds_bundled_knowledge_from_any_directory(tmp_path: Path) -> None:
    exe = shutil.which("aiguilleur")
    assert exe is not None
    result = subprocess.run(
        [exe, "ask", "rejoindre le programme PVD", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"][0]["id"] == "anct-petites-villes-de-demain"
