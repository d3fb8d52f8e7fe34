"""Contacts a person can act on: for every département, the ANCT's local contacts from its
directory, with phone, official address and date, most relevant first for the need."""

from __future__ import annotations

import re

import pytest

from bot.render import PLAIN, contact_lines
from matching import Engine, Territory, de_form
from matching.articles import _DEPARTEMENTS, de_departement

DEPARTEMENTS = sorted(_DEPARTEMENTS)
FORMS = {
    "01": "de l'Ain", "13": "des Bouches-du-Rhône", "22": "des Côtes-d'Armor", "28": "d'Eure-et-Loir",
    "35": "d'Ille-et-Vilaine", "41": "de Loir-et-Cher", "47": "de Lot-et-Garonne", "59": "du Nord",
    "75": "de Paris", "82": "de Tarn-et-Garonne", "84": "de Vaucluse", "90": "du Territoire de Belfort",
    "93": "de la Seine-Saint-Denis", "95": "du Val-d'Oise", "971": "de la Guadeloupe", "974": "de la Réunion",
    "976": "de Mayotte",
}  # fmt: skip


def _chef_lieu(engine: Engine, code: str) -> Territory:
    assert engine.places is not None
    dep = engine.places.tables.departements[code]  # type: ignore[attr-defined]
    territory = engine.places.commune(dep.chef_lieu)
    assert territory is not None
    return territory


# The directory's only row for the Côte-d'Or has an e-mail address in its phone column.
NO_PHONE_IN_SOURCE = ("21",)


@pytest.mark.parametrize("code", [c for c in DEPARTEMENTS if c not in ("75", *NO_PHONE_IN_SOURCE)])
def test_every_departement_has_a_local_contact_with_phone_address_and_source(
    engine: Engine, code: str
) -> None:
    """Sweep: the préfecture town of every département (mainland and DROM) gets at least one
    ANCT local contact with a phone and an official address, citing the dated directory."""
    contacts = engine.contacts_for("anct-ingenierie-sur-mesure", _chef_lieu(engine, code))
    actionable = [c for c in contacts if c.phone and c.address]
    assert actionable, f"aucun contact joignable pour le département {code}"
    assert actionable[0].source == "ANCT, annuaire des délégués territoriaux du 20 mai 2025"


def test_a_contact_without_phone_in_the_source_keeps_its_address_and_says_so(engine: Engine) -> None:
    contacts = engine.contacts_for("anct-ingenierie-sur-mesure", _chef_lieu(engine, "21"))
    assert (contacts[0].address, contacts[0].email) == (
        "57, rue de Mulhouse BP 53317, 21033 DIJON CEDEX",
        "ddt@cote-dor.gouv.fr",
    )
    assert "n'indique pas de téléphone" in (contacts[-1].note or "")


def test_paris_falls_back_on_the_prefet_and_says_why(engine: Engine) -> None:
    """Paris is absent from the directory: the préfecture is named, no detail is invented."""
    contact = engine.contacts_for("anct-ingenierie-sur-mesure", _chef_lieu(engine, "75"))[0]
    assert contact.organisation == "Préfecture de la région d'Île-de-France, préfecture de Paris"
    assert (contact.phone, contact.email, contact.address) == (None, None, None)
    assert contact.note is not None
    assert "ne donne pas d'interlocuteur pour Paris" in contact.note


def test_engineering_goes_first_to_the_ddt(engine: Engine) -> None:
    contacts = engine.contacts_for("anct-petites-villes-de-demain", _chef_lieu(engine, "22"))
    assert (
        contacts[0].organisation == "Direction Départementale des Territoires et de la Mer des Côtes-d'Armor"
    )


def test_the_sous_prefecture_of_the_communes_arrondissement_is_listed(engine: Engine) -> None:
    gex = engine.ask("ingénierie pour notre projet à Gex").territory
    contacts = engine.contacts_for("anct-ingenierie-sur-mesure", gex)
    assert [c.organisation for c in contacts][:2] == [
        "Direction Départementale des Territoires de l'Ain",
        "Sous-Préfecture de Gex",
    ]


def test_sous_prefectures_of_other_arrondissements_are_left_out(engine: Engine) -> None:
    contacts = engine.contacts_for("anct-ingenierie-sur-mesure", _chef_lieu(engine, "01"))
    assert not any(c.organisation.startswith("Sous-Préfecture") for c in contacts)


