"""`aiguilleur run` as a process: verbose logs without user data or secrets, no update or vote
lost to kill -9 or SIGTERM, and no secret in any start-up failure."""

from __future__ import annotations

import concurrent.futures
import json
import signal
import socket
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from botprocess import ThreadedFakeBotApi, env_for, start_bot, stop_bot
from botprocess import fake as fake  # noqa: F401 - the fixture
from fakebot import Call, clear_need

from bot.telegram.fakeupdates import message_update

WEBHOOK_SECRET = "webhook-secret_Zx81qP"
NAME = "Zéphyrine-Unique"
USER_ID = 86753091
QUESTION = "question zorglub très personnelle"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_private(err: str, fake: ThreadedFakeBotApi) -> None:
    """No user data, no token (nor its secret half), no webhook secret, no traceback."""
    for private in (
        NAME,
        str(USER_ID),
        "zorglub",
        fake.api.token,
        fake.api.token.split(":")[1],
        WEBHOOK_SECRET,
    ):
        assert private not in err, private
    assert "Traceback" not in err


def wait_sent(fake: ThreadedFakeBotApi, chat_id: int, count: int = 1, within: float = 20) -> list[Call]:
    return fake.run(
        fake.api.wait_for("sendMessage", lambda c: c.get("chat_id") == chat_id, count=count, within=within),
        timeout=within + 5,
    )


def test_a_verbose_polling_session_logs_no_user_data_and_no_secret(
    fake: ThreadedFakeBotApi, tmp_path: Path
) -> None:
    env = env_for(fake, tmp_path, AIGUILLEUR_WEBHOOK_SECRET=WEBHOOK_SECRET)
    proc = start_bot(env, tmp_path, "-v")
    try:
        fake.run(fake.api.wait_for("setMyCommands", within=30), timeout=35)
        for text in (f"{clear_need()[0]} {QUESTION}", QUESTION, "/territoire Guingamp", "/stats", "/oubli"):
            fake.call(lambda t=text: fake.api.message(t, user_id=USER_ID, first_name=NAME))  # type: ignore[misc]
        [*_, erase] = wait_sent(fake, USER_ID, count=5)
        fake.call(lambda: fake.api.callback("o:oui", fake.api.sent_message(erase), user_id=USER_ID))
        fake.run(fake.api.wait_for("answerCallbackQuery", within=15), timeout=20)
    finally:
        code, err = stop_bot(proc, signal.SIGTERM)
    assert code == 0, err
    assert " DEBUG " in err or "INFO" in err
    assert_private(err, fake)
    # The files on disk: private, no raw id or name, and nothing of the erased user's questions.
    files = sorted((tmp_path / "data").glob("aiguilleur.db*"))
    assert {f.name for f in files} >= {"aiguilleur.db", "aiguilleur.db.salt"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        data = path.read_bytes()
        for private in (NAME.encode(), str(USER_ID).encode(), b"zorglub"):
            assert private not in data, (path.name, private)


def test_a_verbose_webhook_session_logs_no_user_data_and_loses_nothing_on_sigterm(
    fake: ThreadedFakeBotApi, tmp_path: Path
) -> None:
    """Updates accepted (200) before SIGTERM are all answered before the process exits."""
    port = free_port()
    env = env_for(
        fake,
        tmp_path,
        AIGUILLEUR_WEBHOOK_URL="https://aiguilleur.example.invalid/hook",
        AIGUILLEUR_WEBHOOK_SECRET=WEBHOOK_SECRET,
        AIGUILLEUR_WEBHOOK_PORT=str(port),
        AIGUILLEUR_WEBHOOK_PATH="hook",
    )
    proc = start_bot(env, tmp_path, "--webhook", "-v")
    url = f"http://127.0.0.1:{port}/hook"
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}

    def post(i: int) -> int:
        update = {"update_id": 100 + i, **message_update(i, QUESTION, user_id=USER_ID + i, first_name=NAME)}
        try:
            return httpx.post(url, content=json.dumps(update), headers=headers, timeout=30).status_code
        except httpx.HTTPError:
            return 0  # refused once stopping: Telegram sends it again later

    try:
        fake.run(fake.api.wait_for("setWebhook", within=30), timeout=35)
        deadline = time.monotonic() + 15
        while post(-1) == 0 and time.monotonic() < deadline:  # the server listens just after setWebhook
            time.sleep(0.1)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(post, range(8)))
            wait_sent(fake, USER_ID, 1)  # at least one handled: stop while others are in flight
            code, err = stop_bot(proc, signal.SIGTERM)
    finally:
        if proc.poll() is None:
            stop_bot(proc, signal.SIGKILL)
    assert code == 0, err
    accepted = [i for i, status in enumerate(answers) if status == 200]
    assert accepted, answers
    sent_to = {c.get("chat_id") for c in fake.api.calls_to("sendMessage")}
    assert {USER_ID + i for i in accepted} <= sent_to, "every accepted update was answered"
    assert_private(err, fake)


