"""The conversation shared by the terminal chat and Telegram: what a collectivity agent sees."""

from __future__ import annotations

from pathlib import Path

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
    assert outcome.status == "no_match"
    assert "place_set" not in [r.kind for r in outcome.replies]


def test_a_short_unread_message_after_an_answer_says_what_can_be_asked(dialogue: Dialogue) -> None:
    """Right after an answer, a few words read as nothing get the follow-ups one can ask,
    never "transmise à l'équipe" (the question is still logged as unanswered)."""
    session = Session()
    dialogue.on_text(session, "recruter un manager de centre-ville à Guingamp")
    outcome = dialogue.on_text(session, "qwerty azerty")
    assert outcome.status == "no_match"
    assert "qui contacter" in texts(outcome)
    assert "transmise" not in texts(outcome)


def test_themes_offer_the_whole_catalogue_too(dialogue: Dialogue) -> None:
    reply = dialogue.themes_reply()
    assert reply.choices[-1].action == "c:0"
    assert len(reply.choices) <= 12


# -- conversation state ---------------------------------------------------------------------------


def test_conversation_state_survives_a_json_round_trip(dialogue: Dialogue) -> None:
    """The state saved in the store (JSON) gives back the same conversation."""
    import json

    session = Session()
    dialogue.on_text(session, "recruter un chef de projet à Saint-Denis")
    restored = Session.from_dict(json.loads(json.dumps(session.to_dict())))
    assert restored == session
    assert [c.code for c in restored.candidates] == [c.code for c in session.candidates]
    follow = dialogue.on_text(restored, "celui du 93")
    assert "Seine-Saint-Denis" in texts(follow)


def test_a_conversation_older_than_a_day_keeps_only_its_commune(dialogue: Dialogue) -> None:
    """The words of a need are kept 24 hours for follow-ups; then only the commune remains."""
    import datetime as dt

    session = Session()
    dialogue.on_text(session, "recruter un manager de centre-ville à Guingamp")
    saved = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    data = session.to_dict(saved_at=saved)
    fresh = Session.from_dict(data, now=saved + dt.timedelta(hours=23))
    assert fresh.needs == session.needs
    stale = Session.from_dict(data, now=saved + dt.timedelta(hours=25))
    assert stale == Session(territory=session.territory)


def test_an_unreadable_stored_state_gives_a_fresh_conversation() -> None:
    """A stored state from another version or damaged is ignored, never an error."""
    for data in [None, {}, {"version": 99}, {"version": 1, "needs": [{"nope": 1}]}, ["x"]]:
        assert Session.from_dict(data) == Session()


def test_the_stored_state_holds_no_telegram_id_and_only_the_needs_words(dialogue: Dialogue) -> None:
    """What is kept: the place, the need's text, entry ids and choices — nothing else."""
    session = Session()
    dialogue.on_text(session, "recruter un manager de centre-ville à Guingamp")
    data = session.to_dict()
    assert set(data) == {
        "version",
        "saved_at",
        "territory",
        "awaiting_place",
        "last_query",
        "needs",
        "candidates",
        "choices",
    }
    assert data["needs"][0]["entry"] == "apec-recrutement-chef-projet"


# -- choices ----------------------------------------------------------------------------------------


def test_a_typed_number_outside_the_choices_is_never_a_need(dialogue: Dialogue) -> None:
    """ "9" after a list of four places asks for a number in range; "2" with no list is no need."""
    session = Session()
    dialogue.on_text(session, "recruter un chef de projet à Saint-Denis")
    outcome = dialogue.on_text(session, "9")
    assert outcome.status is None
    assert "entre 1 et" in texts(outcome)
    fresh = dialogue.on_text(Session(), "2")
    assert fresh.status is None
    assert "card" not in [r.kind for r in fresh.replies]