def test_politique_de_la_ville_goes_first_to_the_prefet_for_equal_opportunities(engine: Engine) -> None:
    contacts = engine.contacts_for("anct-politique-de-la-ville", _chef_lieu(engine, "13"))
    assert contacts[0].role.startswith("Préfet délégué pour l'égalité des chances")


def test_overseas_engineering_goes_to_the_deal_not_a_ddt(engine: Engine) -> None:
    contacts = engine.contacts_for("anct-ingenierie-sur-mesure", _chef_lieu(engine, "971"))
    assert contacts[0].organisation.startswith(
        "Direction de l'Environnement, de l'Aménagement et du Logement"
    )
    assert not any("Territoires" in c.organisation for c in contacts)


def test_mayotte_european_funds_go_to_the_prefecture(engine: Engine) -> None:
    contact = engine.contacts_for("anct-fonds-europeens", _chef_lieu(engine, "976"))[0]
    assert contact.organisation == "Préfecture de Mayotte"


def test_fse_plus_goes_to_the_dreets_not_only_the_region(engine: Engine) -> None:
    contacts = engine.contacts_for("anct-fonds-europeens", _chef_lieu(engine, "22"))
    assert [c.organisation for c in contacts][:2] == ["Conseil régional de Bretagne", "DREETS Bretagne"]


def test_rendered_contact_shows_address_phone_mailbox_and_date(engine: Engine) -> None:
    contacts = engine.contacts_for("anct-petites-villes-de-demain", _chef_lieu(engine, "22"))
    text = "\n".join(contact_lines(contacts[:1], PLAIN))
    assert "Adresse : 1, rue du Parc CS 52256, 22022 SAINT-BRIEUC CEDEX" in text
    assert "Tél. : 02 96 62 47 00" in text
    assert "Courriel : ddtm@cotes-darmor.gouv.fr" in text
    assert (
        "Source : ANCT, annuaire des délégués territoriaux du 20 mai 2025 — mis à jour le 17/10/2023" in text
    )


def test_an_undated_row_says_its_date_is_not_given(engine: Engine) -> None:
    contacts = engine.contacts_for("anct-ingenierie-sur-mesure", _chef_lieu(engine, "01"))
    assert "date de mise à jour non indiquée" in "\n".join(contact_lines(contacts[:1], PLAIN))


def test_json_of_an_answer_carries_the_actionable_fields(engine: Engine) -> None:
    data = engine.ask("ingénierie pour un projet à Guingamp").to_json()
    first = data["contacts"][0]
    assert {k: bool(first[k]) for k in ("phone", "email", "address", "updated", "source")} == dict.fromkeys(
        ("phone", "email", "address", "updated", "source"), True
    )


def test_no_research_note_reaches_a_user(engine: Engine) -> None:
    """ "à confirmer", "non documenté": notes for editors, never in an answer."""
    for region in (
        "01",
        "02",
        "03",
        "04",
        "06",
        "11",
        "24",
        "27",
        "28",
        "32",
        "44",
        "52",
        "53",
        "75",
        "76",
        "84",
    ):
        ref_territory = Territory(level="region", code=region, name="x", region={"code": region, "name": "x"})
        for contact in engine.contacts_for("apec-mentorat", ref_territory):
            assert not re.search(r"à confirmer|non documenté", contact.note or "")


@pytest.mark.parametrize("code", DEPARTEMENTS)
def test_every_departement_takes_its_official_article(code: str) -> None:
    """Table-driven forms (INSEE charnière, préfectures' usage): each one is a known form."""
    name = _DEPARTEMENTS[code][0]
    form = de_departement(code, name)
    assert de_form(name) == form
    assert re.match(r"^(de |d'|du |de la |des |de l')", form)
    if code in FORMS:
        assert form == FORMS[code]


def test_a_sous_prefecture_named_after_a_town_keeps_its_name(engine: Engine) -> None:
    """ "Saint-Dié-des-Vosges" ends with the département's name but is a town: untouched, and
    the sous-préfecture is found for a commune of its arrondissement."""
    territory = engine.ask("ingénierie pour un projet à Saint-Dié-des-Vosges").territory
    names = [c.organisation for c in engine.contacts_for("anct-ingenierie-sur-mesure", territory)]
    assert "Sous-Préfecture de Saint-Dié-des-Vosges" in names
