"""Callback data is untrusted input (stale buttons, other clients, forgeries): reading it never
raises, whatever it holds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from shared import shared_engine as engine
from telegram.constants import InlineKeyboardButtonLimit

from bot.dialogue import MAX_ACTION_BYTES, Dialogue, Session
from bot.telegram.app import CALLBACK_PATTERNS
from bot.telegram.services import card_entries

PREFIXES = st.sampled_from(["", "e:", "p:", "x", "x:", "t:", "c:", "f:", "f:+:", "f:-:", "q:", "o:", "zz:"])
# Digits of other scripts and superscripts: str.isdigit() accepts "²", int() does not.
TRICKY = st.sampled_from(["²", "٣", "１", "0" * 5000, "-1", " 1", "1e9", "\x00", "\u2028", "🙂"])
DATA = st.one_of(
    st.text(max_size=80),
    st.builds(lambda p, v: p + v, PREFIXES, st.text(max_size=70)),
    st.builds(lambda p, v: p + v, PREFIXES, TRICKY),
)


@settings(max_examples=400, deadline=None)
@given(DATA)
def test_dialogue_actions_never_raise(data: str) -> None:
    """`Dialogue.on_action` answers any callback data with replies, never an exception."""
    outcome = Dialogue(engine()).on_action(Session(), data)
    assert outcome.replies


@settings(max_examples=400, deadline=None)
@given(DATA)
def test_callback_routing_and_card_parsing_never_raise(data: str) -> None:
    """The handler patterns and the vote-button parser accept any data."""
    routes = [name for name, pattern in CALLBACK_PATTERNS.items() if re.match(pattern, data)]
    assert len(routes) <= 1
    card_entries([type("Choice", (), {"action": data})()])


def test_superscript_page_numbers_are_read_as_no_page() -> None:
    """`c:²` (a digit to str.isdigit, not to int) opens the first catalogue page."""
    outcome = Dialogue(engine()).on_action(Session(), "c:²")
    assert outcome.replies[0].kind == "catalogue"


def test_the_dialogue_callback_limit_is_telegrams() -> None:
    """The dialogue's own limit on callback data (it imports no Telegram code) is PTB's constant."""
    assert MAX_ACTION_BYTES == InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
