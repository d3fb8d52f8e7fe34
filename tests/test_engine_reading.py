"""How the engine reads what people write around the need: the size they give instead of a
name, real words that are no typos, organisations whose names look like the ANCT's."""

from __future__ import annotations

import pytest

from matching import Engine, fold
from matching.population import stated_population


@pytest.mark.parametrize(
    ("text", "population"),
    [
        ("Bourg-centre de 5 000 habitants : la vacance s'aggrave", 5000),
        ("on a 7800 hab et on est la ville centre", 7800),
        ("petit village de 450 âmes", 450),
        ("commune de 12.000 hab.", 12000),
        ("une agglomération de 120 000 habitants", None),
        ("notre quartier prioritaire de 5 000 habitants", None),
        ("le département compte 300 000 habitants", None),
        ("nous recrutons 3 chefs de projet", None),
    ],
)
def test_the_population_a_message_gives_for_its_commune(text: str, population: int | None) -> None:
    """Rule: a number of inhabitants is the commune's unless the words just before it name another
    territory (quartier, agglomération, département…)."""
    assert stated_population(text) == population


def test_a_stated_population_rules_entries_like_a_named_communes(engine: Engine) -> None:
    """Rule (rules.population_min/max, with the size the message gives): a bourg-centre of 5,000
    inhabitants is a Petite ville de demain, not an Action cœur de ville town (none has under
    6,315 inhabitants); a town of 40,000 is the other way round."""
    small = engine.ask(
        "Bourg-centre de 5 000 habitants : les commerces et les logements sont vacants, que faire ?"
    )
    assert small.results[0].id == "anct-petites-villes-de-demain"
    large = engine.ask("ville de 40 000 habitants, les commerces du centre-ville ferment, que faire ?")
    assert large.results[0].id == "anct-action-coeur-de-ville"


def test_a_stated_population_is_read_as_the_kind_of_commune(engine: Engine) -> None:
    """Rule (concepts' population_min/max): the size a message gives is a concept of its own,
    shown as a reason: 32,000 inhabitants is a ville moyenne (« ORT » alone would be a Petite ville
    de demain), 600 a small rural commune; no size, no such concept."""
    town = engine.ask("ville de 32 000 habitants, centre ancien dégradé, on voudrait lancer une ORT")
    assert town.results[0].id == "anct-action-coeur-de-ville"
    assert "32 000 habitants" in town.results[0].reasons
    hits = engine.concepts.with_population([], engine.need_terms("commune de 600 hab"), 600)
    assert [(h.concept, h.surface) for h in hits] == [("village-rural", "600 hab")]
    assert engine.concepts.with_population([], engine.need_terms("une commune"), None) == []


def test_a_programme_named_as_the_mission_of_a_person_sought_is_context(engine: Engine) -> None:
    """Rule (concept kind purpose, with_any a person): an object named just after « pour piloter »
    is the person's work, read as context; with no person sought, it is still the need."""
    tokens = engine.need_tokens("un VTA pour animer notre CRTE")
    hits, context = engine.concepts.without_missions(engine.concepts.find(tokens))
    assert [h.concept for h in hits] == ["volontariat"]
    assert context
    alone = engine.concepts.find(engine.need_tokens("des fonds pour animer notre CRTE"))
    assert "transition-ecologique" in {h.concept for h in engine.concepts.without_missions(alone)[0]}
    assert engine.ask("un VTA pour animer notre CRTE").results[0].id == "anct-volontariat-territorial"


def test_cafe_is_not_the_caf_and_an_empty_post_office_is_a_building(engine: Engine) -> None:
    """Rule: « café » (stem « caf ») is no longer the CAF, which is an abbreviation; « l'ancienne
    poste » is the building of a project, not a public service closing (France services)."""
    found = {h.concept for h in engine.concepts.find(engine.need_tokens("un café et la CAF"))}
    assert found == {"services-publics"}
    answer = engine.ask(
        "l'association veut ouvrir un lieu partagé avec café et coworking dans l'ancienne poste"
    )
    assert answer.results[0].id == "anct-fabriques-de-territoire"


def test_an_entry_the_message_names_keeps_its_rank_whatever_the_population(engine: Engine) -> None:
    """Rule: asking about a programme by name is answered by that programme even outside its
    population range (its card tells the condition)."""
    answer = engine.ask("Peut-on bénéficier de Petites villes de demain avec 21 000 habitants ?")
    assert answer.results[0].id == "anct-petites-villes-de-demain"


def test_real_french_words_are_not_typos(engine: Engine) -> None:
    """Rule (context_words): a frequent French word is never corrected into another word, while a
    word's own inflection still is."""
    analyzer = engine.analyzer
    assert analyzer.correct("precision") == "precision"
    assert analyzer.correct("transformer") == "transformer"
    assert analyzer.correct("repond") == "repond"
    assert analyzer.correct("recrutemnt") == "recrutement"
    answer = engine.ask("nos PME de mécanique de précision ne trouvent pas d'ingénieurs")
    assert answer.results[0].id == "apec-recrutement-entreprises"


