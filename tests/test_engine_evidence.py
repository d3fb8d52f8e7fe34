"""What a match rests on, one rule per test, on a tiny catalogue built here so that each rule's
boundary is visible: need-bearing evidence, legal questions, outranking intents, the role sought.

The bundled catalogue's behaviour for the same kinds is pinned by the golden cases
(`tests/cases/blind_generalisation.yaml`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from matching import Engine, load_knowledge
from matching.schema import Entry, Vocabulary

MINI = Path(__file__).resolve().parent / "data" / "mini"

_OFFERS: dict[str, Any] = {
    "id": "apec-diffusion-offres",
    "kind": "apec_offer",
    "title": "Publier des offres d'emploi de cadres et recevoir des candidatures",
    "summary": "L'Apec diffuse les offres d'emploi de cadres des recruteurs, qui reçoivent les candidatures.",
    "description": "Un compte recruteur gratuit permet de publier et de recevoir des candidatures de cadres.",
    "audience": ["collectivités"],
    "themes": ["offres d'emploi"],
    "keywords": ["recevoir des candidatures", "multidiffusion"],
    "examples": [
        "diffuser notre annonce de directeur financier",
        "recevoir des candidatures de cadres",
        "la multidiffusion de nos offres",
    ],
    "answers": ["publier-offre", "publier-offre+cadres"],
    "not_for": ["non-cadres"],
    "contact": "apec_delegation",
    "next_steps": "Contactez la délégation régionale de l'Apec.",
    "sources": [{"label": "Convention ANCT–APEC"}],
    "reviewed": "2026-11-26",
}
_DATA: dict[str, Any] = {
    **_OFFERS,
    "id": "anct-observatoire-territoires",
    "kind": "anct_programme",
    "title": "Observatoire des territoires",
    "summary": "Données et cartes sur les communes : population, emploi, services, commerces.",
    "description": "Des indicateurs par commune et des cartes, en accès libre.",
    "themes": ["données"],
    "keywords": ["observatoire des territoires"],
    "examples": ["des données sur la population", "des chiffres par commune", "une carte des commerces"],
    "answers": ["observer", "observer+commerce"],
    "not_for": [],
    "contact": "anct_delegate",
}
_TOWNS: dict[str, Any] = {
    **_OFFERS,
    "id": "anct-action-coeur-de-ville",
    "kind": "anct_programme",
    "title": "Action cœur de ville",
    "summary": "Revitaliser le centre des communes moyennes : commerces, habitat, espaces publics.",
    "description": "Le programme finance un chef de projet et accompagne la revitalisation du commerce.",
    "themes": ["revitalisation"],
    "keywords": ["action coeur de ville"],
    "examples": [
        "revitaliser nos commerces",
        "la vacance commerciale du centre ville",
        "action coeur de ville",
    ],
    "answers": ["revitaliser+commerce", "commerce"],
    "not_for": [],
    "contact": "anct_delegate",
}
_AID: dict[str, Any] = {
    **_OFFERS,
    "id": "aide-chapelles",
    "kind": "aide",
    "title": "Restauration des chapelles et oratoires des communes",
    "summary": "Subvention de la région pour restaurer le petit patrimoine religieux des communes.",
    "description": "Travaux de restauration du patrimoine non protégé.",
    "themes": ["patrimoine"],
    "keywords": ["subvention"],
    "examples": ["aide pour la restauration des chapelles", "restaurer un oratoire", "subvention chapelle"],
    "answers": [],
    "not_for": [],
    "contact": "anct_delegate",
}
_STOP = "le la les de des du un une pour nos notre on il peut elle est ce qu comment a au par sur en et"
_VOCABULARY: dict[str, Any] = {
    "stop_words": _STOP.split(),
    "concepts": {
        "publier-offre": {"kind": "intent", "label": "publier une offre", "forms": ["diffuser", "annonce"]},
        "recruter": {"kind": "intent", "label": "recruter", "forms": ["recruter", "embaucher"]},
        "observer": {"kind": "intent", "label": "données", "forms": ["donnees", "chiffres", "carte"]},
        "revitaliser": {
            "kind": "intent",
            "label": "revitaliser",
            "forms": ["revitaliser", "vacance commerciale"],
        },
        "commerce": {"kind": "object", "label": "commerce", "forms": ["commerces", "centre ville"]},
        "cadres": {"kind": "audience", "label": "cadres", "forms": ["cadres", "directeur financier"]},
        "non-cadres": {"kind": "audience", "label": "non cadres", "forms": ["saisonniers", "apprenti"]},
        "question-droit": {
            "kind": "question",
            "label": "question de droit",
            "forms": ["le maire peut il", "peut on", "a t on le droit"],
        },
        "droit-local": {
            "kind": "outside",
            "label": "droit des collectivités",
            "with_any": ["question-droit"],
            "forms": ["la competence", "transferer", "deliberation", "du conseil"],
        },
        "accompagner": {"kind": "intent", "label": "accompagner", "forms": ["conseil", "appui"]},
    },
}


def _engine(*entries: dict[str, Any]) -> Engine:
    knowledge = load_knowledge(MINI)
    knowledge = replace(
        knowledge,
        entries=tuple(Entry.model_validate(e) for e in entries),
        vocabulary=Vocabulary.model_validate(_VOCABULARY),
    )
    return Engine(knowledge)


def _top(engine: Engine, text: str) -> str | None:
    answer = engine.ask(text)
    return answer.results[0].id if answer.results else None


def _ranked(engine: Engine, text: str) -> list[str]:
    """Every entry the index ranks for a message, whatever the status."""
    terms = engine.need_terms(text)
    return [engine.entries[s.index].id for s in engine.index.rank(terms, hits=engine.concepts.find(terms))]


def test_generic_words_alone_are_no_result() -> None:
    """Rule: an entry is a result only when the message holds need-bearing evidence for it: a
    concept it declares, a keyword phrase found whole, or a one-word keyword. Words of its title
    or of its keyword phrases taken alone ("recevoir", "offres", "candidatures") rank nothing, so
    a message whose need the catalogue does not know is no_match."""
    engine = _engine(_OFFERS, _DATA, _TOWNS)
    assert engine.ask("recevoir les demandes de permis par voie électronique").status == "no_match"
    assert _ranked(engine, "recevoir les demandes de permis par voie électronique") == []
    assert _ranked(engine, "les offres de la cantine et les candidatures au conseil") == []
    assert _top(engine, "comment recevoir des candidatures ?") == "apec-diffusion-offres"
    assert _top(engine, "la multidiffusion est-elle possible") == "apec-diffusion-offres"
    assert _top(engine, "diffuser notre annonce") == "apec-diffusion-offres"


def test_an_entry_declaring_no_answers_is_found_by_its_distinctive_title_words() -> None:
    """Rule: an entry declaring no answers (an imported aid) is also known by the words of its
    title found in few entries (IDF from 2.0); a title word every entry uses is not enough."""
    engine = _engine(_OFFERS, _DATA, _TOWNS, _AID)
    assert _top(engine, "restaurer la chapelle du hameau, quelle aide ?") == "aide-chapelles"
    assert _ranked(engine, "les oratoires") == ["aide-chapelles"]
    # "communes" is in three of the four entries (IDF 1.74 here): not distinctive.
    assert _ranked(engine, "les communes") == []


def test_a_legal_question_is_a_question_form_with_a_legal_subject() -> None:
    """Rule (with_any): a subject of local-authority law ("transférer la compétence") is an
    out-of-scope need only with a question form ("peut-on", "le maire peut-il"); neither alone
    is: "peut-on revitaliser nos commerces ?" is a need, and so is "transférer" without a question.
    An entry answering an intent × object pair of the message still answers it."""
    engine = _engine(_OFFERS, _DATA, _TOWNS)
    legal = engine.ask("peut-on transférer la compétence à la communauté ?")
    assert legal.status == "no_match"
    assert engine.ask("le maire peut-il refuser une délibération sur les commerces ?").status == "no_match"
    assert _top(engine, "peut-on revitaliser nos commerces ?") == "anct-action-coeur-de-ville"
    assert _top(engine, "transférer nos commerces au centre ville") == "anct-action-coeur-de-ville"
    assert (
        _top(engine, "peut-on transférer des chiffres sur les commerces ?") == "anct-observatoire-territoires"
    )


def test_a_form_of_tool_words_and_one_word_is_read_word_for_word() -> None:
    """Rule: a form that analyses to at most one stem but has tool words ("a-t-on le droit",
    "peut-on") is matched with its tool words: "a-t-on le droit" is a question, "le droit" is not,
    and "peut-on" is found although every one of its words is a stop word."""
    engine = _engine(_OFFERS, _DATA, _TOWNS)
    found = {h.concept for h in engine.concepts.find(engine.need_tokens("a-t-on le droit de transférer ?"))}
    assert found == {"question-droit", "droit-local"}
    assert {h.concept for h in engine.concepts.find(engine.need_tokens("le droit de transférer"))} == set()
    assert "question-droit" in {h.concept for h in engine.concepts.find(engine.need_tokens("peut-on ?"))}


def test_words_of_a_literal_form_are_not_read_again() -> None:
    """Rule: literal forms are read first and their words are taken: in "une délibération du
    conseil" the council is not "conseil" (advice, an intent), which it is in "un conseil"."""
    engine = _engine(_OFFERS, _DATA, _TOWNS)

    def found(text: str) -> set[str]:
        return {h.concept for h in engine.concepts.find(engine.need_tokens(text))}

    assert "accompagner" not in found("la séance du conseil sur les commerces")
    assert "accompagner" in found("un conseil sur les commerces")


