"""`aiguilleur run`: settings errors, and the real process polling (or serving a webhook for)
the fake Bot API server, stopped by SIGTERM / SIGINT with exit code 0."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import time
from pathlib import Path

import httpx
import pytest
from botprocess import ThreadedFakeBotApi, env_for, start_bot, stop_bot
from botprocess import fake as fake  # noqa: F401 - the fixture

from bot.cli import main
from bot.commands.run import MISSING_TOKEN


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("AIGUILLEUR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path


def test_missing_token_is_a_usage_error_in_french_and_english(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ")
    assert "AIGUILLEUR_TELEGRAM_TOKEN" in err
    assert "manquant" in err
    assert "missing" in err
    assert MISSING_TOKEN in err


def test_webhook_without_url_and_invalid_settings_are_usage_errors(
    clean_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AIGUILLEUR_TELEGRAM_TOKEN", "123:never-printed")
    assert main(["run", "--webhook"]) == 2
    assert "AIGUILLEUR_WEBHOOK_URL" in capsys.readouterr().err
    (clean_env / ".env").write_text("AIGUILLEUR_RETENTION_DAYS=-3\n", encoding="utf-8")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "AIGUILLEUR_RETENTION_DAYS (fichier .env)" in err
    assert "never-printed" not in err


def test_run_polls_answers_and_stops_cleanly_on_sigterm(fake: ThreadedFakeBotApi, tmp_path: Path) -> None:
    proc = start_bot(env_for(fake, tmp_path), tmp_path)
    try:
        fake.run(fake.api.wait_for("setMyCommands", within=30), timeout=35)
        mark = fake.call(fake.api.mark)
        fake.call(lambda: fake.api.message("/start", user_id=55))
        [greeting] = fake.run(fake.api.wait_for("sendMessage", since=mark, within=15), timeout=20)
        assert greeting.plain_text.startswith("Bonjour")
    finally:
        code, err = stop_bot(proc, signal.SIGTERM)
    assert code == 0, err
    assert fake.api.token not in err
    assert fake.api.token.split(":")[1] not in err
    salt = tmp_path / "data" / "aiguilleur.db.salt"
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600


def test_run_webhook_checks_the_secret_and_stops_on_sigint(fake: ThreadedFakeBotApi, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    secret = "webhook-secret_123"
    env = env_for(
        fake,
        tmp_path,
        AIGUILLEUR_WEBHOOK_URL="https://aiguilleur.example.invalid/hook",
        AIGUILLEUR_WEBHOOK_SECRET=secret,
        AIGUILLEUR_WEBHOOK_PORT=str(port),
        AIGUILLEUR_WEBHOOK_PATH="hook",
    )
    proc = start_bot(env, tmp_path, "--webhook")
    try:
        fake.run(fake.api.wait_for("setWebhook", within=30), timeout=35)
        assert fake.api.webhook["secret_token"] == secret
        update = {
            "update_id": 9,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": 56, "type": "private"},
                "from": {"id": 56, "is_bot": False, "first_name": "A"},
                "text": "/aide",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        url = f"http://127.0.0.1:{port}/hook"
        headers = {"Content-Type": "application/json"}
        deadline = time.monotonic() + 15
        while True:  # the web server may start listening just after setWebhook
            try:
                refused = httpx.post(url, content=json.dumps(update), headers=headers, timeout=5)
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert refused.status_code == 403
        ok = httpx.post(
            url,
            content=json.dumps(update),
            headers={**headers, "X-Telegram-Bot-Api-Secret-Token": secret},
            timeout=5,
        )
        assert ok.status_code == 200
        [reply] = fake.run(fake.api.wait_for("sendMessage", within=15), timeout=20)
        assert reply["chat_id"] == 56
        assert "/catalogue" in reply.plain_text
    finally:
        code, err = stop_bot(proc, signal.SIGINT)
    assert code == 0, err
    assert fake.api.token not in err


def test_token_is_redacted_from_log_records_and_tracebacks() -> None:
    import io
    import logging

    from bot.telegram.app import quiet_http_logs
    from bot.telegram.logs import PrivacyFilter

    token = "999:secret-token-value"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PrivacyFilter([token]))
    logger = logging.getLogger("bot.tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("POST https://api.telegram.org/bot%s/getMe", token)
        try:
            raise RuntimeError(f"failed: https://api.telegram.org/bot{token}/sendMessage")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "secret-token-value" not in text
    assert text.count("<token>") == 1
    assert "RuntimeError (message not logged" in text
    quiet_http_logs()
    assert logging.getLogger("httpx").level == logging.WARNING
