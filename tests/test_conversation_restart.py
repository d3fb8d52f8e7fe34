"""A restart between two turns keeps the conversation: real processes, the SQLite store between
them, for the terminal (`aiguilleur chat --db`) and the Telegram bot (`aiguilleur run` polling
the fake Bot API in another thread). The store keeps the state under the pseudonymous key only,
and `/oubli` erases it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from botprocess import ThreadedFakeBotApi, env_for, start_bot, stop_bot
from botprocess import fake as fake  # noqa: F401 - the fixture
from conversations import fold
from fakebot import Call

import bot
from bot.telegram.handlers.privacy import CONFIRM

ROOT = Path(bot.__file__).resolve().parent.parent
USER = 31415926
NEED = "on doit recruter un manager de centre ville a guingamp"


def _chat(db: Path, lines: list[str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(db)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env_for_chat(),
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def env_for_chat() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGUILLEUR_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def test_the_terminal_chat_carries_on_after_a_restart(tmp_path: Path) -> None:
    """Two `aiguilleur chat --db` processes: the second answers "c'est qui le contact ?" and
    "et pour Brest ?" about the need the first one was told."""
    db = tmp_path / "chat.db"
    first = _chat(db, [NEED])
    assert "Apec Bretagne" in first
    second = fold(_chat(db, ["c'est qui le contact ?", "et pour brest ?"]))
    contact, brest = second.split("\n> ")
    assert "apec bretagne" in contact
    assert "cotes-d'armor" in contact
    assert "finistere" in brest
    assert "manager de centre-ville" in brest


def test_the_conversation_is_stored_under_the_pseudonymous_key_only(tmp_path: Path) -> None:
    """The stored state names the need and the place, never a raw id; the key is the HMAC one."""
    db = tmp_path / "chat.db"
    _chat(db, [NEED])
    conn = sqlite3.connect(db)
    try:
        [(key, data)] = conn.execute("SELECT user_key, data FROM sessions").fetchall()
    finally:
        conn.close()
    assert len(key) == 64
    state = json.loads(data)
    assert state["territory"]["name"] == "Guingamp"
    assert state["needs"][0]["entry"] == "apec-recrutement-chef-projet"


def _wait_reply(fake: ThreadedFakeBotApi, since: int, within: float = 30) -> Call:
    [reply] = fake.run(
        fake.api.wait_for("sendMessage", lambda c: c.get("chat_id") == USER, since=since, within=within),
        timeout=within + 5,
    )
    return reply


def test_the_telegram_bot_carries_on_after_a_restart(fake: ThreadedFakeBotApi, tmp_path: Path) -> None:
    """The bot is stopped (SIGTERM) after the answer and started again: "c'est qui le contact ?"
    gets the contacts of that answer, then /oubli erases the stored conversation."""
    env = env_for(fake, tmp_path)
    proc = start_bot(env, tmp_path)
    try:
        fake.run(fake.api.wait_for("setMyCommands", within=30), timeout=35)
        mark = fake.call(fake.api.mark)
        fake.call(lambda: fake.api.message(NEED, user_id=USER))
        card = _wait_reply(fake, mark)
        assert "Apec Bretagne" in card.plain_text
    finally:
        code, err = stop_bot(proc, signal.SIGTERM)
    assert code == 0, err
    proc = start_bot(env, tmp_path)
    try:
        mark = fake.call(fake.api.mark)
        fake.call(lambda: fake.api.message("c'est qui le contact ?", user_id=USER))
        contact = fold(_wait_reply(fake, mark).plain_text)
        mark = fake.call(fake.api.mark)
        fake.call(lambda: fake.api.message("/oubli", user_id=USER))
        confirm = _wait_reply(fake, mark)
        assert CONFIRM in [b["callback_data"] for b in confirm.buttons]
        mark = fake.call(fake.api.mark)
        fake.call(lambda: fake.api.callback(CONFIRM, fake.api.sent_message(confirm), user_id=USER))
        fake.run(fake.api.wait_for("answerCallbackQuery", since=mark, within=20), timeout=25)
    finally:
        code, err = stop_bot(proc, signal.SIGTERM)
    assert code == 0, err
    assert "apec bretagne" in contact
    assert "cotes-d'armor" in contact
    assert "prochaine etape" not in contact, "the contacts of the answer, not a new card"
    conn = sqlite3.connect(tmp_path / "data" / "aiguilleur.db")
    try:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0, "/oubli erased it"
    finally:
        conn.close()
