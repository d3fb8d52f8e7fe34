"""Long replies are cut under Telegram's limit into parts that each parse as Telegram HTML."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from shared import shared_engine as engine
from telegram.constants import MessageLimit

from bot.dialogue import Reply
from bot.render import HTML, TELEGRAM_LIMIT, render, split_message
from bot.render.split import telegram_length
from bot.telegram.htmlcheck import check_html, plain


def words(text: str) -> list[str]:
    return re.sub(r"\s+", " ", plain(text)).split()


def assert_valid_parts(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    parts = split_message(text, limit)
    for part in parts:
        assert check_html(part) is None, (check_html(part), part[:200])
        assert telegram_length(part) <= limit
        assert plain(part).strip()
    return parts


def test_the_limit_is_telegrams() -> None:
    """The splitter's limit is python-telegram-bot's MessageLimit.MAX_TEXT_LENGTH."""
    assert TELEGRAM_LIMIT == MessageLimit.MAX_TEXT_LENGTH


def test_a_card_with_a_5000_character_title_splits_into_valid_parts() -> None:
    """A title longer than a whole message is cut inside its <b>, closed and reopened."""
    entry = (
        engine()
        .entries[0]
        .model_copy(update={"title": "Titre très long & précis " * 400, "summary": "Résumé <court> " * 300})
    )
    text = render(Reply("card", entry=entry), HTML)
    assert len(text) > 2 * TELEGRAM_LIMIT
    parts = assert_valid_parts(text)
    assert len(parts) >= 3
    assert parts[1].startswith("<b>"), "the bold title goes on in the next part"
    assert words(" ".join(parts)) == words(text)


def test_a_single_word_longer_than_the_limit_is_cut_between_characters() -> None:
    text = "<i>" + "é" * 9000 + "</i> fin"
    parts = assert_valid_parts(text)
    assert "".join(plain(p) for p in parts).replace(" ", "") == "é" * 9000 + "fin"


def test_entities_are_never_cut() -> None:
    text = "&amp;" * 3000
    parts = assert_valid_parts(text)
    assert all(not p.endswith("&") and not p.startswith("amp;") for p in parts)


def test_emoji_count_twice_like_telegram_counts_them() -> None:
    parts = assert_valid_parts("📍 " * 3000)
    assert all(telegram_length(p) <= TELEGRAM_LIMIT for p in parts)


def test_cuts_prefer_line_breaks() -> None:
    text = "\n".join(f"ligne {i} " + "mot " * 20 for i in range(200))
    parts = assert_valid_parts(text)
    assert all(p.rstrip().endswith("mot") for p in parts[:-1])
    assert all(p.startswith("ligne") for p in parts)


TAGS = st.sampled_from(["b", "i", "u", "s", "code", "blockquote", 'a href="https://ex.fr/?a=1&amp;b=2"'])
TEXT = st.text(alphabet=st.characters(blacklist_characters="<>&", blacklist_categories=["Cs"]), max_size=300)


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            tag = draw(TAGS)
            name = tag.split()[0]
            pieces.append(f"<{tag}>{draw(TEXT)}</{name}>")
        elif kind == 1:
            pieces.append(
                draw(st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#233;", "\n", " ", "🙂"]))
            )
        else:
            pieces.append(draw(TEXT))
    return "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(html_documents(), st.integers(min_value=100, max_value=600))
def test_every_part_is_valid_html_within_the_limit(text: str, limit: int) -> None:
    """Any valid Telegram HTML: every part parses, fits, and together they keep every word."""
    if not plain(text).strip():
        return
    parts = assert_valid_parts(text, limit)
    joined = "".join(plain(p) for p in parts)
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", plain(text))
