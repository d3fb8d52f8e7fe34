"""Validation an admin can trust: whole-directory checks before the engine serves, one rule per
test. Each problem is one line `path:line: field: message` in French."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import pytest
from knowledge_copies import edit

from matching import KnowledgeError, default_knowledge_dir
from matching.validation import example_problems, load_engine, validate_knowledge

DATA = Path(__file__).resolve().parent / "data"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def k(tmp_path: Path) -> Path:
    """The mini knowledge with the bundled territory tables."""
    shutil.copytree(DATA / "mini", tmp_path / "k")
    shutil.copytree(default_knowledge_dir() / "territoires", tmp_path / "k" / "territoires")
    return tmp_path / "k"


_edit = edit


def _problems(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as exc:
        load_engine(directory, today=TODAY)
    return [str(p) for p in exc.value.problems]


def test_valid_directory_gives_a_ready_engine_with_places(k: Path) -> None:
    """A clean directory loads into an engine that answers and resolves places."""
    engine = load_engine(k, today=TODAY)
    answer = engine.ask("trouver des parrains pour nos jeunes diplômés à Guingamp")
    assert answer.top is not None
    assert answer.top.id == "apec-mentorat"
    assert answer.territory is not None
    assert answer.territory.code == "22070"


def test_review_date_in_the_future_is_refused(k: Path) -> None:
    """`reviewed` records a review already done: it cannot be later than today."""
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "reviewed: 2026-11-26", "reviewed: 2099-01-01")
    assert _problems(k) == [
        f"{path}:19: apec-mentorat.reviewed: date dans le futur (2099-01-01, nous sommes le 2026-12-01) : "
        "indiquez la date à laquelle c'est réellement fait"
    ]


def test_fact_stated_in_the_future_is_refused(k: Path) -> None:
    """A fact's `as_of` (when its source stated it) cannot be in the future; `until` may."""
    path = k / "catalogue" / "mini.yaml"
    fact = (
        "    facts:\n      - kind: duration\n        text: Six mois de mentorat renouvelables.\n"
        "        as_of: 2027-03-01\n        until: 2030-01-01\n        source:\n"
        "          label: Convention ANCT–APEC, article 2.1\n"
    )
    _edit(path, "    reviewed: 2026-11-26\n", "    reviewed: 2026-11-26\n" + fact)
    assert _problems(k) == [
        f"{path}:23: apec-mentorat.facts[0].as_of: date dans le futur (2027-03-01, nous sommes le 2026-12-01) : "
        "indiquez la date à laquelle c'est réellement fait"
    ]


def test_unknown_region_code_in_contacts_is_refused(k: Path) -> None:
    """`regions: ["99"]` would leave Bretagne without its delegation: codes must exist."""
    path = k / "contacts.yaml"
    _edit(path, 'regions: ["53"]', 'regions: ["99"]')
    assert _problems(k) == [
        f"{path}:15: apec_delegations[0].regions[0]: code de région INSEE inconnu « 99 » "
        "(par exemple « 53 » : Bretagne)"
    ]


def test_region_covered_by_two_delegations_is_refused(k: Path) -> None:
    """One APEC delegation per région, else routing silently picks one of them."""
    path = k / "contacts.yaml"
    _edit(
        path,
        "    sources: [https://www.gref-bretagne.com/]\n",
        "    sources: [https://www.gref-bretagne.com/]\n"
        '  - id: apec-rennes\n    name: Apec Rennes\n    regions: ["53"]\n    sources: [https://www.apec.fr/]\n',
    )
    assert _problems(k) == [
        f"{path}:20: apec_delegations[1].regions[0]: la région « 53 » est déjà couverte par la délégation "
        "« apec-bretagne »"
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("R99", "code de périmètre « R99 » : région 99 inconnue"),
        ("D99", "code de périmètre « D99 » : département 99 inconnu"),
        ("E123456789", "code de périmètre « E123456789 » : aucun EPCI n'a le SIREN 123456789"),
        ("'22999'", "code de périmètre « 22999 » : aucune commune n'a le code INSEE 22999"),
    ],
)
def test_unknown_perimeter_codes_are_refused(k: Path, code: str, message: str) -> None:
    """Perimeter codes name a région, département, EPCI or commune of the territory tables."""
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "    reviewed: 2026-11-26\n", f"    reviewed: 2026-11-26\n    perimeter: [R53, {code}]\n")
    assert _problems(k) == [f"{path}:20: apec-mentorat.perimeter[1]: {message}"]


