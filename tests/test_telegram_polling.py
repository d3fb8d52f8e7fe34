"""End to end: the real application, polling a fake Bot API server on 127.0.0.1.

Updates go through python-telegram-bot's real HTTP stack (getUpdates long polling, JSON
parsing, handlers, sendMessage & co. posted as form fields). The fake server refuses what
Telegram would refuse (HTML it cannot parse, texts over 4096 characters, callback data over
64 bytes), so every reply checked here is also a valid Telegram request.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from fakebot import Call, RecordingBotApi, RunningBot, clear_need, running_bot
from shared import shared_engine as engine

from bot.dialogue import MAX_ACTION_BYTES
from bot.store import Store
from bot.telegram.app import COMMANDS
from bot.telegram.handlers.admin import REFUSAL
from bot.telegram.handlers.errors import APOLOGY
from bot.telegram.handlers.feedback import ALREADY
from bot.telegram.handlers.media import TEXT_ONLY
from matching import default_knowledge_dir

USER = 1001
ADMIN = 4242
GROUP = -100777
PROBE = 999
NO_MATCH = "<b>Recette</b> du gâteau <script>alert(1)</script> & chocolat ?"


Scenario = Callable[[RunningBot], Awaitable[None]]


def play(scenario: Scenario, *, store: Store | None = None, **settings: Any) -> None:
    async def main() -> None:
        async with running_bot(engine(), store, **settings) as bot:
            await scenario(bot)

    asyncio.run(main())


async def settle(bot: RunningBot) -> None:
    """Waits until the bot handled every update sent so far: it handles them in order, so the
    answer to a probe /aide from another user comes after every earlier reply."""
    mark = bot.api.mark()
    bot.api.message("/aide", user_id=PROBE)
    await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == PROBE, since=mark)
    await bot.drain()


def since(bot: RunningBot, mark: int, method: str | None = None) -> list[Call]:
    """Calls after `mark`, without the probe's."""
    return [
        c
        for c in bot.api.calls[mark:]
        if c.get("chat_id") != PROBE and (method is None or c.method == method)
    ]


async def say(bot: RunningBot, text: str | None, *, user_id: int = USER, **kwargs: Any) -> list[Call]:
    """Sends a message; returns every message the bot sent in response."""
    mark = bot.api.mark()
    bot.api.message(text, user_id=user_id, **kwargs)
    await settle(bot)
    return since(bot, mark, "sendMessage")


async def press(bot: RunningBot, call: Call, data: str, *, user_id: int = USER) -> list[Call]:
    """Presses a button on the message sent by `call`; returns every call the bot made in response."""
    mark = bot.api.mark()
    bot.api.callback(data, bot.api.sent_message(call), user_id=user_id)
    await settle(bot)
    calls = since(bot, mark)
    assert [c.method for c in calls].count("answerCallbackQuery") == 1, "every press is answered once"
    return calls


def button(call: Call, prefix: str) -> str:
    data = [b["callback_data"] for b in call.buttons if b.get("callback_data", "").startswith(prefix)]
    assert data, f"no button {prefix!r} in {call.buttons}"
    return str(data[0])


def sent(calls: list[Call], method: str = "sendMessage") -> list[Call]:
    return [c for c in calls if c.method == method]


# -- start-up, /start, commands -----------------------------------------------------------------


