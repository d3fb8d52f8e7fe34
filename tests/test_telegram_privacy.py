"""What one user does is not shown to, nor forged by, another: admin commands, votes in groups,
forum topics, and logs without user data."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from fakebot import Call, RunningBot, clear_need, running_bot
from shared import shared_engine as engine

from bot.telegram.app import ADMIN_COMMANDS, COMMANDS
from bot.telegram.handlers.admin import PRIVATE_ONLY
from bot.telegram.handlers.feedback import NOT_YOURS
from matching import default_knowledge_dir

USER = 1001
OTHER = 2002
ADMIN = 4242
GROUP = -100777
PROBE = 999


def play(scenario: Any, **settings: Any) -> None:
    async def main() -> None:
        async with running_bot(engine(), **settings) as bot:
            await scenario(bot)

    asyncio.run(main())


async def say(bot: RunningBot, text: str | None, *, user_id: int = USER, **kwargs: Any) -> list[Call]:
    mark = bot.api.mark()
    bot.api.message(text, user_id=user_id, **kwargs)
    probe = bot.api.mark()
    bot.api.message("/aide", user_id=PROBE)
    await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == PROBE, since=probe)
    await bot.drain()
    return [c for c in bot.api.calls[mark:] if c.method == "sendMessage" and c.get("chat_id") != PROBE]


async def press(bot: RunningBot, call: Call, data: str, *, user_id: int = USER) -> list[Call]:
    mark = bot.api.mark()
    bot.api.callback(data, bot.api.sent_message(call), user_id=user_id)
    probe = bot.api.mark()
    bot.api.message("/aide", user_id=PROBE)
    await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == PROBE, since=probe)
    await bot.drain()
    return [c for c in bot.api.calls[mark:] if c.get("chat_id") != PROBE]


def vote_button(call: Call, sign: str) -> str:
    return next(b["callback_data"] for b in call.buttons if b["callback_data"].startswith(f"f:{sign}"))


def test_admin_commands_are_refused_in_groups_even_to_an_admin(tmp_path: Path) -> None:
    """/stats and /reload show other users' questions and server files: private chats only."""
    copy = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), copy, ignore=shutil.ignore_patterns("territoires"))
    catalogue = sorted((copy / "catalogue").glob("*.yaml"))[0]
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "\n  - id: [\n", encoding="utf-8")

    async def scenario(bot: RunningBot) -> None:
        await say(bot, "ma question confidentielle sur les piscines", user_id=USER)
        for command in ("/stats", "/reload"):
            [reply] = await say(bot, command, user_id=ADMIN, chat_id=GROUP, chat_type="supergroup")
            assert reply.plain_text == PRIVATE_ONLY
        [report] = await say(bot, "/reload", user_id=ADMIN)  # in private: the problems, relative names
        assert catalogue.name in report.plain_text
        assert str(tmp_path) not in report.plain_text

    play(scenario, admin_ids=frozenset({ADMIN}), knowledge_dir=copy)


def test_admins_get_their_own_command_menu() -> None:
    """Everyone sees the user commands; each admin, in their private chat, also the admin ones."""

    async def scenario(bot: RunningBot) -> None:
        menus = bot.api.calls_to("setMyCommands")
        default = [m for m in menus if m["scope"]["type"] == "default"]
        admin = [m for m in menus if m["scope"] == {"type": "chat", "chat_id": ADMIN}]
        assert [c["command"] for c in default[0]["commands"]] == [n for n, _ in COMMANDS]
        assert [c["command"] for c in admin[0]["commands"]] == [n for n, _ in (*COMMANDS, *ADMIN_COMMANDS)]

    play(scenario, admin_ids=frozenset({ADMIN}))


def test_in_a_group_only_the_asker_votes_and_no_private_question_is_attached() -> None:
    """Another member's 👍/👎 on a card shown to someone else stores nothing, and their own
    private last question is never attached to it; the asker's vote keeps the asker's question."""
    text = clear_need()[0]
    username = "aiguilleur_test_bot"

    async def scenario(bot: RunningBot) -> None:
        await say(bot, "question privée de l'autre membre sur la pêche", user_id=OTHER)
        [card, *_] = await say(bot, f"@{username} {text}", chat_id=GROUP, chat_type="supergroup")
        calls = await press(bot, card, vote_button(card, "-"), user_id=OTHER)
        assert [c["text"] for c in calls if c.method == "answerCallbackQuery"] == [NOT_YOURS]
        assert bot.store.feedback_by_entry() == {}
        assert bot.store.rows_about(OTHER) == 2  # its own private question and its own conversation
        await press(bot, card, vote_button(card, "-"), user_id=USER)
        [(entry, question)] = bot.store.disliked()
        assert question == text
        assert "pêche" not in question

    play(scenario)


def test_replies_in_a_forum_topic_go_to_that_topic() -> None:
    """A message in a forum topic is answered in the same topic, not in General."""
    text = clear_need()[0]
    topic = {"message_thread_id": 77, "is_topic_message": True}

    async def scenario(bot: RunningBot) -> None:
        replies = await say(
            bot, f"@aiguilleur_test_bot {text}", chat_id=GROUP, chat_type="supergroup", **topic
        )
        assert replies
        assert all(r.get("message_thread_id") == 77 for r in replies)
        [aide] = await say(bot, "/aide", chat_id=GROUP, chat_type="supergroup", **topic)
        assert aide.get("message_thread_id") == 77
        # A button pressed on a card in the topic answers in the topic too.
        calls = await press(bot, replies[0], "x")
        assert all(c.get("message_thread_id") == 77 for c in calls if c.method == "sendMessage")

    play(scenario)


def test_debug_logs_of_a_session_hold_no_user_data_and_no_token(caplog: pytest.LogCaptureFixture) -> None:
    """With DEBUG logging (what `-v` sets), python-telegram-bot's whole-update lines are kept
    out and ours name kinds of data only."""
    text = clear_need()[0]
    secret_words = ("Zéphyrine", "8675309", "zorglub")

    async def scenario(bot: RunningBot) -> None:
        await say(bot, f"{text} zorglub", user_id=8675309, first_name="Zéphyrine")
        await say(bot, "zorglub et rien d'autre", user_id=8675309, first_name="Zéphyrine")
        await say(bot, "/oubli", user_id=8675309, first_name="Zéphyrine")

    with caplog.at_level(logging.DEBUG):
        play(scenario)
    assert "Processing update" not in caplog.text, "PTB's debug lines are dropped"
    for word in secret_words:
        assert word not in caplog.text
    assert "TEST-TOKEN" not in caplog.text