def test_malformed_perimeter_code_is_refused_even_without_tables(tmp_path: Path) -> None:
    """A code that is no perimeter code at all ("Bretagne") is refused, tables or not."""
    shutil.copytree(DATA / "mini", tmp_path / "k")
    path = tmp_path / "k" / "catalogue" / "mini.yaml"
    _edit(path, "    reviewed: 2026-11-26\n", "    reviewed: 2026-11-26\n    perimeter: [Bretagne]\n")
    assert _problems(tmp_path / "k") == [
        f"{path}:20: apec-mentorat.perimeter[0]: code de périmètre invalide « Bretagne » (format attendu : "
        "R53 (région), D22 (département), E200067106 (EPCI) ou 22070 (commune))"
    ]


def test_known_perimeter_codes_pass(k: Path) -> None:
    """Existing codes of every level are accepted."""
    path = k / "catalogue" / "mini.yaml"
    _edit(
        path,
        "    reviewed: 2026-11-26\n",
        "    reviewed: 2026-11-26\n    perimeter: [R53, D22, D2A, E200067981, '22070', '2A004']\n",
    )
    assert load_engine(k, today=TODAY).entry("apec-mentorat") is not None


def test_corrupt_territory_table_is_refused(k: Path) -> None:
    """A corrupt table is a problem naming the file, not a traceback nor a silent success."""
    communes = k / "territoires" / "communes.csv.gz"
    communes.write_bytes(communes.read_bytes()[:500])
    [problem] = _problems(k)
    assert problem.startswith(f"{communes}: ")