def test_start_greets_in_french_with_example_buttons_and_sets_the_command_menu() -> None:
    async def scenario(bot: RunningBot) -> None:
        commands = bot.api.calls_to("setMyCommands")
        assert commands
        assert [c["command"] for c in commands[0]["commands"]] == [name for name, _ in COMMANDS]
        assert all(c["description"] for c in commands[0]["commands"])
        assert bot.api.calls_to("deleteWebhook"), "polling starts by removing any webhook"
        [greeting] = await say(bot, "/start")
        assert greeting.plain_text.startswith("Bonjour")
        assert greeting["parse_mode"] == "HTML"
        examples = [b for b in greeting.buttons if b["callback_data"].startswith("q:")]
        assert len(examples) == 3
        assert all(len(b["callback_data"].encode()) <= MAX_ACTION_BYTES for b in examples)
        # An example button is answered as if the user had typed it.
        calls = await press(bot, greeting, examples[0]["callback_data"])
        assert any(
            c.buttons and "👍" in [b["text"] for b in c.buttons] or "Plusieurs" in c.plain_text
            for c in sent(calls)
        )
        [aide] = await say(bot, "/aide")
        assert "/catalogue" in aide.plain_text
        assert "/oubli" in aide.plain_text
        [unknown] = await say(bot, "/inconnue")
        assert "Commande inconnue" in unknown.plain_text

    play(scenario)


def test_deep_link_opens_a_catalogue_entry() -> None:
    entry = engine().entries[0]

    async def scenario(bot: RunningBot) -> None:
        [card] = await say(bot, f"/start e-{entry.id}")
        assert entry.title in card.plain_text
        assert button(card, "f:+")
        [stale] = await say(bot, "/start e-cette-offre-n-existe-pas")
        assert "ne correspond plus" in stale.plain_text
        [other] = await say(bot, "/start inconnu")
        assert other.plain_text.startswith("Bonjour")

    play(scenario)


# -- the answer card and every button kind --------------------------------------------------------


def test_a_clear_need_gets_the_card_and_every_button_works() -> None:
    text, top = clear_need()
    entry = engine().entry(top)
    assert entry is not None

    async def scenario(bot: RunningBot) -> None:
        replies = await say(bot, text)
        card = replies[0]
        assert entry.title in card.plain_text
        assert "Prochaine étape" in card.plain_text
        assert "À contacter" in card.plain_text
        labels = [b["text"] for b in card.buttons]
        assert "Ce n'est pas ça" in labels
        assert "👍" in labels
        assert "👎" in labels
        assert all(len(b["callback_data"].encode()) <= MAX_ACTION_BYTES for b in card.buttons)
        # Unknown place: the bot asks for the commune after the card.
        assert "quelle commune" in replies[-1].plain_text, (
            "the bot asks for the commune when it does not know it"
        )

        # 👍 and 👎: a notice on the button, recorded in the store (question kept for 👎 only).
        calls = await press(bot, card, button(card, "f:+"))
        assert any("Merci" in str(c.get("text", "")) for c in calls if c.method == "answerCallbackQuery")
        [edited] = [c for c in calls if c.method == "editMessageReplyMarkup"]
        assert "👍" not in [b["text"] for b in edited.buttons], "one vote per card: the vote buttons go away"
        assert "Ce n'est pas ça" in [b["text"] for b in edited.buttons]
        # A second vote on the same card (a replay, or the other thumb) counts for nothing.
        calls = await press(bot, card, button(card, "f:-"))
        assert [c["text"] for c in calls if c.method == "answerCallbackQuery"] == [ALREADY]
        assert bot.store.feedback_by_entry() == {top: (1, 0)}
        # 👎 on a new card of the same need: the question that card answered is kept for admins.
        again = (await say(bot, text))[0]
        await press(bot, again, button(again, "f:-"))
        assert bot.store.feedback_by_entry() == {top: (1, 1)}
        assert bot.store.disliked() == [(top, text)]

        # An alternative ("Autre piste"), when the engine offered one: the card of that entry.
        alternatives = [b for b in card.buttons if b["callback_data"].startswith("e:")]
        if alternatives:
            calls = await press(bot, card, alternatives[0]["callback_data"])
            other = engine().entry(alternatives[0]["callback_data"][2:])
            assert other is not None
            assert any(other.title in c.plain_text for c in sent(calls))

        # "Ce n'est pas ça" → themes (below the card) → entries of a theme (in place) → a card.
        calls = await press(bot, card, "x")
        [themes] = sent(calls)
        assert "thème" in themes.plain_text
        calls = await press(bot, themes, button(themes, "t:"))
        [theme] = [c for c in calls if c.method == "editMessageText"]
        calls = await press(bot, theme, button(theme, "e:"))
        assert any("Prochaine étape" in c.plain_text for c in sent(calls))

        stats = bot.store.stats()
        assert stats.questions == 2
        assert stats.by_status == {"match": 2}
        # An answered question keeps no text in the store.
        assert bot.store.db.execute("SELECT question FROM interactions").fetchall() == [(None,), (None,)]

    play(scenario)