def test_the_anact_is_not_the_anct(engine: Engine) -> None:
    """Rule: the Anact (conditions de travail) is no misspelt ANCT: its subjects get no match and
    its door, while a catalogue need next to its name is still answered."""
    assert engine.analyzer.correct("anact") == "anact"
    answer = engine.ask("l'Anact peut-elle nous aider sur les risques psychosociaux de nos agents ?")
    assert answer.status == "no_match"
    assert answer.orientation is not None
    assert "Anact" in answer.orientation.organisation
    assert engine.ask("l'anact peut nous aider pour petites villes de demain ?").results[0].id == (
        "anct-petites-villes-de-demain"
    )


def test_artisans_are_served_by_shared_workshops_not_by_apec_recruitment(engine: Engine) -> None:
    """Rule (audience artisans): artisans sharing a workshop are the public of the Manufactures de
    proximité; recruiting artisans is no Apec offer."""
    shared = engine.ask("des artisans veulent un atelier partagé avec des machines en commun")
    assert shared.results[0].id == "anct-manufactures-de-proximite"
    hiring = engine.ask("les entreprises du bâtiment ne trouvent plus d'artisans")
    assert all(r.id.startswith("anct-") for r in hiring.results)


def test_a_closing_public_service_is_a_france_services_need(engine: Engine) -> None:
    """Rule (intent fermer × services au public): the post office or the trésorerie leaving a
    village asks for a France services desk, not for the village programme."""
    answer = engine.ask("plus de bureau de poste ni de trésorerie dans le village, que faire ?")
    assert answer.results[0].id == "anct-france-services"


def test_data_on_cadres_is_a_study_not_career_advice(engine: Engine) -> None:
    """Rule (données sur l'emploi cadre): the share of cadres in a zone d'emploi asks for the
    Apec's studies."""
    answer = engine.ask("quelle est la part des cadres dans l'emploi salarié de notre zone d'emploi ?")
    assert answer.results[0].id == "apec-etudes-emploi"


def test_a_project_handed_to_the_prefecture_goes_to_the_delegue_territorial(engine: Engine) -> None:
    """Rule (intent contacter × ANCT): handing a project to the préfecture or to the comité local,
    or asking where a dossier stands there, is a question for the délégué territorial."""
    handed = engine.ask(
        "à qui transmettre notre projet pour qu'il soit présenté en comité local de cohésion ?"
    )
    assert handed.results[0].id == "anct-comite-local-cohesion"
    waiting = engine.ask("notre dossier est en préfecture depuis deux mois, où en est-il ?")
    assert waiting.results[0].id == "anct-comite-local-cohesion"


def test_a_question_about_future_needs_for_cadres_asks_for_studies(engine: Engine) -> None:
    """Rule (données et études, prospective): which cadre jobs will be lacking in five years is a
    question for the Apec's studies."""
    answer = engine.ask("quels métiers cadres vont manquer dans notre région d'ici cinq ans ?")
    assert answer.results[0].id == "apec-etudes-emploi"


@pytest.mark.parametrize(
    "text",
    [
        "je suis secrétaire de mairie à Plouaret, on cherche un tiers-lieu",
        "JE SUIS SECRÉTAIRE DE MAIRIE à Plouaret, on cherche un tiers-lieu",
        "Je Suis Secretaire De Mairie à Plouaret, on cherche un tiers-lieu",
        # "İ" lowercases to two characters: offsets must still be those of the text itself.
        "İ je suis secrétaire de mairie à Plouaret, on cherche un tiers-lieu",
    ],
)
def test_the_writers_own_role_is_found_whatever_the_case(engine: Engine, text: str) -> None:
    """Who writes ("je suis secrétaire de mairie") is not the need, in capitals as in lowercase,
    and the words found are those of the text, at its own offsets."""
    spans = engine.conversation.roles(text)
    assert [fold(text[a:b]) for a, b in spans] == ["secretaire de mairie"]


def test_separators_cut_a_message_whatever_the_case(engine: Engine) -> None:
    """ "… ET AUSSI …" splits a message into two needs as "… et aussi …" does."""
    lower = "recruter un manager de centre-ville et aussi un tiers-lieu"
    upper = "RECRUTER UN MANAGER DE CENTRE-VILLE ET AUSSI UN TIERS-LIEU"
    assert engine.conversation.split(upper) == engine.conversation.split(lower)
    assert len(engine.conversation.split(upper)) == 2


def test_a_need_read_again_is_read_the_same_and_its_terms_are_the_callers_own(engine: Engine) -> None:
    """The analysis of a text is remembered (a follow-up's rest is read two or three times):
    the same terms each time, for the same place spans only, and a caller changing its list
    changes nobody else's."""
    text = "recruter un conseiller numérique à Guingamp"
    spans = tuple(engine.resolve_place(text).spans)
    first = engine.need_tokens(text, spans)
    first.clear()
    again = engine.need_tokens(text, list(spans))
    assert again
    assert again == engine.need_tokens(text, spans)
    assert [t.stem for t in engine.need_terms(text)] != [t.stem for t in engine.need_terms(text, spans)]