def test_one_numbered_list_per_turn(dialogue: Dialogue) -> None:
    """A card and a list of homonyms: the number refers to the places, the only numbered list."""
    session = Session()
    outcome = dialogue.on_text(session, "recruter un chef de projet à Saint-Denis")
    assert [c.action for c in outcome.numbered] == [c.action for c in outcome.replies[-1].choices]
    chosen = dialogue.on_text(session, "2")
    assert session.territory is not None
    assert session.territory.code == outcome.replies[-1].choices[1].action[2:]
    assert texts(chosen).count("C'est noté") == 1


# -- cards ------------------------------------------------------------------------------------------


def test_every_card_stays_about_120_words_wherever_the_user_is(dialogue: Dialogue, engine: Engine) -> None:
    """Each entry, asked with its own example in a few places, gets a card a person reads at a
    glance: the renderer aims at CARD_WORDS and never goes more than a line's worth beyond."""
    from bot.render.card import CARD_WORDS, word_count

    for entry in engine.entries:
        for place in ("Guingamp", "Fort-de-France", "Ajaccio", "Saint-Flour", "Mamoudzou", ""):
            outcome = dialogue.on_text(Session(), f"{entry.examples[0]} {'à ' + place if place else ''}")
            for reply in outcome.replies:
                if reply.kind == "card":
                    words = word_count(render(reply, PLAIN))
                    assert words <= CARD_WORDS + 5, (entry.id, place, words)


def test_a_card_is_shortened_no_more_than_it_must(dialogue: Dialogue, engine: Engine) -> None:
    """The card keeps everything that fits: with one shortening fewer it would be too long
    (the fewest SHORTENINGS, whatever the search that finds them)."""
    from bot.render.card import CARD_WORDS, SHORTENINGS, _card_lines, word_count

    levels = set()
    for entry in engine.entries:
        for place in ("Guingamp", "Ajaccio", "Mamoudzou", ""):
            outcome = dialogue.on_text(Session(), f"{entry.examples[0]} {'à ' + place if place else ''}")
            for reply in outcome.replies:
                if reply.kind != "card" or reply.entry is None:
                    continue
                card = render(reply, PLAIN)
                drafts = [
                    "\n".join(_card_lines(reply.entry, reply, PLAIN, level))
                    for level in range(len(SHORTENINGS) + 1)
                ]
                level = drafts.index(card.split("\n", 1)[1] if reply.text else card)
                levels.add(level)
                if level:
                    assert word_count(drafts[level - 1]) > CARD_WORDS, (entry.id, place, level)
    assert len(levels) > 2  # cards of every length were looked at, not only short ones


def test_a_card_drafted_from_shared_pieces_is_the_card_drafted_afresh(dialogue: Dialogue) -> None:
    """The pieces a card's drafts share (computed once per card) give every draft exactly as
    computing each draft on its own, whatever order the drafts are asked in."""
    from bot.render import HTML
    from bot.render.card import SHORTENINGS, _card_lines, _Drafts

    levels = range(len(SHORTENINGS) + 1)
    for text in ("recruter un manager de centre-ville à Guingamp", "avenir montagne ingénierie à Alès"):
        for reply in dialogue.on_text(Session(), text).replies:
            if reply.entry is None:
                continue
            for m in (PLAIN, HTML):
                fresh = [_card_lines(reply.entry, reply, m, level) for level in levels]
                shared = _Drafts(reply.entry, reply, m)
                backwards = [_card_lines(reply.entry, reply, m, k, shared) for k in reversed(levels)]
                assert backwards == fresh[::-1]
                assert [_card_lines(reply.entry, reply, m, k, shared) for k in levels] == fresh


def test_words_are_counted_as_a_reader_sees_them() -> None:
    """Punctuation standing alone is no word; a word glued to punctuation is one."""
    from bot.render.card import word_count

    assert word_count("« Pourquoi » : — recruter, vite ! • (PVD)") == 4
    assert word_count(" \n ") == 0
    assert word_count("l'Apec…") == 1


