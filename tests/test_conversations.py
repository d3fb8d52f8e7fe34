"""Multi-turn conversations (tests/cases/conversations/*.yaml) played through both front ends:
the terminal chat (in process, and as a real `python -m bot chat` process reading a pipe) and
the Telegram bot polling the fake Bot API. Same scenarios, same checks, so the two front ends
cannot drift apart."""

from __future__ import annotations

import asyncio
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conversations import Scenario, Turn, all_scenarios, fold, typed_scenarios
from fakebot import Call, RunningBot, running_bot
from shared import shared_engine

import bot
from bot.dialogue import Dialogue
from bot.dialogue.terminal import TerminalChat

ROOT = Path(bot.__file__).resolve().parent.parent
SCENARIOS = all_scenarios()
PROBE = 999


def _choice_number(chat: TerminalChat, wanted: str) -> str:
    for i, choice in enumerate(chat.session.choices, 1):
        if fold(wanted) in fold(choice.label):
            return str(i)
    raise AssertionError(f"no choice « {wanted} » among {[c.label for c in chat.session.choices]}")


def play_in_terminal(scenario: Scenario) -> list[str]:
    """Problems of the scenario played in the in-process terminal chat."""
    chat = TerminalChat(Dialogue(shared_engine()))
    problems: list[str] = []
    for i, turn in enumerate(scenario.turns, 1):
        line = turn.say if turn.say is not None else _choice_number(chat, turn.choose or "")
        reply = chat.handle(line)
        problems += [f"tour {i} ({line!r}) : {p}" for p in turn.problems(reply)]
    return problems


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_conversation_in_the_terminal(scenario: Scenario) -> None:
    """Every scenario passes in the terminal chat."""
    problems = play_in_terminal(scenario)
    if scenario.pending and problems:
        pytest.xfail(scenario.pending)
    assert problems == []


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone).removeprefix("33").lstrip("0")


def _knowledge_details() -> tuple[set[str], set[str]]:
    """Every e-mail and phone number written in the knowledge files (CSV tables included)."""
    emails: set[str] = set()
    phones: set[str] = set()
    for path in (ROOT / "knowledge").rglob("*"):
        if path.suffix not in (".yaml", ".csv", ".gz"):
            continue
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        text = data.decode("utf-8", errors="replace")
        emails.update(e.casefold() for e in _EMAIL.findall(text))
        phones.update(_digits(p) for p in _PHONE.findall(text))
    return emails, phones


def test_no_reply_gives_a_mail_or_phone_the_knowledge_does_not_hold() -> None:
    """Every e-mail and phone number in a reply of any scenario comes from the knowledge files:
    asking for a contact detail never makes one up."""
    emails, phones = _knowledge_details()
    invented: list[str] = []
    for scenario in SCENARIOS:
        chat = TerminalChat(Dialogue(shared_engine()))
        for turn in scenario.turns:
            line = turn.say if turn.say is not None else _choice_number(chat, turn.choose or "")
            reply = chat.handle(line)
            invented += [f"{scenario.id} : {e}" for e in _EMAIL.findall(reply) if e.casefold() not in emails]
            invented += [f"{scenario.id} : {p}" for p in _PHONE.findall(reply) if _digits(p) not in phones]
    assert invented == []


def _transcript_replies(output: str) -> list[str]:
    """The replies of a piped transcript, in order: what follows each echoed "> line"."""
    replies: list[str] = []
    for line in output.splitlines():
        if line.startswith("> "):
            replies.append("")
        elif replies:
            replies[-1] += line + "\n"
    return replies


def test_piped_chat_process_plays_every_typed_scenario_and_exits_0() -> None:
    """A real `python -m bot chat` reading a pipe: no banner, no prompt, each line echoed before
    its reply, /oubli starts afresh, and the end of input ends it with exit code 0."""
    scenarios = typed_scenarios()
    lines: list[str] = []
    for scenario in scenarios:
        lines.append("/oubli")
        lines += [t.say or "" for t in scenario.turns]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("> /oubli"), "piped: no banner before the first reply"
    replies = iter(_transcript_replies(result.stdout))
    problems: list[str] = []
    for scenario in scenarios:
        next(replies)  # /oubli
        for i, turn in enumerate(scenario.turns, 1):
            found = turn.problems(next(replies))
            if not scenario.pending:
                problems += [f"{scenario.id}, tour {i} : {p}" for p in found]
    assert problems == []


# -- Telegram ------------------------------------------------------------------------------------


async def _settle(bot: RunningBot) -> None:
    """Waits until every update sent so far is handled (updates are handled in order)."""
    mark = bot.api.mark()
    bot.api.message("/aide", user_id=PROBE)
    await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == PROBE, since=mark)
    await bot.drain()


def _shown(bot: RunningBot, mark: int, user: int) -> list[Call]:
    return [
        c
        for c in bot.api.calls[mark:]
        if c.get("chat_id") == user and c.method in ("sendMessage", "editMessageText")
    ]


async def _turn(bot: RunningBot, user: int, turn: Turn, last: list[Call]) -> list[Call]:
    mark = bot.api.mark()
    if turn.say is not None:
        bot.api.message(turn.say, user_id=user)
    else:
        wanted = fold(turn.choose or "")
        pressed = next(
            (
                (call, b["callback_data"])
                for call in last
                for b in call.buttons
                if "callback_data" in b and wanted in fold(b["text"])
            ),
            None,
        )
        assert pressed is not None, f"no button « {turn.choose} »"
        bot.api.callback(pressed[1], bot.api.sent_message(pressed[0]), user_id=user)
    await _settle(bot)
    return _shown(bot, mark, user)


def test_every_conversation_in_telegram() -> None:
    """Every scenario passes in the Telegram bot (a user per scenario, one running bot)."""
    problems: list[str] = []

    async def main() -> None:
        async with running_bot(shared_engine()) as bot:
            for n, scenario in enumerate(SCENARIOS):
                user = 5000 + n
                last: list[Call] = []
                for i, turn in enumerate(scenario.turns, 1):
                    last = await _turn(bot, user, turn, last)
                    reply = "\n\n".join(c.plain_text for c in last)
                    if not scenario.pending:
                        problems.extend(f"{scenario.id}, tour {i} : {p}" for p in turn.problems(reply))

    asyncio.run(main())
    assert problems == []