def test_catalogue_is_paginated_in_place() -> None:
    async def scenario(bot: RunningBot) -> None:
        [page] = await say(bot, "/catalogue")
        assert "Catalogue — page 1/" in page.plain_text
        entries = [b for b in page.buttons if b["callback_data"].startswith("e:")]
        assert 1 <= len(entries) <= 6
        if len(engine().entries) > len(entries):
            calls = await press(bot, page, button(page, "c:"))
            [second] = [c for c in calls if c.method == "editMessageText"]
            assert "page 2/" in second.plain_text
            assert [b["text"] for b in second.buttons if b["callback_data"].startswith("c:")][0].startswith(
                "◀"
            )
            # Pressing an outdated page button of the same message is harmless.
            await press(bot, page, "c:0")
        calls = await press(bot, page, entries[0]["callback_data"])
        assert any("Prochaine étape" in c.plain_text for c in sent(calls))

    play(scenario)


@pytest.mark.parametrize(
    "data",
    [
        "zzz",
        "e:n-existe-pas",
        "c:abc",
        "c:99999999999999999999",
        "t:999",
        "p:00000",
        "f:+:nope",
        "o:peut-etre",
        "",
    ],
)
def test_stale_or_forged_callback_data_is_answered_gracefully(data: str) -> None:
    async def scenario(bot: RunningBot) -> None:
        [page] = await say(bot, "/catalogue")
        calls = await press(bot, page, data)
        assert all(APOLOGY not in c.plain_text for c in calls), "no error for forged data"
        assert any(c.method == "answerCallbackQuery" for c in calls)

    play(scenario)


# -- places ---------------------------------------------------------------------------------------


def test_territory_is_asked_set_and_remembered_across_restarts(tmp_path: Path) -> None:
    if engine().places is None:
        pytest.skip("territory tables not available")
    text, _ = clear_need()
    commune = next(iter(engine().places.search_communes("Guingamp")), None)  # type: ignore[union-attr]
    if commune is None:
        pytest.skip("Guingamp is not in the territory tables")
    db = tmp_path / "store.db"

    async def first(bot: RunningBot) -> None:
        await say(bot, text)
        [reply] = await say(bot, "Guingamp")
        # "C'est noté" and the card again, now with the territory and its contacts, in one message.
        assert reply.plain_text.startswith("C'est noté : votre territoire est Guingamp (22)")
        assert "Territoire : Guingamp" in reply.plain_text
        assert "👍" in [b["text"] for b in reply.buttons]

    store = Store.open(db)
    play(first, store=store)
    store.close()

    async def later(bot: RunningBot) -> None:
        [shown] = await say(bot, "/territoire")
        assert "Guingamp" in shown.plain_text
        [contact] = await say(bot, "/contact")
        assert "Guingamp" in contact.plain_text
        assert "Apec" in contact.plain_text

    store = Store.open(db)
    play(later, store=store)
    store.close()


def test_a_need_with_a_place_and_an_ambiguous_place() -> None:
    if engine().places is None:
        pytest.skip("territory tables not available")
    text, _ = clear_need()
    homonyms = engine().places.search_communes("Saint-Denis")  # type: ignore[union-attr]

    async def scenario(bot: RunningBot) -> None:
        replies = await say(bot, f"{text} à Guingamp")
        assert "Guingamp" in replies[0].plain_text
        assert bot.store.territory(USER) is not None
        if len(homonyms) > 1:
            replies = await say(bot, "/territoire Saint-Denis")
            places = [b for b in replies[0].buttons if b["callback_data"].startswith("p:")]
            assert len(places) > 1
            calls = await press(bot, replies[0], places[0]["callback_data"])
            assert any("C'est noté" in c.plain_text for c in sent(calls))
            stored = bot.store.territory(USER)
            assert stored is not None
            assert stored.code == places[0]["callback_data"][2:]

    play(scenario)


