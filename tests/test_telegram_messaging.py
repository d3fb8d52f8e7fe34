"""How dialogue replies become Telegram messages: as few messages as possible, never a button lost."""

from __future__ import annotations

import asyncio

from fakebot import running_bot
from shared import shared_engine as engine

from bot.dialogue import Choice, Dialogue, Reply, Session
from bot.telegram.messaging import bundle

MORE = Choice("En savoir plus", "m:apec-x")
CONTACTS = Choice("Contacts et coordonnées", "n:apec-x")
OTHER = Choice("En savoir plus", "m:anct-y")


def test_a_reply_whose_buttons_are_already_on_the_message_joins_it() -> None:
    messages = bundle(
        [Reply("text", "La fiche.", choices=(MORE, CONTACTS)), Reply("text", "La démarche.", choices=(MORE,))]
    )
    assert messages == [("La fiche.\n\nLa démarche.", (MORE, CONTACTS))]


def test_replies_with_buttons_of_their_own_stay_apart() -> None:
    """Joining them would lose a button (or show one twice under another meaning)."""
    for later in [(OTHER,), (MORE, OTHER), (Choice("Plus", MORE.action),)]:
        messages = bundle(
            [Reply("text", "La fiche.", choices=(MORE, CONTACTS)), Reply("text", "Suite.", choices=later)]
        )
        assert [choices for _, choices in messages] == [(MORE, CONTACTS), later]


def test_text_without_buttons_joins_either_side() -> None:
    messages = bundle(
        [Reply("text", "C'est noté."), Reply("text", "La fiche.", choices=(MORE,)), Reply("text", "Où ?")]
    )
    assert messages == [("C'est noté.\n\nLa fiche.\n\nOù ?", (MORE,))]


def _answer_in_several_replies() -> tuple[str, tuple[Reply, ...]]:
    """A catalogue example answered by a card and more replies whose buttons the card carries."""
    dialogue = Dialogue(engine())
    for entry in engine().entries:
        for example in entry.examples:
            replies = dialogue.on_text(Session(), example).replies
            with_buttons = [r for r in replies if r.choices]
            if len(with_buttons) >= 2 and len(bundle(replies)) == 1:
                return example, replies
    raise AssertionError("no catalogue example is answered by several replies with buttons")


def test_a_card_and_its_next_steps_arrive_in_one_telegram_message_with_every_button() -> None:
    question, replies = _answer_in_several_replies()
    wanted = {(c.label, c.action) for r in replies for c in r.choices}

    async def main() -> None:
        async with running_bot(engine()) as bot:
            mark = bot.api.mark()
            bot.api.message(question, user_id=4242)
            await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == 4242, since=mark)
            bot.api.message("/aide", user_id=4242)  # answered after the question (one user, in order)
            await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == 4242, count=2, since=mark)
            sent = bot.api.calls_to("sendMessage", mark)[:-1]
            assert len(sent) == 1, [c.plain_text[:60] for c in sent]
            assert {(b["text"], b["callback_data"]) for b in sent[0].buttons} == wanted
            for reply in replies:
                if reply.entry is not None:
                    assert reply.entry.title in sent[0].plain_text

    asyncio.run(main())