def test_an_unknown_concept_in_with_any_is_refused(tmp_path: Path) -> None:
    """Rule (validate): `with_any` names concepts of the vocabulary; an unknown one is refused."""
    import shutil

    from matching import KnowledgeError

    copy = tmp_path / "k"
    shutil.copytree(MINI, copy)
    vocabulary = copy / "vocabulaire.yaml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8")
        + "concepts:\n  droit:\n    kind: outside\n    label: droit\n    with_any: [questoin]\n"
        + "    forms: [competence]\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(copy)
    assert any("droit.with_any[0]" in str(p) and "« questoin »" in str(p) for p in caught.value.problems)


def test_no_two_concepts_share_a_form_once_analysed(engine: Engine) -> None:
    """Rule (vocabulary): two concepts never have forms that analyse to the same stems, or the
    first one defined silently takes the other's words ("industriels" for entreprises hid
    "industrielle" from industrie; "postes non qualifiés" read as qualified posts while "non" was
    a stop word)."""
    assert engine.concepts.clashes() == []


def test_a_legal_question_gets_the_prefecture_door_with_its_source(engine: Engine) -> None:
    """Rule (orientations.yaml, questions-de-droit): a question of local-authority law is
    no_match with the préfecture's legal advice to local authorities, sourced (DGCL)."""
    answer = engine.ask("la commune peut-elle annuler une délibération sur les tarifs de la cantine ?")
    assert answer.status == "no_match"
    assert answer.orientation is not None
    assert answer.orientation.organisation.startswith("Préfecture")
    assert "collectivites-locales.gouv.fr" in answer.orientation.source