def test_territoire_and_contact_without_a_commune() -> None:
    async def scenario(bot: RunningBot) -> None:
        [asked] = await say(bot, "/territoire")
        assert "Aucune commune" in asked.plain_text
        [contact] = await say(bot, "/contact")
        assert "/territoire" in contact.plain_text
        assert "Apec" in contact.plain_text

    play(scenario)


# -- robustness -----------------------------------------------------------------------------------


def test_no_match_is_honest_and_kept_for_admins_html_escaped() -> None:
    question = NO_MATCH

    async def scenario(bot: RunningBot) -> None:
        replies = await say(bot, question)
        assert "/catalogue" in replies[0].plain_text
        assert "<script>" not in str(replies[0]["text"])
        assert bot.store.unanswered() == [(question, 1)]
        [stats] = await say(bot, "/stats", user_id=ADMIN)
        assert "&lt;b&gt;Recette&lt;/b&gt; du gâteau &lt;script&gt;" in stats["text"]
        assert "Questions : 1" in stats.plain_text

    play(scenario, admin_ids=frozenset({ADMIN}))


def test_a_5000_character_message_is_answered_within_limits() -> None:
    text, _ = clear_need()

    async def scenario(bot: RunningBot) -> None:
        long = (text + " ") * (5000 // (len(text) + 1) + 1)
        replies = await say(bot, long[:5000])
        assert all(len(c.plain_text) <= 4096 for c in replies)
        assert APOLOGY not in replies[0].plain_text
        [stats] = await say(bot, "/stats", user_id=ADMIN)
        assert "Questions : 1" in stats.plain_text

    play(scenario, admin_ids=frozenset({ADMIN}))


def test_stickers_photos_voice_and_documents_get_a_text_only_notice() -> None:
    media: list[dict[str, Any]] = [
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 2}},
        {"document": {"file_id": "d1", "file_unique_id": "u4", "file_name": "note.pdf"}},
    ]

    async def scenario(bot: RunningBot) -> None:
        for extra in media:
            [reply] = await say(bot, None, **extra)
            assert reply.plain_text == TEXT_ONLY

    play(scenario)


def test_telegram_errors_never_crash_the_bot_and_the_apology_hides_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text, _ = clear_need()

    async def scenario(bot: RunningBot) -> None:
        # Flood control on a reply: logged, the bot goes on.
        bot.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        assert await say(bot, text) == []
        # An unexpected error (here Telegram refusing a reply): one apology, no exception text.
        bot.api.fail_next("sendMessage", 400, "Bad Request: SECRET_INTERNAL_DETAIL", retry_after=None)
        [apology] = await say(bot, text)
        assert apology["text"] == APOLOGY
        assert [code for _, code, _ in bot.api.failed] == [429, 400]
        [card, *_] = await say(bot, text)
        assert "Prochaine étape" in card.plain_text

    with caplog.at_level("WARNING"):
        play(scenario)
    assert "RetryAfter" in caplog.text
    assert "Error while handling update" in caplog.text
    assert RecordingBotApi().token not in caplog.text


# -- inline mode ----------------------------------------------------------------------------------


def test_inline_query_returns_at_most_ten_articles_within_limits() -> None:
    text, top = clear_need()

    async def scenario(bot: RunningBot) -> None:
        for query in (text, "", "<b>zyxwv</b> qwrtp", text * 20):
            mark = bot.api.mark()
            bot.api.inline_query(query[:256])
            [answer] = await bot.api.wait_for("answerInlineQuery", since=mark)
            results = answer["results"]
            assert len(results) <= 10
            for result in results:
                assert result["type"] == "article"
                assert result["title"]
                assert len(result["id"].encode()) <= 64
                assert len(result["input_message_content"]["message_text"]) <= 4096
                assert result["reply_markup"]["inline_keyboard"][0][0]["url"].startswith("https://t.me/")
            if query == text:
                assert results[0]["id"] == top
                assert "Contact" in results[0]["description"]
            if query == "":
                assert len(results) == min(10, len(engine().entries))

    play(scenario)


