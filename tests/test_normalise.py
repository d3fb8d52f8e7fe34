"""Normalisation rules: one test per rule, plus hypothesis properties (never raises, idempotent,
no accents or capitals in the output)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from matching import fold, words
from matching.analyzer import Analyzer
from matching.schema import Vocabulary


@given(st.text())
def test_fold_never_raises_and_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@given(st.text())
def test_fold_output_is_lowercase_ascii_words(text: str) -> None:
    out = fold(text)
    assert all(ch in "abcdefghijklmnopqrstuvwxyz0123456789 " for ch in out)
    assert "  " not in out
    assert out == out.strip()


def test_accents_and_case_are_removed() -> None:
    assert fold("ÉTUDE sur l'Emploi à Béziers") == "etude sur l emploi a beziers"


def test_ligatures_are_expanded() -> None:
    """œ and æ are written out, as users type them without the ligature."""
    assert fold("Action Cœur de Ville, curriculum vitæ") == "action coeur de ville curriculum vitae"


def test_apostrophes_both_kinds_split_words() -> None:
    assert words("l'offre d’emploi") == ["l", "offre", "d", "emploi"]


def test_hyphens_split_compound_words() -> None:
    assert fold("centre-ville") == fold("centre ville") == "centre ville"


def test_punctuation_emoji_and_spaces_disappear() -> None:
    assert fold("  Job   dating ?!! 🚀🎉 ") == "job dating"


def test_empty_and_punctuation_only_text_give_nothing() -> None:
    assert fold("") == ""
    assert words("?!… 🙂") == []


def _analyzer() -> Analyzer:
    vocabulary = Vocabulary(
        abbreviations={"PVD": "petites villes de demain"},
        synonyms={"recruter": ["embaucher"], "job dating": ["jobdating", "job meeting"]},
        stop_words=["un", "de", "on", "doit"],
    )
    analyzer = Analyzer(vocabulary)
    analyzer.learn(["manager de centre-ville", "recruter", "mentorat des jeunes diplômés"])
    return analyzer


def test_abbreviations_are_expanded() -> None:
    assert [t.stem for t in _analyzer().terms("PVD")] == ["petit", "vill", "demain"]


def test_synonyms_meet_on_the_same_terms() -> None:
    analyzer = _analyzer()
    assert analyzer.stems("on doit embaucher") == analyzer.stems("recruter")
    assert analyzer.stems("jobdating") == analyzer.stems("job meeting") == analyzer.stems("job dating")


def test_only_stop_words_give_no_terms() -> None:
    assert _analyzer().terms("on doit un de") == []


def test_small_typos_are_corrected_towards_known_words() -> None:
    """One edit for words of 5–7 letters, two for longer ones; short words are left alone."""
    analyzer = _analyzer()
    assert analyzer.correct("managr") == "manager"
    assert analyzer.correct("mentorta") == "mentorat"
    assert analyzer.correct("recruteur") == "recruteur" or analyzer.correct("recruteur") == "recruter"
    assert analyzer.correct("abc") == "abc"


def test_unknown_words_are_not_forced_into_the_vocabulary() -> None:
    assert _analyzer().correct("mariage") == "mariage"
