"""Settings from the environment and `.env` files; secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings

TOKEN = "123456:ABC-secret-token"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("AIGUILLEUR_"):
            monkeypatch.delenv(name)


def test_defaults_without_any_setting() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.telegram_token is None
    assert s.token is None
    assert s.rate_limit is True
    assert s.retention_days == 365
    assert s.concurrent_updates == 4
    assert s.db == Path("aiguilleur.db")
    assert s.admin_ids == frozenset()
    assert s.webhook_listen == "127.0.0.1"
    assert s.webhook_port == 8443


def test_environment_with_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGUILLEUR_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("AIGUILLEUR_ADMIN_IDS", "42, 7 ,")
    monkeypatch.setenv("AIGUILLEUR_RATE_LIMIT", "false")
    monkeypatch.setenv("AIGUILLEUR_RETENTION_DAYS", "30")
    monkeypatch.setenv("AIGUILLEUR_TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("AIGUILLEUR_WEBHOOK_PORT", "8080")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.token == TOKEN
    assert s.admin_ids == frozenset({42, 7})
    assert s.is_admin(42)
    assert not s.is_admin(8)
    assert not s.is_admin(None)
    assert s.rate_limit is False
    assert s.retention_days == 30
    assert s.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert s.webhook_port == 8080
    assert TOKEN not in repr(s)
    assert TOKEN not in str(s)


def test_dotenv_file_and_empty_values(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        f"AIGUILLEUR_TELEGRAM_TOKEN={TOKEN}\nAIGUILLEUR_ADMIN_IDS=5\nAIGUILLEUR_WEBHOOK_URL=\n"
        "AIGUILLEUR_SALT=\nAIGUILLEUR_DB=/tmp/x.db\nUNRELATED=1\n",
        encoding="utf-8",
    )
    s = Settings(_env_file=env)  # type: ignore[call-arg]
    assert s.token == TOKEN
    assert s.admin_ids == frozenset({5})
    assert s.webhook_url is None
    assert s.salt is None
    assert s.db == Path("/tmp/x.db")


def test_example_file_lists_every_setting() -> None:
    example = Path(__file__).resolve().parent.parent / ".env.example"
    if not example.exists():
        pytest.skip(".env.example is not shipped in this installation")
    text = example.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"AIGUILLEUR_{name.upper()}=" in text


def test_invalid_values_are_reported_without_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGUILLEUR_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("AIGUILLEUR_RETENTION_DAYS", "0")
    with pytest.raises(ValidationError) as info:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert TOKEN not in str(info.value)
    monkeypatch.setenv("AIGUILLEUR_RETENTION_DAYS", "10")
    monkeypatch.setenv("AIGUILLEUR_ADMIN_IDS", "alice")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]