# -- groups ---------------------------------------------------------------------------------------


def test_groups_get_answers_only_when_addressed() -> None:
    text, _ = clear_need()

    async def scenario(bot: RunningBot) -> None:
        username = bot.api.bot_user["username"]
        assert await say(bot, text, chat_id=GROUP, chat_type="supergroup") == [], "silent when not addressed"

        replies = await say(bot, f"@{username} {text}", chat_id=GROUP, chat_type="supergroup")
        assert replies[0]["chat_id"] == GROUP
        assert "Prochaine étape" in replies[0].plain_text
        assert replies[0]["reply_parameters"]["message_id"], "answers quote the question in groups"

        replies = await say(
            bot, text, chat_id=GROUP, chat_type="group", reply_to=bot.api.sent_message(replies[0])
        )
        assert replies[0]["chat_id"] == GROUP

        [aide] = await say(bot, f"/aide@{username}", chat_id=GROUP, chat_type="group")
        assert aide["chat_id"] == GROUP
        assert await say(bot, "/aide@un_autre_bot", chat_id=GROUP, chat_type="group") == []
        photo = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
        assert await say(bot, None, chat_id=GROUP, chat_type="group", photo=photo) == []

    play(scenario)


# -- privacy --------------------------------------------------------------------------------------


def test_oubli_erases_everything_after_confirmation() -> None:
    text, _ = clear_need()

    async def scenario(bot: RunningBot) -> None:
        await say(bot, NO_MATCH)
        replies = await say(bot, text)
        await press(bot, replies[0], button(replies[0], "f:-"))
        assert bot.store.rows_about(USER) >= 3
        [ask] = await say(bot, "/oubli")
        assert "définitive" in ask.plain_text
        await press(bot, ask, "o:non")
        assert bot.store.rows_about(USER) >= 3
        [ask] = await say(bot, "/oubli")
        calls = await press(bot, ask, "o:oui")
        assert any("C'est fait" in c.plain_text for c in calls if c.method == "editMessageText")
        assert bot.store.rows_about(USER) == 0

    play(scenario)


# -- admin ----------------------------------------------------------------------------------------


def test_reload_by_admin_keeps_serving_on_broken_knowledge(tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), copy)
    catalogue = sorted((copy / "catalogue").glob("*.yaml"))[0]
    original = catalogue.read_text(encoding="utf-8")
    text, _ = clear_need()

    async def scenario(bot: RunningBot) -> None:
        catalogue.write_text(original + "\n  - id: <b>Cassé</b>\n    kind: [\n", encoding="utf-8")
        [refused] = await say(bot, "/reload")
        assert refused.plain_text == REFUSAL
        [stats_refused] = await say(bot, "/stats")
        assert stats_refused.plain_text == REFUSAL

        [report] = await say(bot, "/reload", user_id=ADMIN)
        assert "Connaissances invalides" in report.plain_text
        assert catalogue.name in report.plain_text
        # Still serving the knowledge it had.
        replies = await say(bot, text)
        assert "Prochaine étape" in replies[0].plain_text

        # A schema error whose message quotes user-controlled text comes back escaped.
        catalogue.write_text(original.replace("id: ", "id: <b>x</b>", 1), encoding="utf-8")
        [report] = await say(bot, "/reload", user_id=ADMIN)
        assert "Connaissances invalides" in report.plain_text
        assert "<b>x</b>" not in report["text"]

        catalogue.write_text(original, encoding="utf-8")
        [done] = await say(bot, "/reload", user_id=ADMIN)
        assert "Connaissances rechargées" in done.plain_text

    play(scenario, admin_ids=frozenset({ADMIN}), knowledge_dir=copy)