def _every_message() -> list[str]:
    import yaml

    from bot.evalsets import DEV_SET, REAL_DEV_SET

    cases = Path(__file__).resolve().parent / "cases"
    golden = [c["q"] for p in sorted(cases.glob("*.yaml")) for c in yaml.safe_load(p.read_text("utf-8"))]
    sets = [c["q"] for path in (DEV_SET, REAL_DEV_SET) for c in yaml.safe_load(path.read_text("utf-8"))]
    return (
        golden + sets + ["mairie", "je suis le maire", "le DGS", "secrétaire de mairie", "bonjour, la comcom"]
    )


def test_place_only_always_has_a_place(engine: Engine) -> None:
    """Invariant: place_only is returned only with a resolved place or candidates; who writes
    without a place ("je suis le maire") is a greeting (chitchat)."""
    for text in _every_message():
        answer = engine.ask(text)
        if answer.status == "place_only":
            assert answer.territory is not None or answer.territory_candidates, text
    introduction = engine.ask("je suis le maire")
    assert (introduction.status, introduction.social) == ("chitchat", "greeting")


def test_a_search_for_someone_is_a_need_even_in_identity_words(engine: Engine) -> None:
    """Rule (conversation.asking): "on cherche une secrétaire de mairie" is a need (no_match with
    the centre de gestion), while "je suis secrétaire de mairie à Quimperlé" only says who writes."""
    sought = engine.ask("nous cherchons un secrétaire de mairie")
    assert sought.status == "no_match"
    assert sought.orientation is not None
    assert "centre de gestion" in sought.orientation.organisation.lower()
    assert engine.ask("je suis secrétaire de mairie à Quimperlé").status == "place_only"


def test_the_person_sought_is_the_first_named_after_the_intent() -> None:
    """Rule (not_for): when a message seeks someone, the first audience named after its first
    intent is the person sought and decides: an apprentice to assist the cadres is no cadre
    post, a cadre to lead seasonal workers is one. Without an intent, an audience the entry
    serves anywhere in the message keeps it ("des saisonniers et des cadres")."""
    engine = _engine(_OFFERS, _DATA, _TOWNS)
    assert _top(engine, "diffuser une annonce pour un apprenti qui aidera nos cadres") is None
    assert (
        _top(engine, "diffuser une annonce de cadres pour encadrer des saisonniers")
        == "apec-diffusion-offres"
    )
    assert _top(engine, "des saisonniers et des cadres, une annonce") == "apec-diffusion-offres"


def test_cdc_near_a_loan_is_the_caisse_des_depots(engine: Engine) -> None:
    """« cdc » next to a loan or a bank is the Caisse des dépôts (corrections 2026-12, §2.12): the
    answer points to the Banque des Territoires; next to a need of the commune, it stays the
    communauté de communes."""
    loan = engine.ask("un pret de la cdc pour renover l'ecole ?")
    assert loan.status == "no_match"
    assert loan.orientation is not None
    assert "Banque des Territoires" in loan.orientation.organisation
    which = engine.ask("Banque des Territoires / Anah, quelle différence avec l'ANCT ?")
    assert which.orientation is not None
    assert "Caisse des dépôts" in which.orientation.organisation
    community = engine.ask("la cdc veut recruter un manager de commerce")
    assert community.status != "no_match"
    assert community.orientation is None
