"""Programme membership as a user reads it: always with its list's date (text, Telegram HTML,
the inline card), never quoted as the user's words, and no PVD/ACV line where a list names
nobody (overseas collectivities)."""

from __future__ import annotations

import pytest

from bot.dialogue import Reply
from bot.render import HTML, PLAIN, Markup, render
from matching import Engine

DATED = ("liste ANCT de janvier 2021", "liste ANCT d'avril 2024")


def _card(engine: Engine, message: str, m: Markup) -> tuple[str, tuple[str, ...]]:
    answer = engine.ask(message)
    assert answer.results, message
    top = answer.results[0]
    entry = engine.entry(top.id)
    assert entry is not None
    reply = Reply(
        "card", entry=entry, reasons=top.reasons, territory=answer.territory, contacts=answer.contacts
    )
    return render(reply, m), top.reasons


@pytest.mark.parametrize("m", [PLAIN, HTML], ids=["text", "html"])
def test_a_membership_that_ranked_the_answer_is_shown_with_its_list_date(engine: Engine, m: Markup) -> None:
    card, reasons = _card(engine, "on cherche un manager de commerce à Guingamp", m)
    assert any(r.startswith("Guingamp fait partie") for r in reasons), "the engine gave a membership reason"
    assert "fait partie du programme" not in card, "an undated membership sentence"
    assert "« Guingamp" not in card, "a membership quoted as the user's words"
    assert "Petites villes de demain (liste ANCT de janvier 2021)" in card


@pytest.mark.parametrize(
    "message",
    [
        "revitaliser le centre-ville de Marigot",
        "Action coeur de ville à Papeete",
        "on veut recruter un chef de projet petites villes de demain à Saint-Pierre-et-Miquelon",
        "revitaliser le centre-bourg à Nouméa",
    ],
)
def test_no_programme_list_line_where_the_list_names_nobody(engine: Engine, message: str) -> None:
    answer = engine.ask(message)
    assert answer.territory is not None
    assert answer.territory.programme_lists == ()
    if answer.results:
        card, _ = _card(engine, message, PLAIN)
        assert not any(d in card for d in DATED), card


def test_an_absence_is_still_said_where_the_list_applies(engine: Engine) -> None:
    """Brest (Finistère, where ACV names Quimper and Morlaix) is absent from the dated list."""
    answer = engine.ask("action coeur de ville à Brest")
    assert answer.territory is not None
    lists = {p.programme: p.member for p in answer.territory.programme_lists}
    assert lists.get("anct-action-coeur-de-ville") is False
    card, _ = _card(engine, "action coeur de ville à Brest", PLAIN)
    assert "Brest est absente de la liste ANCT d'avril 2024 pour Action cœur de ville" in card


@pytest.mark.parametrize("place", ["", " à Carhaix", " à Saint-Pierre-et-Miquelon", " à Mamoudzou"])
def test_a_shortened_summary_or_next_step_is_a_whole_clause_never_a_fragment(
    engine: Engine, place: str
) -> None:
    """A card cut to fit keeps the first clause of its summary and next step ("Lancez une
    recherche…"), never the start of a later clause ("; pour les dotations de l'État (DETR,
    DSIL).", "; pour un projet local.")."""
    from bot.render import entry_card

    territory = engine.ask("recrutement" + place).territory if place else None
    for entry in engine.entries:
        contacts = engine.contacts_for(entry.id, territory)
        card = entry_card(entry, Reply("card", entry=entry, territory=territory, contacts=contacts), PLAIN)
        step = next(x for x in card.splitlines() if x.startswith("Prochaine étape : "))
        shown = step.removeprefix("Prochaine étape : ")
        whole = (entry.next_steps, entry.next_steps.split(". ", 1)[0] + ".")
        assert shown in whole or " ; " not in shown, (entry.id, shown)
        assert entry.next_steps.startswith(shown.rstrip(".")), (entry.id, shown)
        summary = card.splitlines()[1]
        if not summary.startswith(("Pourquoi", "À savoir", "Échéance", "Fiche", "Prochaine")):
            whole = (entry.summary, entry.summary.split(". ", 1)[0] + ".")
            assert summary in whole or " ; " not in summary, (entry.id, summary)
            assert entry.summary.startswith(summary.rstrip(".")), (entry.id, summary)


@pytest.mark.parametrize("m", [PLAIN, HTML], ids=["text", "html"])
def test_a_card_shows_the_entry_as_edited_since_its_last_card(engine: Engine, m: Markup) -> None:
    """After a /reload, the same entry id may come with a new next step and review date: the
    card says what the catalogue says now, not what an earlier card of that id said."""
    entry = engine.entry(engine.ask("recruter un manager de centre-ville").results[0].id)
    assert entry is not None
    before = render(Reply("card", entry=entry), m)
    edited = entry.model_copy(update={"next_steps": "Écrire à l'équipe régionale.", "title": "Nouveau titre"})
    after = render(Reply("card", entry=edited), m)
    assert "Écrire à l'équipe régionale." in after
    assert "Nouveau titre" in after
    assert entry.next_steps.split(".")[0] not in after
    assert render(Reply("card", entry=entry), m) == before
