"""Programme lists: the importer on awkward official files, and the shipped membership file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from matching.territories.programmes import (
    PROGRAMME_IDS,
    Membership,
    ProgrammeImportError,
    decode,
    find_code_column,
    merge,
    normalise_code,
    parse_programme_csv,
    read_memberships,
    write_memberships,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "territoires" / "programmes"
KNOWN = {"22070", "30007", "01053", "71153", "2A004", "63430", "242200715", "200066918"}


def _parse(name: str, programme: str = "anct-petites-villes-de-demain") -> object:
    return parse_programme_csv(
        (FIXTURES / name).read_bytes(), programme, known_codes=KNOWN, source=name, date="2024-01-01"
    )


def test_latin1_semicolon_with_bad_rows() -> None:
    result = parse_programme_csv(
        (FIXTURES / "pvd_latin1_semicolon.csv").read_bytes(),
        "anct-petites-villes-de-demain",
        known_codes=KNOWN,
        source="liste PVD",
        date="2024-01-01",
    )
    assert result.column == "Code INSEE"
    assert [m.insee for m in result.rows] == ["22070", "30007"]  # duplicate merged
    assert result.rows[0] == Membership("22070", "anct-petites-villes-de-demain", "liste PVD", "2024-01-01")
    reasons = {(r.line, r.reason) for r in result.rejected}
    assert reasons == {
        (4, "code inconnu des tables INSEE : 99999"),
        (5, "code INSEE vide"),
        (6, "format de code invalide : abc"),
    }


def test_utf8_bom_comma_and_spreadsheet_codes() -> None:
    result = parse_programme_csv(
        (FIXTURES / "acv_utf8_bom_comma.csv").read_bytes(),
        "anct-action-coeur-de-ville",
        known_codes=KNOWN,
        source="acv",
        date="2024-01-01",
    )
    assert result.column == "insee_com"
    assert [m.insee for m in result.rows] == ["01053", "71153", "2A004", "63430"]
    assert len(result.rejected) == 1
    assert "inconnu" in result.rejected[0].reason


def test_epci_codes_in_a_codgeo_column() -> None:
    result = parse_programme_csv(
        (FIXTURES / "ti_epci_codgeo.csv").read_text(encoding="utf-8"),
        "anct-territoires-d-industrie",
        known_codes=KNOWN,
        source="ti",
        date="2024-01-01",
    )
    assert result.column == "CODGEO"
    assert {m.insee for m in result.rows} == {"242200715", "200066918"}


def test_no_code_column() -> None:
    with pytest.raises(ProgrammeImportError, match="aucune colonne de code INSEE"):
        parse_programme_csv(
            (FIXTURES / "sans_colonne_code.csv").read_bytes(),
            "anct-crte",
            known_codes=KNOWN,
            source="",
            date="",
        )
    with pytest.raises(ProgrammeImportError, match="vide"):
        parse_programme_csv(b"", "anct-crte", known_codes=KNOWN, source="", date="")


@pytest.mark.parametrize(
    ("header", "index"),
    [(["Nom", "Code INSEE"], 1), (["nom", "CODGEO"], 1), (["Code_Commune", "x"], 0), (["COM", "LIBCOM"], 0),
     (["libellé", "Code insée de la commune"], 1), (["insee"], 0)],
)  # fmt: skip
def test_find_code_column(header: list[str], index: int) -> None:
    assert find_code_column(header) == index


def test_decode_and_normalise() -> None:
    assert decode("é".encode("latin-1")) == "é"
    assert decode(b"\xef\xbb\xbfinsee") == "insee"
    assert decode("\ufeffinsee") == "insee"
    assert normalise_code(" 1053 ") == "01053"
    assert normalise_code("2a004") == "2A004"
    assert normalise_code("63430.0") == "63430"


def test_merge_and_write(tmp_path: Path) -> None:
    target = tmp_path / "programmes.csv"
    first = [Membership("22070", "anct-petites-villes-de-demain", "a", "2024-01-01")]
    rows, added = merge(read_memberships(target), first)
    assert added == 1
    write_memberships(target, rows)
    again = [*first, Membership("30007", "anct-petites-villes-de-demain", "b", "2024-02-01")]
    rows, added = merge(read_memberships(target), again)
    assert added == 1
    assert len(rows) == 2
    write_memberships(target, rows)
    assert target.read_text(encoding="utf-8").splitlines()[0] == "insee,programme,source,date"


def test_shipped_memberships_are_valid() -> None:
    """Only sourced memberships ship; each names a catalogue programme and a source."""
    path = ROOT / "knowledge" / "territoires" / "programmes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["insee", "programme", "source", "date"]
        for row in reader:
            assert row["programme"] in PROGRAMME_IDS
            assert row["source"].strip()
            assert row["date"].strip()
