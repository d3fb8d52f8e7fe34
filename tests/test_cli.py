"""Every command of the command line, as a user runs it: output, exit codes, exact messages."""

from __future__ import annotations

import importlib.metadata
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli, main
from bot.evalsets import DEV_SET
from matching.territories.programmes import PROGRAMME_IDS

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
USAGE_ERRORS: list[dict[str, Any]] = yaml.safe_load(
    (DATA / "cli" / "usage-errors.yaml").read_text(encoding="utf-8")
)


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
    # Each kind is one group, even where the files interleave kinds (Aides-territoires, a
    # public service, sits among the ANCT programmes).
    headers = [line for line in out.splitlines() if line and not line.startswith(" ")]
    groups = headers[:-1]
    assert groups == ["Offre Apec", "Programme ANCT", "Service public"]
    service = out.split("Service public\n")[1]
    assert "anct-aides-territoires" in service
    assert "anct-crte" not in service


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
        f"{a}:3: entries[0].kind: valeur non permise, attendu : 'apec_offer', 'anct_programme', 'service_public' ou 'aide'",
        f"{a}:11: entries[0].examples: trop court : au moins 3 élément(s)",
        f"{a}:17: entries[0].reviewed: date invalide, format attendu AAAA-MM-JJ",
        f"{a}:18: entries[0].colour: champ inconnu (faute de frappe ?)",
        f"{b}:2: entries[0].id: identifiant en double « anct-crte » (déjà dans {a}:19)",
        f"{c}:3: YAML invalide : guillemet ouvert ici et jamais fermé",
        f"{a}:28: anct-crte.related[0]: référence inconnue « apec-inconnue »",
    ]
    assert err.splitlines() == [f"Connaissances : {broken} (indiqué en argument)", "7 problème(s)."]


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
    assert err.startswith(f"Error: connaissances invalides dans {DATA / 'broken'} :\n")
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


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (
            "- q: mentorat\n  expected: []\n",
            "champ expect : champ obligatoire absent (champs : q, expect, commune…)",
        ),
        ("q: mentorat\nexpect: []\n", "chaque cas s'écrit « - q: … » suivi de « expect: […] »"),
        (
            "- q: mentorat\n  expect: [apec-mentorat\n- q: crte\n",
            "ligne 2 : « [ » ouvert ici, jamais refermé",
        ),
    ],
    ids=["misspelt field", "not a list", "yaml error"],
)
def test_eval_on_a_broken_set_says_what_is_wrong(
    content: str, why: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An admin's own labelled set with a slip: the error says which field or line, in French."""
    path = tmp_path / "jeu.yaml"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "eval", str(path))
    assert code == 1
    assert err.splitlines()[-1].startswith(f"Error: {path} : jeu de questions illisible ({why}")


def _fill(text: str) -> str:
    return text.replace("{data}", str(DATA)).replace("{programmes}", ", ".join(PROGRAMME_IDS))


@pytest.mark.parametrize("case", USAGE_ERRORS, ids=lambda c: " ".join(c["args"]))
def test_usage_errors_are_one_french_error_line_and_exit_code_2(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad command line prints exactly one `Error: …` line on stderr, nothing on stdout, code 2."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [_fill(a) for a in case["args"]])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", _fill(case["stderr"]) + "\n")


def test_no_command_shows_the_help_on_stderr_with_exit_code_2() -> None:
    """`aiguilleur` alone is a usage error: the help page says what to type."""
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Utilisation : aiguilleur [OPTIONS] COMMANDE [ARGUMENTS]...\n")


def test_group_without_sub_command_shows_its_help_with_exit_code_2() -> None:
    result = CliRunner().invoke(cli, ["territories"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Utilisation : aiguilleur territories [OPTIONS] COMMANDE")
    assert "import-programme" in result.stderr


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert (result.exit_code, result.stdout) == (
        0,
        f"aiguilleur {importlib.metadata.version('aiguilleur')}\n",
    )


def test_help_lists_every_command_in_french() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Utilisation : aiguilleur [OPTIONS] COMMANDE [ARGUMENTS]...\n")
    assert "  ask             répondre à un besoin" in result.stdout
    assert "-h, --help  afficher cette aide et quitter" in result.stdout
    assert "Show this message" not in result.stdout


def test_command_help_documents_its_arguments_in_french() -> None:
    result = CliRunner().invoke(cli, ["ask", "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Utilisation : aiguilleur ask [OPTIONS] TEXTE\n")
    assert "  TEXTE  le besoin, entre guillemets" in result.stdout
    assert "--top N" in result.stdout


def test_help_loads_no_command_module() -> None:
    """`aiguilleur --help` imports neither a command module nor the engine (sub-commands are lazy)."""
    code = (
        "import sys; from bot.cli import main; main(['--help']); "
        "print(sorted(m for m in sys.modules if m.startswith(('bot.commands.', 'matching', 'pydantic'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.splitlines()[-1] == "['bot.commands.base']"


def test_bench_bot_updates_bound_is_the_benchmark_limit() -> None:
    """--updates is checked against the limit of the Telegram benchmark itself."""
    from bot.commands import bench_bot
    from bot.telegram.bench import MAX_UPDATES

    assert bench_bot.MAX_UPDATES == MAX_UPDATES


def test_a_closed_pipe_is_not_an_error() -> None:
    """When the reader goes away (`aiguilleur catalogue | head -1`), the command ends quietly, code 0."""
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "catalogue"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()  # before the command writes anything
        err = process.stderr.read().decode()
        assert process.wait(timeout=60) == 0
        assert err.startswith("Connaissances : ")
        assert len(err.splitlines()) == 1


def test_chat_answers_remembers_the_commune_and_quits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("on doit recruter un manager de centre-ville\n/catalogue\n/quitter\n")
    )
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert out.startswith("> on doit recruter"), "piped: each line read is echoed, no banner"
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
