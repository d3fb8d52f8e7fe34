"""Aides-Territoires import: both API shapes, HTML, missing fields, expired aids and other
audiences, a file the loader accepts, and aids that are matched without hiding programmes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from matching import CatalogueFile, Engine, Entry, load_knowledge
from matching.aides_territoires import (
    PlaceNames,
    aids_from_json,
    collectivity_audiences,
    convert,
    html_to_text,
    load_place_names,
    perimeter_codes,
    render_yaml,
)

DATA = Path(__file__).resolve().parent / "data"
AIDES = DATA / "aides"
TODAY = dt.date(2026, 11, 26)


def _json(name: str) -> object:
    return json.loads((AIDES / name).read_text(encoding="utf-8"))


def _by_id(entries: list[Entry], start: str) -> Entry:
    return next(e for e in entries if e.id.startswith(start))


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    target = tmp_path / "connaissances"
    shutil.copytree(DATA / "mini", target)
    return target


def test_html_is_reduced_to_plain_text() -> None:
    html = "<p>Le <strong>Fonds vert</strong> finance l&#39;&eacute;clairage :</p><ul><li>LED</li><li>extinction</li></ul>"
    assert html_to_text(html) == "Le Fonds vert finance l'éclairage : LED extinction"
    assert html_to_text("a<br>b<div>c</div>") == "a b c"
    assert html_to_text(None) == ""
    assert html_to_text("   ") == ""
    assert html_to_text("<p>texte non fermé") == "texte non fermé"


def test_both_api_shapes_and_lists_of_pages_are_read() -> None:
    assert len(aids_from_json(_json("page.json"))) == 8
    assert len(aids_from_json(_json("list.json"))) == 4
    assert [a["id"] for a in aids_from_json(_json("pages.json"))] == [301, 302]
    assert aids_from_json({"count": 0, "next": None, "previous": None, "results": []}) == []
    with pytest.raises(ValueError, match="format inattendu"):
        aids_from_json("texte")


def test_audiences_accept_slugs_and_labels_and_keep_only_collectivities() -> None:
    assert collectivity_audiences({"targeted_audiences": ["commune", "epci", "department", "region"]}) == [
        "Communes",
        "Intercommunalités / Pays",
        "Départements",
        "Régions",
    ]
    assert collectivity_audiences({"targeted_audiences": ["Communes", "Associations"]}) == ["Communes"]
    assert collectivity_audiences(
        {"targeted_audiences": [{"id": "epci", "name": "Intercommunalités / Pays"}]}
    ) == ["Intercommunalités / Pays"]
    assert collectivity_audiences({"targeted_audiences": ["Entreprises privées", "private_person"]}) == []
    assert collectivity_audiences({}) == []


def test_page_import_keeps_open_collectivity_aids_and_counts_the_others() -> None:
    result = convert(_json("page.json"), today=TODAY)
    assert result.read == 8
    assert len(result.entries) == 6
    assert dict(result.skipped) == {"date limite dépassée": 1, "public non collectivité": 1}
    assert not any("haies" in e.title or "entreprises" in e.title for e in result.entries)
    # A deadline on the day of the import is still open.
    assert _by_id(result.entries, "aide-schema-cyclable").deadline == TODAY


def test_converted_entry_has_every_field_mapped() -> None:
    entry = _by_id(convert(_json("page.json"), today=TODAY).entries, "aide-renover-leclairage")
    assert entry.kind == "aide"
    assert entry.title == "Rénover l'éclairage public des communes"
    assert "<" not in entry.summary
    assert "&" not in entry.description
    assert entry.summary.startswith("Le Fonds vert finance la rénovation de l'éclairage public")
    assert entry.themes[:2] == ["Sobriété énergétique", "Énergies / Déchets"]
    assert {"fonds vert", "ademe", "subvention", "éclairage public"} <= set(entry.keywords)
    assert entry.url == "https://aides-territoires.beta.gouv.fr/aides/renover-leclairage-public-des-communes/"
    assert entry.sources[0].label == "Aides-territoires (Licence Ouverte 2.0)"
    assert entry.deadline == dt.date(2027, 3, 31)
    assert entry.reviewed == TODAY
    assert entry.perimeter == []
    assert entry.contact == "anct_delegate"
    assert entry.examples[0] == "aide pour éclairage public"


def test_missing_fields_still_give_a_valid_entry_with_three_examples() -> None:
    entry = _by_id(convert(_json("page.json"), today=TODAY).entries, "aide-ingenierie-pour-la-defense")
    assert entry.themes == ["aide publique"]
    assert len(entry.examples) >= 3
    assert len(set(entry.examples)) == len(entry.examples)
    assert len(entry.summary) >= 20
    assert entry.url is None
    assert entry.deadline is None
    assert "Sans date limite connue" in entry.description


def test_incomplete_and_duplicate_aids_are_skipped_and_ids_stay_short_unique_slugs() -> None:
    result = convert(_json("list.json"), today=TODAY, reserved={"aide-programme-tres-long-de-soutien-a-la"})
    assert dict(result.skipped) == {"doublon": 1, "public non collectivité": 1, "données incomplètes": 1}
    (entry,) = result.entries
    assert len(entry.id) <= 50
    assert entry.id == "aide-programme-tres-long-de-soutien-a-la-201"
    ids = [e.id for e in convert(_json("page.json"), today=TODAY).entries]
    assert len(ids) == len(set(ids))
    assert all(len(i) <= 50 and i.startswith("aide-") for i in ids)


def test_perimeters_are_inferred_or_noted() -> None:
    builtin = PlaceNames()
    assert perimeter_codes({"perimeter": "Bretagne (Région)", "perimeter_scale": "Région"}, builtin) == (
        ["R53"],
        True,
    )
    assert perimeter_codes({"perimeter": "Occitanie (Région)"}, builtin) == (["R76"], True)
    assert perimeter_codes({"perimeter": "France"}, builtin) == ([], True)
    assert perimeter_codes({}, builtin) == ([], True)
    assert perimeter_codes({"perimeter": "Outre-mer", "perimeter_scale": "overseas"}, builtin)[0][0] == "R01"
    assert perimeter_codes(
        {"perimeter": "Bassin Loire-Bretagne", "perimeter_scale": "Bassin hydrographique"}, builtin
    ) == ([], False)
    result = convert(_json("page.json"), today=TODAY)
    assert result.unknown_perimeters["Bassin Loire-Bretagne"] == 1
    assert "périmètre non reconnu" in _by_id(result.entries, "aide-gestion-des-eaux").description
    regional = _by_id(result.entries, "aide-restaurer-les-eglises")
    assert regional.perimeter == ["R53"]
    assert regional.contact == "conseil_regional"


def test_territory_tables_resolve_departements_and_communes(knowledge_dir: Path) -> None:
    if not (knowledge_dir / "territoires" / "regions.csv").exists():
        pytest.fail("territory tables not built (they ship with the repository)")
    places = load_place_names(knowledge_dir)
    result = convert(_json("page.json"), today=TODAY, places=places)
    assert _by_id(result.entries, "aide-schema-cyclable").perimeter == ["D22"]
    assert _by_id(result.entries, "aide-programme-tres-long").perimeter == ["22113"]
    assert list(result.unknown_perimeters) == ["Bassin Loire-Bretagne"]


def test_rendered_file_has_provenance_header_and_loads_with_the_knowledge(mini_dir: Path) -> None:
    result = convert(_json("page.json"), today=TODAY)
    text = render_yaml(result, today=TODAY)
    assert text.startswith("# yaml-language-server: $schema=../schema/catalogue.schema.json\n")
    assert "https://aides-territoires.beta.gouv.fr/api/aids/" in text
    assert "Licence Ouverte 2.0" in text
    assert "Import du 2026-11-26 : 8 aides lues, 6 gardées, 2 écartées" in text
    (mini_dir / "catalogue" / "aides-territoires.yaml").write_text(text, encoding="utf-8")
    knowledge = load_knowledge(mini_dir)
    assert len(knowledge.entries) == 2 + 6
    assert [e for e in knowledge.entries if e.kind == "aide"] == result.entries
    with pytest.raises(ValueError, match="entries"):
        render_yaml(convert([], today=TODAY), today=TODAY)


def test_import_command_writes_a_file_that_validates(
    mini_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "import",
            "aides-territoires",
            str(AIDES / "page.json"),
            "--knowledge-dir",
            str(mini_dir),
            "--today",
            "2026-11-26",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[0] == (
        "Aides-territoires : 8 aide(s) lue(s), 6 gardée(s), 2 écartée(s) "
        "(1 date limite dépassée, 1 public non collectivité)."
    )
    assert (mini_dir / "catalogue" / "aides-territoires.yaml").exists()
    assert main(["validate", str(mini_dir)]) == 0
    assert "OK : 8 entrées valides" in capsys.readouterr().out


def test_import_command_errors(mini_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["import", "aides-territoires"]
    assert (
        main([*base, str(AIDES / "page.json"), "--today", "26/11/2026", "--knowledge-dir", str(mini_dir)])
        == 2
    )
    assert "Error: --today : date invalide" in capsys.readouterr().err
    assert main([*base, str(tmp_path / "absent.json"), "--knowledge-dir", str(mini_dir)]) == 2
    assert main([*base, str(AIDES / "broken.json"), "--knowledge-dir", str(mini_dir)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"Error: {AIDES / 'broken.json'} : JSON illisible ligne 2, colonne 1 (fichier tronqué, ou pas un export JSON ?)"
    )
    # Everything expired: nothing is written, so the knowledge stays loadable.
    output = mini_dir / "catalogue" / "aides-territoires.yaml"
    assert (
        main([*base, str(AIDES / "list.json"), "--today", "2030-01-01", "--knowledge-dir", str(mini_dir)])
        == 1
    )
    assert "aucune aide retenue" in capsys.readouterr().err
    assert not output.exists()
    assert main(["import"]) == 2


def _with_aids(base: Path, aids: list[Entry]) -> Engine:
    knowledge = load_knowledge(base)
    return Engine.from_knowledge(replace(knowledge, entries=(*knowledge.entries, *aids)))


def test_an_imported_aid_is_matched_by_a_question_about_it() -> None:
    aids = convert(_json("page.json"), today=TODAY).entries
    engine = _with_aids(DATA / "mini", aids)
    answer = engine.ask("comment financer le remplacement des luminaires de l'éclairage public ?")
    assert answer.top is not None
    assert answer.top.id == "aide-renover-leclairage-public-des-communes"
    answer = engine.ask("aide pour la restauration des chapelles")
    assert answer.top is not None
    assert answer.top.id == "aide-restaurer-les-eglises-rurales-de-bretagne"
    # The programmes are still found first for their own needs.
    answer = engine.ask("programme de parrainage")
    assert answer.top is not None
    assert answer.top.id == "apec-mentorat"


def test_an_aid_never_hides_a_programme_that_fits_equally() -> None:
    mentorat = load_knowledge(DATA / "mini").entries[0]
    twin = Entry.model_validate(
        {**mentorat.model_dump(), "id": "aide-mentorat", "kind": "aide", "related": []}
    )
    engine = _with_aids(DATA / "mini", [twin])
    for example in mentorat.examples:
        answer = engine.ask(example, top=3)
        ids = [r.id for r in answer.results]
        assert ids[:2] == ["apec-mentorat", "aide-mentorat"], example
        assert answer.results[0].score > answer.results[1].score


def test_a_regional_aid_is_not_proposed_in_another_region(knowledge_dir: Path) -> None:
    aids = convert(_json("page.json"), today=TODAY).entries
    engine = _with_aids(knowledge_dir, aids)
    if engine.places is None:
        pytest.fail("territory tables not available (they ship with the repository)")
    question = "subvention pour la restauration des chapelles"
    inside = engine.ask(f"{question} à Guingamp", top=5)
    outside = engine.ask(f"{question} à Toulouse", top=5)
    assert inside.territory is not None
    assert outside.territory is not None
    assert "aide-restaurer-les-eglises-rurales-de-bretagne" in [r.id for r in inside.results]
    assert "aide-restaurer-les-eglises-rurales-de-bretagne" not in [r.id for r in outside.results]


def test_written_entries_form_a_valid_catalogue_file() -> None:
    result = convert(_json("pages.json"), today=TODAY)
    CatalogueFile(entries=result.entries)
    assert [e.id for e in result.entries] == ["aide-cantine-bio", "aide-maison-de-sante"]
    assert result.entries[0].themes == ["Circuits courts", "Alimentation"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = (
    "id",
    "slug",
    "url",
    "name",
    "short_title",
    "description",
    "eligibility",
    "perimeter",
    "perimeter_scale",
    "financers",
    "programs",
    "categories",
    "targeted_audiences",
    "aid_types",
    "submission_deadline",
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={f: _JSON for f in _FIELDS}), max_size=4))
def test_any_json_aid_is_converted_or_skipped_never_a_crash(aids: list[dict[str, object]]) -> None:
    result = convert(aids, today=TODAY)
    assert result.read == len(aids)
    assert len(result.entries) + sum(result.skipped.values()) == len(aids)
    assert len({e.id for e in result.entries}) == len(result.entries)