def test_kill_9_mid_burst_loses_no_update_and_no_vote(fake: ThreadedFakeBotApi, tmp_path: Path) -> None:
    """Updates are confirmed to Telegram only once handled and stored, so after kill -9 the
    batch in progress comes again: the database is sound, no update or vote is lost, at most one
    batch (100 updates) is handled twice, and a vote counts once."""
    env = env_for(fake, tmp_path)
    db = tmp_path / "data" / "aiguilleur.db"
    voters, messages = 20, 300
    proc = start_bot(env, tmp_path)
    try:
        fake.run(fake.api.wait_for("setMyCommands", within=30), timeout=35)
        need = clear_need()[0]
        for v in range(voters):
            fake.call(lambda v=v: fake.api.message(need, user_id=5000 + v))  # type: ignore[misc]
        cards = [wait_sent(fake, 5000 + v)[0] for v in range(voters)]
        mark = fake.call(fake.api.mark)
        for v, card in enumerate(cards):
            data = next(b["callback_data"] for b in card.buttons if b["callback_data"].startswith("f:+"))
            fake.call(
                lambda d=data, c=card, v=v: fake.api.callback(d, fake.api.sent_message(c), user_id=5000 + v)
            )  # type: ignore[misc]
        for i in range(messages):
            fake.call(
                lambda i=i: fake.api.message(f"question sans réponse numéro {i}", user_id=7000 + i % 50)
            )  # type: ignore[misc]
        fake.run(
            fake.api.wait_for("sendMessage", lambda c: c.get("chat_id", 0) >= 7000, count=40, since=mark),
            timeout=60,
        )
    finally:
        proc.kill()  # SIGKILL mid-burst
        proc.communicate(timeout=20)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    proc = start_bot(env, tmp_path)
    try:
        for u in range(50):
            wait_sent(fake, 7000 + u, count=messages // 50, within=60)
        while fake.call(fake.api.pending_updates):  # everything confirmed
            time.sleep(0.05)
    finally:
        code, err = stop_bot(proc, signal.SIGTERM)
    assert code == 0, err
    conn = sqlite3.connect(db)
    try:
        votes = conn.execute("SELECT count(*) FROM feedback").fetchone()[0]
        questions = conn.execute("SELECT count(*) FROM interactions WHERE top_entry IS NULL").fetchone()[0]
    finally:
        conn.close()
    assert votes == voters, "no vote lost, none counted twice"
    assert messages <= questions <= messages + 100, "no update lost; at most one batch handled twice"


FAILURES: dict[str, dict[str, Any]] = {
    "rejected token": {"token": "999999:REJECTED-secret-token-value"},
    "unreachable Bot API": {"base_url": "unreachable"},
    "broken knowledge": {"knowledge": True},
    "store in a directory": {"db_is_dir": True},
    "short salt": {"AIGUILLEUR_SALT": "court"},
    "webhook port taken": {"webhook_port_taken": True},
}


@pytest.mark.parametrize("mode", FAILURES)
def test_no_start_up_failure_of_run_prints_a_secret(
    mode: str, fake: ThreadedFakeBotApi, tmp_path: Path
) -> None:
    """Each way `run` can fail to start is one `Error: …` line, with no token or secret in it."""
    failure = FAILURES[mode]
    extra = {k: v for k, v in failure.items() if k.startswith("AIGUILLEUR_")}
    env = env_for(fake, tmp_path, AIGUILLEUR_WEBHOOK_SECRET=WEBHOOK_SECRET, **extra)
    args: list[str] = []
    if "token" in failure:
        env["AIGUILLEUR_TELEGRAM_TOKEN"] = failure["token"]
    if failure.get("base_url"):
        env["AIGUILLEUR_TELEGRAM_BASE_URL"] = f"http://127.0.0.1:{free_port()}/bot"
    if failure.get("knowledge"):
        broken = tmp_path / "knowledge"
        (broken / "catalogue").mkdir(parents=True)
        (broken / "catalogue" / "x.yaml").write_text("entries: [\n", encoding="utf-8")
        args += ["--knowledge-dir", str(broken)]
    if failure.get("db_is_dir"):
        (tmp_path / "data" / "aiguilleur.db").mkdir(parents=True)
    taken = socket.socket()
    if failure.get("webhook_port_taken"):
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env.update(
            AIGUILLEUR_WEBHOOK_URL="https://aiguilleur.example.invalid/hook",
            AIGUILLEUR_WEBHOOK_LISTEN="127.0.0.1",
            AIGUILLEUR_WEBHOOK_PORT=str(taken.getsockname()[1]),
        )
        args.append("--webhook")
    try:
        proc = start_bot(env, tmp_path, *args)
        _, err = proc.communicate(timeout=60)
    finally:
        taken.close()
    assert proc.returncode in (1, 2), err
    assert "Error: " in err
    secrets = (failure.get("token", ""), "REJECTED-secret-token-value")
    assert all(s not in err for s in secrets if s)
    assert_private(err, fake)
