"""What a user sees about France services near a commune and programme membership."""

from __future__ import annotations

import datetime as dt

from bot.dialogue import Reply
from bot.render import PLAIN, contact_lines, entry_card, programme_lines
from matching import Engine

WEDNESDAY = dt.date(2026, 12, 2)
SUNDAY = dt.date(2026, 12, 6)


def test_france_services_near_a_commune_lists_the_nearest_with_distance_and_phone(engine: Engine) -> None:
    answer = engine.ask("France services près de Ploubazlanec")
    assert answer.top is not None
    assert answer.top.id == "anct-france-services"
    text = "\n".join(contact_lines(answer.contacts, PLAIN, WEDNESDAY))
    assert "• France services Paimpol — espace France services (à 3 km de Ploubazlanec)" in text
    assert "Tél. : 02 96 20 20 80" in text


def test_the_card_names_the_nearest_site_with_its_distance_and_no_request_for_the_commune(
    engine: Engine,
) -> None:
    answer = engine.ask("France services près de Ploubazlanec")
    entry = engine.entry("anct-france-services")
    assert entry is not None
    card = entry_card(
        entry, Reply("card", entry=entry, territory=answer.territory, contacts=answer.contacts), PLAIN
    )
    assert (
        "• France services Paimpol — espace France services (à 3 km de Ploubazlanec) — tél. 02 96 20 20 80"
        in card
    )
    assert "indiquez la commune" not in card


def test_todays_hours_are_those_of_the_day_passed_in(engine: Engine) -> None:
    contacts = engine.ask("France services près de Ploubazlanec").contacts
    assert "Aujourd'hui (mercredi) : 09:00 - 12:00 / 13:30 - 17:00" in "\n".join(
        contact_lines(contacts[:1], PLAIN, WEDNESDAY)
    )


def test_a_closed_day_says_so(engine: Engine) -> None:
    contacts = engine.ask("France services près de Ploubazlanec").contacts
    text = "\n".join(contact_lines(contacts[:1], PLAIN, SUNDAY))
    assert "Aujourd'hui (dimanche) : fermé ou horaires non publiés" in text


def test_antennas_are_labelled(engine: Engine) -> None:
    contacts = engine.ask("France services près de Ploubazlanec").contacts
    assert "antenne France services" in [c.role for c in contacts]


def test_the_france_services_list_is_cited_with_its_date(engine: Engine) -> None:
    contacts = engine.ask("France services près de Ploubazlanec").contacts
    assert "Source : ANCT, liste des France services du 1er août 2024." in contact_lines(
        contacts, PLAIN, WEDNESDAY
    )


def test_a_commune_with_its_own_site_lists_it_first(engine: Engine) -> None:
    contacts = engine.ask("France services à Paimpol").contacts
    assert (contacts[0].organisation, contacts[0].scope) == ("France services Paimpol", "à Paimpol")


def test_json_of_a_site_carries_distance_and_weekly_hours(engine: Engine) -> None:
    site = engine.ask("France services près de Ploubazlanec").to_json()["contacts"][0]
    assert (site["distance_km"], len(site["hours"])) == (2.7, 7)


def test_a_member_commune_is_said_to_be_in_the_programme_with_the_lists_date(engine: Engine) -> None:
    guingamp = engine.ask("recruter un manager de centre-ville à Guingamp").territory
    assert guingamp is not None
    assert (
        "Guingamp fait partie de Petites villes de demain (liste ANCT de janvier 2021)."
        in programme_lines(guingamp)
    )


def test_an_absent_commune_is_absent_from_a_dated_list_never_outside_the_programme(engine: Engine) -> None:
    brieuc = engine.ask("petites villes de demain à Saint-Brieuc").territory
    assert brieuc is not None
    lines = programme_lines(brieuc, ("anct-petites-villes-de-demain",))
    assert (
        "Saint-Brieuc est absente de la liste ANCT de janvier 2021 pour Petites villes de demain" in lines[-1]
    )
    assert not any("hors programme" in line for line in lines)


def test_saint_brieuc_is_in_action_coeur_de_ville_with_its_population(engine: Engine) -> None:
    """The data the engine's PVD entry rule reads: ACV membership and population."""
    brieuc = engine.ask("petites villes de demain à Saint-Brieuc").territory
    assert brieuc is not None
    assert ("anct-action-coeur-de-ville" in brieuc.programmes, brieuc.population) == (True, 44372)


def test_membership_is_in_the_json(engine: Engine) -> None:
    data = engine.ask("recruter un manager de centre-ville à Guingamp").to_json()
    pvd = next(
        s for s in data["territory"]["programme_lists"] if s["programme"] == "anct-petites-villes-de-demain"
    )
    assert (pvd["member"], pvd["source"], pvd["date"]) == (True, "liste ANCT de janvier 2021", "2021-01")


def test_an_overseas_collectivity_lists_its_own_sites_before_the_prefet(engine: Engine) -> None:
    """Saint-Martin has no commune position in the tables: its own sites are listed, then the
    State representative, territorial delegate of the ANCT."""
    contacts = engine.ask("France services à Marigot").contacts
    assert [c.scope for c in contacts[:2]] == ["à Saint-Martin", "à Saint-Martin"]
    assert contacts[-1].organisation.startswith("Préfecture de Saint-Barthélemy et de Saint-Martin")
