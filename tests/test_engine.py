"""Engine behaviour a user notices: never crashes, stable answers, honest statuses, and
contacts routed to the right organisation for the place."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import MAX_QUERY_CHARS, Engine, Ref, Territory, de_form, de_region


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_gets_an_answer_never_an_exception(engine: Engine, text: str) -> None:
    answer = engine.ask(text)
    assert answer.status in {"match", "ambiguous", "no_match", "chitchat", "place_only"}
    assert all(0 <= r.score <= 100 for r in answer.results)
    assert (answer.status in {"no_match", "chitchat", "place_only"}) == (not answer.results)


def test_equal_messages_get_identical_answers(engine: Engine) -> None:
    """Deterministic: ties are broken by catalogue order, so answers never flicker."""
    first = engine.ask("emploi").to_json()
    assert all(engine.ask("emploi").to_json() == first for _ in range(5))


def test_a_single_common_word_is_never_a_guess(engine: Engine) -> None:
    """Rule: one common word is not a clear need: leads when it names a concept some entries
    answer ("recruter"), nothing when it names none ("emploi", "aide")."""
    answer = engine.ask("recruter")
    assert answer.status == "ambiguous", [(r.id, r.score) for r in answer.results]
    assert len(answer.results) >= 2
    for word in ("emploi", "aide"):
        assert engine.ask(word).status == "no_match", word


def test_very_long_input_is_truncated_not_refused(engine: Engine) -> None:
    text = "on doit recruter un manager de centre-ville. " + "blabla " * 2000
    assert len(text) > MAX_QUERY_CHARS
    answer = engine.ask(text)
    assert answer.results[0].id == "apec-recrutement-chef-projet"


def test_conseiller_numerique_beats_recruiting_words(engine: Engine) -> None:
    """Explicit rule: a "conseiller numérique" goes to the ANCT programme even when recruiting."""
    assert (
        engine.ask("on veut recruter un conseiller numérique").results[0].id == "anct-conseillers-numeriques"
    )


def test_reasons_are_the_words_that_matched(engine: Engine) -> None:
    answer = engine.ask("on doit recruter un manager de centre-ville")
    assert any("manager" in r for r in answer.results[0].reasons)


def _territory(dep: str, dep_name: str, region: str, region_name: str) -> Territory:
    return Territory(
        level="departement",
        code=dep,
        name=dep_name,
        departement=Ref(code=dep, name=dep_name),
        region=Ref(code=region, name=region_name),
    )


@pytest.mark.parametrize(
    ("territory", "expected"),
    [
        (_territory("2A", "Corse-du-Sud", "94", "Corse"), "Apec Paca-Corse"),
        (_territory("13", "Bouches-du-Rhône", "93", "Provence-Alpes-Côte d'Azur"), "Apec Paca-Corse"),
        (_territory("22", "Côtes-d'Armor", "53", "Bretagne"), "Apec Bretagne"),
    ],
)
def test_apec_offers_route_to_the_delegation_of_the_region(
    engine: Engine, territory: Territory, expected: str
) -> None:
    contacts = engine.contacts_for("apec-mentorat", territory)
    assert contacts[0].organisation == expected
    assert contacts[0].territory is not None
    assert contacts[0].territory.code == territory.region.code


def test_region_without_documented_delegation_falls_back_to_national_and_says_so(engine: Engine) -> None:
    mayotte = _territory("976", "Mayotte", "06", "Mayotte")
    contact = engine.contacts_for("apec-mentorat", mayotte)[0]
    assert contact.scope == "national"
    assert contact.note is not None
    assert "Aucune délégation régionale de l'Apec n'est citée pour Mayotte" in contact.note


def test_partial_coverage_is_flagged_without_research_notes(engine: Engine) -> None:
    """Partial coverage is a reliability flag in the JSON; research notes never reach users."""
    guyane = _territory("973", "Guyane", "03", "Guyane")
    contact = engine.contacts_for("apec-mentorat", guyane)[0]
    assert contact.reliability == "P"
    assert contact.note is not None
    assert "à confirmer" not in contact.note


def test_anct_programmes_route_to_the_prefet_of_the_departement(engine: Engine) -> None:
    contact = engine.contacts_for(
        "anct-petites-villes-de-demain", _territory("59", "Nord", "32", "Hauts-de-France")
    )[0]
    assert contact.organisation == "Direction Départementale des Territoires et de la Mer du Nord"
    assert contact.territory == Ref(code="59", name="Nord")


def test_unknown_place_contacts_say_it_depends_on_the_commune(engine: Engine) -> None:
    contact = engine.contacts_for("apec-mentorat", None)[0]
    assert contact.scope == "dépend de votre commune"


def test_no_phone_numbers_or_emails_in_the_hand_written_contacts_file(engine: Engine) -> None:
    """Details a person can act on come only from the official ANCT tables."""
    import re

    text = engine.knowledge.contacts.model_dump_json()
    assert not re.search(r"@|\b0\d([ .]?\d\d){4}\b|\+33", text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Côtes-d'Armor", "des Côtes-d'Armor"),
        ("Nord", "du Nord"),
        ("Aisne", "de l'Aisne"),
        ("Lozère", "de la Lozère"),
        ("Haute-Marne", "de la Haute-Marne"),
        ("Hérault", "de l'Hérault"),
        ("Paris", "de Paris"),
        ("Haut-Rhin", "du Haut-Rhin"),
        ("Yvelines", "des Yvelines"),
        ("La Réunion", "de la Réunion"),
    ],
)
def test_departement_names_take_the_right_article(name: str, expected: str) -> None:
    assert de_form(name) == expected


def test_region_names_take_the_right_article() -> None:
    assert [de_region(n) for n in ("Bretagne", "Occitanie", "Hauts-de-France", "Grand Est")] == [
        "de Bretagne",
        "d'Occitanie",
        "des Hauts-de-France",
        "du Grand Est",
    ]


def test_each_need_of_a_message_gets_its_answer_and_shares_the_place(engine: Engine) -> None:
    """Rule: two needs joined by a separator ("et aussi") are answered one by one, in order;
    the top-level keys describe the first need and every need carries the message's place."""
    answer = engine.ask("un VTA et aussi recruter un manager de centre-ville, on est à Vierzon")
    data = answer.to_json()
    assert [n["results"][0]["id"] for n in data["needs"]] == [
        "anct-volontariat-territorial",
        "apec-recrutement-chef-projet",
    ]
    assert data["results"][0]["id"] == "anct-volontariat-territorial"
    assert {n["territory"]["code"] for n in data["needs"]} == {"18279"}


def test_one_need_written_with_a_separator_stays_one_need(engine: Engine) -> None:
    """Rule: pieces that lead to the same entry are one need (no `needs` list)."""
    answer = engine.ask("recruter un chef de projet PVD et aussi un manager de commerce")
    assert answer.needs == ()
    assert answer.results[0].id == "apec-recrutement-chef-projet"


def test_a_greeting_with_a_need_is_a_need(engine: Engine) -> None:
    """Rule: conversation words never hide a need written next to them."""
    answer = engine.ask("Bonjour, merci de m'aider : on doit recruter un manager de centre-ville")
    assert answer.status == "match"
    assert answer.social is None