def test_a_place_is_named_once_in_its_line() -> None:
    """Fort-de-France is in Martinique (département and région): "Martinique" is said once."""
    from bot.render import territory_line

    here = Engine.load().resolve_place("Fort-de-France").territory
    assert here is not None
    assert territory_line(here, PLAIN) == "Fort-de-France (972) — Martinique"


# -- follow-up phrases (knowledge/relances.yaml) ---------------------------------------------------


def test_a_broken_follow_up_file_is_refused_with_file_and_line(tmp_path: Path) -> None:
    """A misspelt key in relances.yaml is reported with its line, in French."""
    from matching import KnowledgeError
    from matching.followups import FOLLOWUPS_FILE, load_followups

    (tmp_path / FOLLOWUPS_FILE).write_text(
        "contact:\n  - qui contacter\nfacts:\n  montant: [combien]\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_followups(tmp_path)
    [problem] = caught.value.problems
    assert problem.line == 4
    assert "champ inconnu" in problem.message


def test_the_bundled_follow_up_phrases_load(knowledge_dir: Path) -> None:
    """The shipped relances.yaml is valid and recognises a contact question."""
    from matching.followups import FollowUpReader, load_followups

    reader = FollowUpReader(load_followups(knowledge_dir))
    found = reader.read("c'est qui le contact ?")
    assert found is not None
    assert found.kind == "contact"


def test_validate_and_reload_refuse_a_broken_follow_up_file(tmp_path: Path) -> None:
    """The whole-directory validation (aiguilleur validate, /reload) reads relances.yaml too."""
    import shutil

    from matching import KnowledgeError
    from matching.followups import FOLLOWUPS_FILE
    from matching.validation import load_engine

    copy = tmp_path / "knowledge"
    shutil.copytree(Path(__file__).resolve().parent.parent / "knowledge", copy)
    (copy / FOLLOWUPS_FILE).write_text("contact: pas une liste\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_engine(copy)
    assert any(p.path.endswith(FOLLOWUPS_FILE) and p.line == 1 for p in caught.value.problems)


@pytest.mark.parametrize(
    ("message", "door"),
    [
        (
            "recruter une secrétaire de mairie à Guingamp",
            "Centre de gestion de la fonction publique territoriale des Côtes-d'Armor",
        ),
        (
            "recruter une secrétaire de mairie à Saint-Malo",
            "Centre de gestion de la fonction publique territoriale d'Ille-et-Vilaine",
        ),
        # Île-de-France's centres de gestion are interdepartmental: no "CDG des Hauts-de-Seine"
        (
            "recruter un policier municipal à Nanterre",
            "Centre de gestion de la fonction publique territoriale de votre département",
        ),
        (
            "recruter une secrétaire de mairie à Papeete",
            "Centre de gestion de la fonction publique territoriale de votre département",
        ),
    ],
)
def test_an_orientation_names_the_users_departement_and_its_source(
    dialogue: Dialogue, message: str, door: str
) -> None:
    text = texts(dialogue.on_text(Session(), message))
    assert f"Le bon interlocuteur : {door} — " in text
    assert "\nSource : emploi-territorial.fr" in text


def test_until_when_for_an_offer_without_end_date_says_there_is_none(dialogue: Dialogue) -> None:
    """ "jusqu'à quand ?" about an Apec service: no "date limite :" header over the agreement's
    dates, but "no end date in the sources" and what is time-bound about it."""
    session = Session()
    dialogue.on_text(session, "manager de commerce à Carhaix")
    text = texts(dialogue.on_text(session, "jusqu'à quand ?"))
    assert "aucune date limite dans les sources ; à savoir :" in text
    assert "date limite :" not in text.replace("aucune date limite dans les sources", "")
    session = Session()
    dialogue.on_text(session, "villages d'avenir à Carhaix")
    assert "Villages d'avenir — date limite :" in texts(dialogue.on_text(session, "jusqu'à quand ?"))
