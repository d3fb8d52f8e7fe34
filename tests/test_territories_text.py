"""One folding function: place keys are `matching.normalise.fold`'s words, St/Ste spelled out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from matching.normalise import fold
from matching.territories.programmes import _fold as header_fold
from matching.territories.text import fold_token, name_key, tokenize

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Letters people type in French place names and messages, plus separators, ligatures, digits,
# decomposed accents and the invisible characters pasted text carries.
_FRENCH = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'’.,;:!?()/_")
        + list("éèêëàâäîïôöùûüçÉÈÊÀÂÎÔÙÛÇœŒæÆß½ﬁ")
        + ["\u0301", "\u0300", "\u00ad", "\u200b", "\ufeff", "\u2010", "\u00a0", "\n"]
    ),
    max_size=80,
)


def _expected(text: str) -> list[str]:
    return [_ABBREVIATIONS.get(word, word) for word in fold(text).split()]


@given(st.one_of(_FRENCH, st.text(max_size=80)))
def test_place_words_are_the_words_of_fold(text: str) -> None:
    """The resolver reads a message as `fold` does: same words, St/Ste expanded."""
    assert [token.key for token in tokenize(text)] == _expected(text)


@given(st.one_of(_FRENCH, st.text(max_size=80)))
def test_tokens_point_into_the_original_text(text: str) -> None:
    """Each word keeps the offsets of the characters it came from (the need text drops them)."""
    for token in tokenize(text):
        assert 0 <= token.start < token.end <= len(text)
        assert text[token.start : token.end] == token.raw


@given(_FRENCH)
def test_name_keys_and_word_folding_agree_with_fold(text: str) -> None:
    """Keys stored by the build script, single words and programme-file headers all use `fold`."""
    assert name_key(text) == " ".join(_expected(text))
    assert header_fold(text) == "_".join(fold(text).split())
    for word in fold(text).split():
        assert fold_token(word) == _ABBREVIATIONS.get(word, word)


def test_ligatures_are_spelled_out_everywhere() -> None:
    """ "Œuvre" is "oeuvre" for places, words and headers alike, never "uvre"."""
    assert fold("Œuvre") == "oeuvre"
    assert name_key("Œuvre") == "oeuvre"
    assert fold_token("Œuvre") == "oeuvre"
    assert header_fold("Code Œuvre") == "code_oeuvre"


def test_decomposed_accents_do_not_cut_a_word() -> None:
    """A name typed with combining accents (as some phones send it) stays one word."""
    assert [t.key for t in tokenize("a Be\u0301ziers")] == ["a", "beziers"]