def test_graceful_stop_with_pending_updates() -> None:
    """Stopping while updates are queued finishes cleanly (no error, no hanging task)."""
    text, _ = clear_need()

    async def scenario(bot: RunningBot) -> None:
        for _ in range(5):
            bot.api.message(text)
        await bot.api.wait_for("sendMessage", within=10)

    play(scenario)


def test_concurrent_updates_keep_each_users_messages_in_order() -> None:
    """With updates handled concurrently, one user's messages are still answered in order."""
    needs: dict[str, str] = {}
    for entry in engine().entries:
        for example in entry.examples:
            answer = engine().ask(example)
            if (
                answer.status == "match"
                and answer.top is not None
                and answer.top.id == entry.id
                and not answer.territory
            ):
                needs.setdefault(entry.id, example)
    if len(needs) < 3:
        pytest.skip("not enough clear examples in the catalogue")
    order = list(needs.items())[:4]

    async def scenario(bot: RunningBot) -> None:
        for i in range(3):
            for _, text in order:
                bot.api.message(text, user_id=USER)
                bot.api.message(text, user_id=USER + 1 + i)
        replies = await bot.api.wait_for(
            "sendMessage", lambda c: c.get("chat_id") == USER, count=3 * len(order)
        )
        titles = [engine().entry(entry_id).title for entry_id, _ in order]  # type: ignore[union-attr]
        for reply, title in zip(replies, titles * 3, strict=True):
            assert title in reply.plain_text

    play(scenario, concurrent_updates=16)


def test_long_replies_are_split_below_the_telegram_limit() -> None:
    store = Store.memory()
    for i in range(25):
        store.log_interaction(
            USER + 50 + i, status="no_match", question=f"question {i} <i>sans réponse</i> " + "é" * 400
        )

    async def scenario(bot: RunningBot) -> None:
        parts = await say(bot, "/stats", user_id=ADMIN)
        assert len(parts) >= 2
        assert all(len(p.plain_text) <= 4096 for p in parts)
        assert "&lt;i&gt;sans réponse&lt;/i&gt;" in parts[-1]["text"]

    play(scenario, store=store, admin_ids=frozenset({ADMIN}))
    store.close()


def test_polling_survives_bot_api_errors() -> None:
    """A Bot API outage (502) or flood control on getUpdates: the bot keeps polling and answers."""

    async def scenario(bot: RunningBot) -> None:
        bot.api.fail_next("getUpdates", 502, "Bad Gateway", retry_after=None)
        bot.api.fail_next("getUpdates", 429, "Too Many Requests: retry after 1", retry_after=1)
        [reply] = await say(bot, "/aide")
        assert "Comment m'utiliser" in reply.plain_text
        assert [code for _, code, _ in bot.api.failed] == [502, 429]

    play(scenario)


def test_an_ambiguous_need_offers_the_top_candidates_as_buttons() -> None:
    candidates = [
        q
        for entry in engine().entries
        for q in (*entry.keywords, entry.title, *entry.examples)
        if engine().ask(q).status == "ambiguous"
    ]
    if not candidates:
        pytest.skip("no ambiguous query in this catalogue")
    question = candidates[0]

    async def scenario(bot: RunningBot) -> None:
        [choice, *_] = await say(bot, question)
        assert "Plusieurs réponses" in choice.plain_text
        options = [b for b in choice.buttons if b["callback_data"].startswith("e:")]
        assert 2 <= len(options) <= 3
        assert "Ce n'est pas ça" in [b["text"] for b in choice.buttons]
        calls = await press(bot, choice, options[0]["callback_data"])
        assert any("Prochaine étape" in c.plain_text for c in sent(calls))
        # Ambiguous questions are kept for the admins, answered ones are not.
        assert bot.store.db.execute("SELECT status, question FROM interactions").fetchall() == [
            ("ambiguous", question)
        ]

    play(scenario)
