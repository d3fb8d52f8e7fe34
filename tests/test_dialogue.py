"""The conversation shared by the terminal chat and Telegram: what a collectivity agent sees."""

from __future__ import annotations

import pytest

from bot.dialogue import MAX_ACTION_BYTES, Dialogue, Session
from bot.render import HTML, PLAIN, render, split_message
from matching import Engine


@pytest.fixture
def dialogue(engine: Engine) -> Dialogue:
    return Dialogue(engine)


def texts(outcome: object) -> str:
    return "\n\n".join(render(r, PLAIN) for r in outcome.replies)  # type: ignore[attr-defined]


def test_clear_need_without_place_answers_then_asks_for_the_commune(dialogue: Dialogue) -> None:
    session = Session()
    outcome = dialogue.on_text(session, "on doit recruter un manager de centre-ville")
    kinds = [r.kind for r in outcome.replies]
    assert kinds == ["card", "ask_place"]
    assert outcome.top == "apec-recrutement-chef-projet"
    assert session.awaiting_place


def test_commune_given_afterwards_is_remembered_and_routes_contacts(dialogue: Dialogue) -> None:
    session = Session()
    dialogue.on_text(session, "on doit recruter un manager de centre-ville")
    outcome = dialogue.on_text(session, "Guingamp")
    out = texts(outcome)
    assert session.territory is not None
    assert session.territory.code == "22070"
    assert "Bretagne" in out
    assert "Côtes-d'Armor" in out
    # Next question: the commune is remembered, nobody asks again.
    again = dialogue.on_text(session, "organiser un job dating avec les industriels")
    assert "ask_place" not in [r.kind for r in again.replies]
    assert "Bretagne" in texts(again)


def test_need_with_place_names_apec_bretagne_and_the_prefet(dialogue: Dialogue) -> None:
    outcome = dialogue.on_text(Session(), "recruter un manager de centre-ville à Guingamp")
    out = texts(outcome)
    assert "Recruter" in out or "recrut" in out.lower()
    assert "Apec Bretagne" in out or "Bretagne" in out
    assert "Direction Départementale des Territoires et de la Mer des Côtes-d'Armor" in out


def test_ambiguous_place_offers_the_candidates_as_choices(dialogue: Dialogue) -> None:
    session = Session()
    outcome = dialogue.on_text(session, "recruter un chef de projet à Saint-Denis")
    places = [r for r in outcome.replies if r.kind == "place_candidates"]
    assert places, [r.kind for r in outcome.replies]
    actions = [c.action for c in places[0].choices]
    assert "p:93066" in actions
    assert "p:97411" in actions
    chosen = dialogue.on_action(session, "p:97411")
    assert session.territory is not None
    assert session.territory.code == "97411"
    assert "La Réunion" in texts(chosen)


def test_ambiguous_need_offers_the_top_candidates(dialogue: Dialogue) -> None:
    outcome = dialogue.on_text(Session(), "emploi")
    assert outcome.replies[0].kind in {"need_candidates", "card", "no_match"}
    if outcome.replies[0].kind == "need_candidates":
        assert 2 <= len(outcome.replies[0].choices) <= 4


def test_out_of_scope_says_so_and_points_to_the_catalogue(dialogue: Dialogue) -> None:
    outcome = dialogue.on_text(Session(), "réserver la salle des fêtes pour un mariage")
    assert outcome.status == "no_match"
    assert "/catalogue" in texts(outcome)


def test_stale_or_forged_buttons_get_a_polite_reply(dialogue: Dialogue) -> None:
    for data in ["e:n-existe-pas", "p:00000", "t:999", "zz", "f:+:inconnu", ""]:
        outcome = dialogue.on_action(Session(), data)
        assert outcome.replies
        assert outcome.replies[0].kind == "info"


def test_feedback_buttons_report_the_vote(dialogue: Dialogue) -> None:
    outcome = dialogue.on_action(Session(), "f:-:apec-mentorat")
    assert outcome.feedback == ("apec-mentorat", -1)


def test_not_this_leads_to_themes_then_entries(dialogue: Dialogue) -> None:
    themes = dialogue.on_action(Session(), "x").replies[0]
    assert themes.kind == "themes"
    assert themes.choices
    entries = dialogue.on_action(Session(), themes.choices[0].action).replies[0]
    assert entries.kind == "theme_entries"
    assert entries.choices


def test_every_choice_fits_in_telegram_callback_data(dialogue: Dialogue) -> None:
    replies = [dialogue.catalogue_page(p) for p in range(10)] + [dialogue.themes_reply()]
    replies += [dialogue.theme_reply(str(i)) for i in range(len(dialogue.themes()))]
    for reply in replies:
        for choice in reply.choices:
            assert len(choice.action.encode()) <= MAX_ACTION_BYTES


def test_catalogue_pages_cover_every_entry_once(dialogue: Dialogue, engine: Engine) -> None:
    seen: list[str] = []
    page = 0
    while True:
        reply = dialogue.catalogue_page(page)
        seen += [c.action[2:] for c in reply.choices if c.action.startswith("e:")]
        if not any(c.action == f"c:{page + 1}" for c in reply.choices):
            break
        page += 1
    assert seen == [e.id for e in engine.entries]


def test_text_is_escaped_in_html_and_left_alone_in_plain() -> None:
    from bot.dialogue import Reply

    reply = Reply("info", "Vous avez écrit : <b>Trifouilly</b> & co")
    assert render(reply, HTML) == "Vous avez écrit : &lt;b&gt;Trifouilly&lt;/b&gt; &amp; co"
    assert render(reply, PLAIN) == "Vous avez écrit : <b>Trifouilly</b> & co"


def test_long_messages_are_split_under_the_telegram_limit() -> None:
    parts = split_message("ligne\n" * 2000)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert split_message("x" * 9000) == ["x" * 4096, "x" * 4096, "x" * 808]


def test_remembered_commune_is_not_mistaken_for_a_new_place_in_a_bad_message(dialogue: Dialogue) -> None:
    """Regression: after setting Guingamp, "qwerty" said "votre territoire est Guingamp"."""
    session = Session()
    dialogue.on_text(session, "on doit recruter un manager de centre-ville")
    dialogue.on_text(session, "Guingamp")
    outcome = dialogue.on_text(session, "qwerty")
    assert [r.kind for r in outcome.replies] == ["no_match"]


def test_themes_offer_the_whole_catalogue_too(dialogue: Dialogue) -> None:
    reply = dialogue.themes_reply()
    assert reply.choices[-1].action == "c:0"
    assert len(reply.choices) <= 12
