"""The engine's rules, one test each, with the boundary written as literal numbers: a test
that reads the constant back would follow a mutation of it instead of catching it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from matching import Engine
from matching.analyzer import Analyzer
from matching.schema import Rules, Vocabulary
from matching.scoring import Scored, Work
from matching.territory_rules import territory_rules
from matching.verdict import status as _status

CASES = Path(__file__).resolve().parent / "cases"


def _lead(score: float, *, evidence: float = 9.0, concepts: int = 0, related: int = 0) -> Scored:
    return Scored(0, score, (), evidence, concepts, related)


def test_no_match_below_42_unless_two_concepts_make_it_a_lead() -> None:
    """Rule: a best score under 42/100 is "nothing plausible" (no_match), unless the best entry
    relates to two concepts of the message, or to its only concept when the message says nothing
    else ("recruter"), which makes it one of several leads (ambiguous); one concept among other
    words ("conseil" in "une délibération du conseil municipal") is no lead."""
    runner_up = _lead(10.0)
    assert _status([_lead(41.9), runner_up]) == "no_match"
    assert _status([_lead(25.0), runner_up]) == "no_match"
    assert _status([_lead(42.0), runner_up]) == "ambiguous"
    assert _status([_lead(25.0, related=1), runner_up]) == "no_match"
    assert _status([_lead(25.0, related=2), runner_up]) == "ambiguous"
    assert _status([_lead(25.0, related=2)]) == "no_match"
    assert _status([_lead(25.0, related=1), runner_up], bare=True) == "ambiguous"
    assert _status([_lead(25.0), runner_up], bare=True) == "no_match"


def test_a_clear_answer_needs_50_out_of_100() -> None:
    """Rule: between 42 and 50 the best entries are leads (ambiguous), from 50 a clear answer."""
    runner_up = _lead(10.0)
    assert _status([_lead(49.9), runner_up]) == "ambiguous"
    assert _status([_lead(46.0), runner_up]) == "ambiguous"
    assert _status([_lead(50.0), runner_up]) == "match"


def test_a_lead_within_6_points_of_the_runner_up_is_not_clearly_best() -> None:
    """Rule: AMBIGUITY_MARGIN = 6 points between the first two entries."""
    assert _status([_lead(70.0), _lead(64.1)]) == "ambiguous"
    assert _status([_lead(70.0), _lead(66.5)]) == "ambiguous"
    assert _status([_lead(70.0), _lead(64.0)]) == "match"


def test_common_words_alone_need_evidence_2_or_a_concept() -> None:
    """Rule: MIN_EVIDENCE = 2 (BM25F) for a clear answer resting on words alone; a declared
    concept answer replaces it."""
    runner_up = _lead(10.0)
    assert _status([_lead(70.0, evidence=1.9), runner_up]) == "ambiguous"
    assert _status([_lead(70.0, evidence=1.2), runner_up]) == "ambiguous"
    assert _status([_lead(70.0, evidence=2.0), runner_up]) == "match"
    assert _status([_lead(70.0, evidence=1.2, concepts=1), runner_up]) == "match"


def test_an_outside_need_is_no_match_unless_an_entry_answers_a_concept_pair() -> None:
    """Rule: a need the catalogue does not serve (outside concept, orientation, audience no entry
    serves) gets no_match, unless the best entry matched an intent × object pair."""
    runner_up = _lead(10.0)
    assert _status([_lead(90.0, concepts=1), runner_up], outside=True) == "no_match"
    assert _status([_lead(90.0, concepts=2), runner_up], outside=True) == "match"


def _analyzer(*known: str) -> Analyzer:
    analyzer = Analyzer(Vocabulary())
    analyzer.learn(known)
    return analyzer


def test_typo_correction_keeps_the_first_letter() -> None:
    """Rule: a typo is corrected only towards a word with the same first letter."""
    analyzer = _analyzer("recruter", "managers")
    assert analyzer.correct("recrutet") == "recruter"
    assert analyzer.correct("pecruter") == "pecruter"
    assert analyzer.correct("nanagers") == "nanagers"


def test_typo_correction_allows_one_edit_two_from_ten_letters() -> None:
    """Rule: one edit for words of 5 to 9 letters, two from 10 letters; shorter words and
    numbers are never corrected (place names, codes)."""
    analyzer = _analyzer("developpement", "recruter", "brest")
    assert analyzer.correct("devlopement") == "developpement"
    assert analyzer.correct("rcrutr") == "rcrutr"
    assert analyzer.correct("brast") == "brest"
    assert analyzer.correct("bres") == "bres"
    assert analyzer.correct("29200") == "29200"


INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f")


def _sprinkle(text: str) -> str:
    """Inserts an invisible character inside every word of 4 letters or more."""
    out = []
    for k, word in enumerate(text.split(" ")):
        mark = INVISIBLE[k % len(INVISIBLE)]
        out.append(word[:2] + mark + word[2:] if len(word) >= 4 else word)
    return "\ufeff" + " ".join(out)


def _golden() -> list[str]:
    return [c["q"] for p in sorted(CASES.glob("*.yaml")) for c in yaml.safe_load(p.read_text("utf-8"))]


def test_invisible_characters_change_neither_the_answer_nor_the_place(engine: Engine) -> None:
    """Rule: soft hyphens, zero-width characters, BOM and bidi marks inside words are ignored."""
    for q in _golden():
        plain, marked = engine.ask(q), engine.ask(_sprinkle(q))
        assert [r.id for r in marked.results] == [r.id for r in plain.results], q
        assert marked.status == plain.status, q
        assert marked.territory == plain.territory, q


def _work(engine: Engine, text: str) -> int:
    work = Work()
    engine.ask(text, work=work)
    return work.units


@pytest.mark.parametrize(
    "text",
    [
        "CC " * 333,
        "recruter " * 5000,
        " ".join(f"mot{i}" for i in range(5000)),
        "un manager et aussi " * 200,
        "chef de projet " * 400,
    ],
    ids=["cc-333", "one-word-5000", "5000-distinct", "separators-200", "phrase-400"],
)
def test_pathological_messages_cost_at_most_three_normal_ones(engine: Engine, text: str) -> None:
    """Rule: scoring work per message is bounded (distinct terms, grams, needs, text length)."""
    normal = max(
        _work(engine, q)
        for q in (
            "Bonjour, nous sommes une commune de 7 500 habitants et notre chef de projet nous quitte, "
            "il faut le remplacer vite : qui peut nous aider à rédiger l'offre et choisir les candidats ?",
            "organiser un job dating avec les industriels du bassin",
        )
    )
    assert _work(engine, text) <= 3 * normal


def test_a_town_above_an_entrys_population_limit_gets_it_after_the_others(engine: Engine) -> None:
    """Rule (rules.population_max, declared in the catalogue): Petites villes de demain is for
    communes under 20,000 inhabitants, so for Saint-Brieuc (44,372) it does not come first."""
    here = engine.ask("revitaliser le centre-ville de Saint-Brieuc")
    assert here.territory is not None
    assert here.territory.population is not None
    assert here.territory.population > 20000
    assert here.results[0].id != "anct-petites-villes-de-demain"
    small = engine.ask("revitaliser le centre-bourg de Guingamp")
    assert small.results[0].id == "anct-petites-villes-de-demain"


def test_a_programme_member_is_told_so_in_the_reasons(engine: Engine) -> None:
    """Rule (rules.members_of): recruiting the chef de projet of a PVD commune says that the
    commune is in the programme."""
    answer = engine.ask("recruter un chef de projet à Guingamp")
    assert answer.results[0].id == "apec-recrutement-chef-projet"
    assert (
        "Guingamp fait partie du programme Petites villes de demain (PVD) (liste ANCT de janvier 2021)"
        in answer.results[0].reasons
    )


def test_a_commune_on_one_programme_list_is_served_by_it_before_one_it_is_absent_from(
    engine: Engine,
) -> None:
    """Rule (rules.members_of and the dated lists): Lannion (19,880 inhabitants, under the PVD
    limit) is on the ACV list of April 2024 and absent from the PVD list of January 2021, so its
    centre-bourg revitalisation answers ACV; the entry it is absent from is halved (0.5), never
    when the message names it, never for a commune on no list."""
    lannion = engine.ask("besoin de revitaliser le centre-bourg de Lannion")
    assert lannion.territory is not None
    assert lannion.territory.programmes == ("anct-action-coeur-de-ville",)
    assert lannion.results[0].id == "anct-action-coeur-de-ville"
    named = engine.ask("on voudrait entrer dans petites villes de demain, on est a Lannion")
    assert named.results[0].id == "anct-petites-villes-de-demain"
    pvd = Rules(members_of=["anct-petites-villes-de-demain"])
    on_acv = lannion.territory
    assert territory_rules([(0, pvd, ())], on_acv, None, (), title_of=str)[0].factor == 0.5
    on_none = on_acv.model_copy(
        update={
            "programmes": (),
            "programme_lists": tuple(s.model_copy(update={"member": False}) for s in on_acv.programme_lists),
        }
    )
    assert territory_rules([(0, pvd, ())], on_none, None, (), title_of=str) == {}


def test_membership_never_creates_an_answer(engine: Engine) -> None:
    """Rule: the membership bonus applies only to an entry the message already asks for."""
    answer = engine.ask("les horaires de la piscine de Guingamp")
    assert answer.status == "no_match"


def test_reasons_are_the_users_words_never_digits_or_places(engine: Engine) -> None:
    """Rule: reasons show the message's own spelling (accents, hyphens) and never a bare number,
    a stop word or the place."""
    answer = engine.ask(
        "Notre commune de 4 000 habitants à Guingamp doit recruter un manager de centre-ville"
    )
    reasons = answer.results[0].reasons
    assert any("manager de centre-ville" in r for r in reasons), reasons
    assert not any(r.isdigit() or r.lower() in {"4", "000", "guingamp", "de", "habitants"} for r in reasons)


def test_an_audience_the_entry_does_not_serve_rules_it_out(engine: Engine) -> None:
    """Rule (not_for): mentoring of pupils is not the Apec mentoring of young graduates, unless
    the message also names an audience the entry serves."""
    assert engine.ask("mentorat pour des lycéens").status == "no_match"
    mixed = engine.ask("mentorat pour des lycéens et des jeunes diplômés")
    assert mixed.results[0].id == "apec-mentorat"


def test_an_out_of_scope_need_with_a_known_door_gets_the_orientation(engine: Engine) -> None:
    """Rule (orientations.yaml): hiring non-cadre territorial staff is no_match, with the centre
    de gestion and its source."""
    answer = engine.ask("nous devons recruter un policier municipal")
    assert answer.status == "no_match"
    assert answer.orientation is not None
    assert "centre de gestion" in answer.orientation.organisation.lower()
    assert answer.orientation.source


def test_an_unknown_concept_is_reported_with_file_and_line(tmp_path: Path, knowledge_dir: Path) -> None:
    """Rule (validate): an entry or orientation naming a concept vocabulaire.yaml does not define
    is refused, with the file and line of the reference."""
    import shutil

    from matching import KnowledgeError, load_knowledge

    copy = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, copy)
    catalogue = copy / "catalogue" / "apec.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("answers: [mentorat,", "answers: [mentorrat,", 1), encoding="utf-8")
    orientations = copy / "orientations.yaml"
    orientations.write_text(
        orientations.read_text(encoding="utf-8").replace("- [acces-soins]", "- [acces-aux-soins]"),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(copy)
    messages = [str(p) for p in caught.value.problems]
    line = next(n for n, row in enumerate(catalogue.read_text("utf-8").splitlines(), 1) if "mentorrat" in row)
    assert f"{catalogue}:{line}: apec-mentorat.answers[0]: concept inconnu « mentorrat »" in messages
    assert any(m.startswith(f"{orientations}:") and "« acces-aux-soins »" in m for m in messages), messages


def test_word_overlap_alone_loses_10_points_to_a_declared_answer() -> None:
    """Rule (concepts_first): when a shown lead answers an intent × object pair of the message,
    a lead matching none of its declared answers loses 10 points; without such a lead, nothing
    moves."""
    from matching.verdict import concepts_first

    words_only = Scored(0, 63.9, (), 7.0, 0, 1)
    declared = Scored(1, 54.0, (), 1.7, 2, 2)
    assert [s.index for s in concepts_first([words_only, declared], 5)] == [1, 0]
    close = Scored(1, 53.8, (), 1.7, 2, 2)
    assert [s.index for s in concepts_first([words_only, close], 5)] == [0, 1]
    single = Scored(1, 60.0, (), 1.7, 1, 1)
    assert [s.index for s in concepts_first([words_only, single], 5)] == [0, 1]