def test_truncated_territory_table_is_refused(k: Path) -> None:
    """A table cut short (Guingamp's line gone) is refused rather than served."""
    communes = k / "territoires" / "communes.csv.gz"
    lines = gzip.decompress(communes.read_bytes()).decode("utf-8").split("\n")
    communes.write_bytes(gzip.compress("\n".join(lines[: len(lines) // 2] + ["22070,Guing"]).encode("utf-8")))
    [problem] = _problems(k)
    assert problem.startswith(f"{communes}:")


def test_former_epci_name_of_an_unknown_epci_is_refused(k: Path) -> None:
    """An admin's former EPCI name must point at an EPCI of the tables (file and line named)."""
    former = k / "territoires" / "anciens_noms_epci.csv"
    former.write_text(
        former.read_text(encoding="utf-8") + "Communauté de communes du Pays Perdu,999999999,test\n",
        encoding="utf-8",
    )
    [problem] = _problems(k)
    assert problem.startswith(f"{former}:3")
    assert "999999999" in problem


def test_missing_territory_table_is_refused(k: Path) -> None:
    """One table missing from `territoires/` is reported by name."""
    (k / "territoires" / "regions.csv").unlink()
    [problem] = _problems(k)
    assert problem.startswith(f"{k / 'territoires' / 'regions.csv'}: ")


def test_missing_tables_directory_is_refused_when_required(k: Path) -> None:
    """A reload must not silently stop recognising places: without `territoires/` it is refused
    when the serving engine had tables."""
    shutil.rmtree(k / "territoires")
    with pytest.raises(KnowledgeError) as exc:
        load_engine(k, today=TODAY, require_territories=True)
    assert [str(p) for p in exc.value.problems] == [
        f"{k / 'territoires'}: tables des territoires absentes : les lieux ne seraient plus reconnus"
    ]
    assert load_engine(k, today=TODAY).places is None


def test_problems_of_every_file_are_reported_together(k: Path) -> None:
    """Tables, catalogue and contacts problems come in one error, so one run lists them all."""
    (k / "territoires" / "regions.csv").unlink()
    _edit(k / "contacts.yaml", "organisation: Apec\n", "organisation: Apec\n  organisation: Apec\n")
    _edit(k / "catalogue" / "mini.yaml", "reviewed: 2026-11-26", "reviewed: 2099-01-01")
    problems = _problems(k)
    assert [p.split(":", 1)[0] for p in problems] == [
        str(k / "territoires" / "regions.csv"),
        str(k / "catalogue" / "mini.yaml"),
        str(k / "contacts.yaml"),
    ]


def test_refused_reload_keeps_the_serving_engine_resolving_places(k: Path) -> None:
    """After broken tables are refused, the engine already serving still resolves Guingamp."""
    serving = load_engine(k, today=TODAY)
    (k / "territoires" / "communes.csv.gz").write_bytes(b"\x1f\x8b broken")
    with pytest.raises(KnowledgeError):
        load_engine(k, today=TODAY, require_territories=True)
    place = serving.resolve_place("un manager de centre-ville à Guingamp")
    assert place.territory is not None
    assert place.territory.code == "22070"


def test_examples_of_authored_entries_are_all_checked(k: Path) -> None:
    """Every example of the catalogue's own entries must lead to its entry."""
    path = k / "catalogue" / "mini.yaml"
    _edit(path, "programme de parrainage", "signer le CRTE")
    assert [str(p) for p in example_problems(load_engine(k, today=TODAY))] == [
        f"{path}:2: apec-mentorat.examples[2]: « signer le CRTE » mène à anct-crte au lieu de apec-mentorat"
    ]


def _imported(k: Path, count: int, first: str = "signer un CRTE") -> None:
    """`count` imported aids whose first example is `first` (by default it leads to the CRTE)."""
    entries = []
    for n in range(count):
        entries.append(
            f"  - id: aide-{n:03d}\n    kind: aide\n    title: Aide numéro {n} pour les haies bocagères\n"
            f"    summary: Une aide importée pour planter des haies bocagères ({n}).\n"
            "    description: Plantation de haies bocagères et entretien des talus.\n"
            "    audience: [communes]\n    themes: [biodiversité]\n"
            f"    keywords: [haies bocageres {n}]\n"
            f"    examples: [{first.format(n=n)}, planter des haies bocageres {n}, haies bocageres {n}]\n"
            "    contact: anct_delegate\n    next_steps: Consultez la fiche de l'aide.\n"
            "    sources: [{label: Aides-territoires}]\n    reviewed: 2026-11-26\n"
        )
    (k / "catalogue" / "aides.yaml").write_text("entries:\n" + "".join(entries), encoding="utf-8")


def test_examples_of_imported_aids_are_checked_on_a_fixed_sample(k: Path) -> None:
    """Imported aids (`kind: aide`) are checked through a sample of fixed size, the same aids
    every run, so validation stays linear in the catalogue's size."""
    _imported(k, 30)
    engine = load_engine(k, today=TODAY)
    first = {p.field for p in example_problems(engine, sample=5, imported=True)}
    again = {p.field for p in example_problems(engine, sample=5, imported=True)}
    assert len(first) == 5
    assert first == again
    assert all(f.startswith("aide-") and f.endswith(".examples[0]") for f in first)
    assert example_problems(engine) == []


def test_imported_aid_examples_leading_elsewhere_do_not_block(k: Path) -> None:
    """Generated examples of imported aids often lead to a neighbouring entry, which the admin
    cannot fix by hand: validation passes and lists them apart."""
    _imported(k, 4)
    result = validate_knowledge(k, today=TODAY, sample=3)
    assert [p.message for p in result.aid_misses] == [
        f"« signer un CRTE » mène à anct-crte au lieu de {p.field.split('.')[0]}" for p in result.aid_misses
    ]
    assert len(result.aid_misses) == 3


def test_validation_reports_what_the_self_check_covered(k: Path) -> None:
    """The result says how many examples ran and how many imported aids were sampled."""
    _imported(k, 3, first="des haies bocageres {n} a planter")
    result = validate_knowledge(k, today=TODAY, sample=2)
    assert (result.examples_checked, result.aids_checked, result.aids_total) == (12, 2, 3)


def test_validate_command_names_the_directory_and_the_sampled_aids(
    k: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`aiguilleur validate DIR` says which directory it read and what the aid sample found."""
    from bot.cli import main

    _imported(k, 4)
    code = main(["validate", str(k)])
    out, err = capsys.readouterr()
    assert code == 0
    assert err.splitlines()[0] == f"Connaissances : {k} (indiqué en argument)"
    assert out.splitlines() == [
        f"OK : 6 entrées valides dans {k}.",
        "Aides importées : exemples de 4 aides sur 4 vérifiés (échantillon fixe) ; 4 de leurs exemples "
        "mènent à une autre entrée (aides voisines, non bloquant).",
    ]


def test_a_table_date_in_the_future_is_refused(tmp_path: Path) -> None:
    """The date of an official table is cited in answers (« liste ANCT de janvier 2021 »): like
    `reviewed`, it cannot be later than today, and the admin is told the file and line."""
    k = tmp_path / "k"
    shutil.copytree(default_knowledge_dir(), k, ignore=shutil.ignore_patterns(".cache"))
    manifest = k / "anct" / "tables.yaml"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("  date: "))
    table = next(text for text in reversed(lines[:line]) if text.startswith("- id: ")).removeprefix("- id: ")
    lines[line] = "  date: 2099-04"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_engine(k, today=dt.date(2030, 1, 1))  # the bundled files are reviewed before that
    assert [str(p) for p in exc.value.problems] == [
        f"{manifest}:{line + 1}: {table}.date: date dans le futur (2099-04, nous sommes le 2030-01-01) : "
        "indiquez la date des données, que les réponses citent"
    ]
