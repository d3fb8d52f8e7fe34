"""The official ANCT tables: import from the published formats, what reaches users, validation
against the manifest, and staleness."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from matching.anct import check_tables, stale_tables
from matching.anct.directory import parse_directory
from matching.anct.france_services import parse_france_services
from matching.anct.manifest import TableInfo, read_manifest
from matching.anct.records import clean_email, clean_phone
from matching.anct.tables import import_directory, import_france_services

DATA = Path(__file__).resolve().parent / "data" / "anct"
KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
INFO = TableInfo(
    id="contacts-locaux",
    file="contacts_locaux.csv",
    title="Annuaire des interlocuteurs locaux de l'ANCT",
    label="ANCT, annuaire des délégués territoriaux",
    publisher="ANCT",
    origin="export de test",
    date="2025-05-20",
    licence="Information publique de l'ANCT",
    rows=0,
)


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    shutil.copytree(KNOWLEDGE / "anct", tmp_path / "anct")
    shutil.copytree(KNOWLEDGE / "territoires", tmp_path / "territoires")
    return tmp_path


def test_bundled_tables_match_their_manifest() -> None:
    """`validate` finds nothing to say about the shipped tables."""
    assert check_tables(KNOWLEDGE) == []


def test_every_bundled_table_records_source_date_and_licence() -> None:
    manifest = read_manifest(KNOWLEDGE)
    assert manifest is not None
    assert {t.id for t in manifest.tables} >= {"contacts-locaux", "pvd", "acv", "france-services"}
    assert all(t.origin and t.licence and t.date for t in manifest.tables)


def test_a_phone_column_holding_an_email_is_dropped_and_said() -> None:
    contacts, notes = parse_directory((DATA / "contacts.csv").read_bytes())
    dijon = next(c for c in contacts if c.departement == "21")
    assert dijon.phone == ""
    assert "ligne 3 : téléphone illisible écarté" in notes


def test_a_personal_email_never_reaches_the_table() -> None:
    contacts, notes = parse_directory((DATA / "contacts.csv").read_bytes(), frozenset({"jean"}))
    moulins = next(c for c in contacts if c.departement == "03")
    assert moulins.email == ""
    assert any("adresse électronique écartée" in n for n in notes)


def test_structure_names_take_the_official_departement_form() -> None:
    contacts, _ = parse_directory((DATA / "contacts.csv").read_bytes())
    names = {c.departement: c.structure for c in contacts}
    assert names["84"] == "Préfecture de Vaucluse"
    assert names["03"] == "Préfecture de l'Allier"
    assert names["21"] == "Direction Départementale des Territoires de la Côte-d'Or"


def test_dates_become_iso_and_phones_one_format() -> None:
    contacts, _ = parse_directory((DATA / "contacts.csv").read_bytes())
    moulins = next(c for c in contacts if c.departement == "03")
    assert (moulins.updated, moulins.phone) == ("2024-06-07", "04 70 48 30 00")


def test_france_services_export_in_cp1252_with_semicolons_is_read() -> None:
    sites, notes = parse_france_services(
        (DATA / "france_services_cp1252.csv").read_bytes(), frozenset({"nathalie"})
    )
    assert [s.name for s in sites] == ["Bus France services du Trégor", "France services Paimpol"]
    assert "ligne 4 : position absente ou invalide, site ignoré" in notes


def test_france_services_keep_the_network_mailbox_and_drop_a_personal_one() -> None:
    sites, _ = parse_france_services(
        (DATA / "france_services_cp1252.csv").read_bytes(), frozenset({"nathalie"})
    )
    emails = {s.town: s.email for s in sites}
    assert emails == {"Paimpol": "paimpol@france-services.gouv.fr", "Lannion": ""}


def test_a_comment_naming_a_person_is_left_out() -> None:
    sites, _ = parse_france_services((DATA / "france_services_cp1252.csv").read_bytes())
    assert next(s for s in sites if s.town == "Paimpol").comment == ""


def test_a_bus_is_labelled_as_such() -> None:
    sites, _ = parse_france_services((DATA / "france_services_cp1252.csv").read_bytes())
    assert next(s for s in sites if s.town == "Lannion").label == "France services itinérante (bus)"


def test_import_rewrites_the_table_and_its_manifest_record(knowledge: Path) -> None:
    report = import_directory((DATA / "contacts.csv").read_bytes(), knowledge, INFO)
    manifest = read_manifest(knowledge)
    assert manifest is not None
    record = manifest.get("contacts-locaux")
    assert record is not None
    assert (record.rows, record.origin, report.table.rows) == (3, "export de test", 3)
    assert check_tables(knowledge) == []


def test_import_of_france_services_is_validated(knowledge: Path) -> None:
    info = INFO.model_copy(update={"id": "france-services", "date": "2024-08-01"})
    import_france_services((DATA / "france_services_cp1252.csv").read_bytes(), knowledge, info)
    assert check_tables(knowledge) == []


def test_validation_reports_a_table_that_no_longer_matches_its_manifest(knowledge: Path) -> None:
    path = knowledge / "anct" / "contacts_locaux.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    problems = [str(p) for p in check_tables(knowledge)]
    assert any("188 ligne(s), la fiche en annonce 189" in p for p in problems)


def test_validation_reports_a_personal_email_typed_in_by_hand(knowledge: Path) -> None:
    path = knowledge / "anct" / "contacts_locaux.csv"
    text = path.read_text(encoding="utf-8").replace("ddt@ain.gouv.fr", "d.martin@ain.gouv.fr", 1)
    path.write_text(text, encoding="utf-8")
    assert any("adresse personnelle" in str(p) for p in check_tables(knowledge))


def test_validation_reports_a_missing_manifest(knowledge: Path) -> None:
    (knowledge / "anct" / "tables.yaml").unlink()
    assert [p.message for p in check_tables(knowledge)] == ["fichier manquant"]


def test_tables_older_than_a_year_are_listed_oldest_first() -> None:
    stale = stale_tables(KNOWLEDGE, dt.date(2026, 12, 1))
    assert [t.id for t in stale][:3] == ["pvd", "acv", "france-services"]


def test_a_table_of_the_month_is_not_stale() -> None:
    assert "contacts-locaux" not in [t.id for t in stale_tables(KNOWLEDGE, dt.date(2025, 6, 1))]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("04.74.45.62.37", "04 74 45 62 37"),
        ("+33 2 96 20 20 80", "02 96 20 20 80"),
        ("denis,bruel@x.fr", None),
    ],
)
def test_phone_numbers_are_normalised_or_dropped(raw: str, expected: str | None) -> None:
    assert clean_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("ddt@ain.gouv.fr", True),
        ("france.services@ayen.fr", True),
        ("le.mene@france-services.gouv.fr", True),
        ("d.colnot@mfcc.fr", False),
        ("jb.moreau@laregie.org", False),
        ("sandrine.becasse@plateaudecaux.fr", False),
    ],
)
def test_service_mailboxes_are_kept_personal_ones_dropped(raw: str, kept: bool) -> None:
    assert (clean_email(raw, frozenset({"sandrine"})) is not None) is kept
