"""Settings from the environment and `.env` files; secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.settings import MIN_SALT_CHARS, Settings, SettingsError, load_settings
from bot.store import Store

DATA = Path(__file__).resolve().parent / "data"

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
        "AIGUILLEUR_SALT=\nAIGUILLEUR_DB=donnees/x.db\nUNRELATED=1\n",
        encoding="utf-8",
    )
    s = Settings(_env_file=env)  # type: ignore[call-arg]
    assert s.token == TOKEN
    assert s.admin_ids == frozenset({5})
    assert s.webhook_url is None
    assert s.salt is None
    assert s.db == Path("donnees/x.db")


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


# -- one reader, one error type ----------------------------------------------------------------


def test_blank_values_mean_unset_never_the_current_directory(tmp_path: Path) -> None:
    """`AIGUILLEUR_DB=` (or only spaces) is unset: the default file, not `Path('.')`."""
    env = tmp_path / ".env"
    env.write_text(
        "AIGUILLEUR_DB=\nAIGUILLEUR_KNOWLEDGE_DIR=   \nAIGUILLEUR_RETENTION_DAYS=\n", encoding="utf-8"
    )
    s = load_settings(env)
    assert s.db == Path("aiguilleur.db")
    assert s.knowledge_dir is None
    assert s.retention_days == 365


def test_environment_wins_over_the_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text("AIGUILLEUR_DB=fichier.db\n", encoding="utf-8")
    monkeypatch.setenv("AIGUILLEUR_DB", "environnement.db")
    assert load_settings(env).db == Path("environnement.db")


def test_a_bad_value_in_the_env_file_names_the_file_and_the_variable_in_french(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("AIGUILLEUR_RETENTION_DAYS=-3\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert (
        str(info.value)
        == f"réglage invalide : AIGUILLEUR_RETENTION_DAYS (fichier {env}) : doit être au moins 1"
    )


def test_a_bad_value_in_the_environment_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGUILLEUR_WEBHOOK_PORT", "huit")
    with pytest.raises(SettingsError) as info:
        load_settings(None)
    assert (
        str(info.value)
        == "réglage invalide : AIGUILLEUR_WEBHOOK_PORT (environnement) : nombre entier attendu"
    )


def test_every_bad_value_is_listed_once(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("AIGUILLEUR_RATE_LIMIT=peut-etre\nAIGUILLEUR_ADMIN_IDS=alice\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert str(info.value).splitlines() == [
        "réglages invalides :",
        f"AIGUILLEUR_ADMIN_IDS (fichier {env}) : identifiants Telegram numériques séparés par des virgules attendus",
        f"AIGUILLEUR_RATE_LIMIT (fichier {env}) : true ou false attendu",
    ]


def test_urls_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Bot API URL must be http(s) with a host; the webhook URL must be HTTPS (Telegram's rule)."""
    monkeypatch.setenv("AIGUILLEUR_TELEGRAM_BASE_URL", "127.0.0.1:8081/bot")
    with pytest.raises(SettingsError, match="AIGUILLEUR_TELEGRAM_BASE_URL .* adresse http:// ou https://"):
        load_settings(None)
    monkeypatch.delenv("AIGUILLEUR_TELEGRAM_BASE_URL")
    monkeypatch.setenv("AIGUILLEUR_WEBHOOK_URL", "http://bot.example.org/telegram")
    with pytest.raises(SettingsError, match="AIGUILLEUR_WEBHOOK_URL .* adresse https:// attendue"):
        load_settings(None)
    monkeypatch.setenv("AIGUILLEUR_WEBHOOK_URL", "https://bot.example.org/telegram")
    assert load_settings(None).webhook_url == "https://bot.example.org/telegram"


def test_an_unreadable_env_file_is_a_settings_error(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_bytes(b"AIGUILLEUR_DB=caf\xe9.db\n")
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert str(info.value) == f"réglage invalide : fichier (fichier {env}) : illisible (UTF-8 attendu)"


def test_settings_errors_never_show_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGUILLEUR_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("AIGUILLEUR_SALT", "court")
    with pytest.raises(SettingsError) as info:
        load_settings(None)
    assert "AIGUILLEUR_SALT (environnement) : le sel doit compter au moins 32 caractères" in str(info.value)
    assert TOKEN not in str(info.value)
    assert "court" not in str(info.value)


def test_the_engine_reads_no_configuration() -> None:
    """matching/ is pure: only bot/settings.py reads the environment; the bot passes directories."""
    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "matching").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text, path
        assert "getenv" not in text, path
    readers = [
        p.relative_to(root).as_posix()
        for p in sorted((root / "bot").rglob("*.py"))
        if "os.environ.get(" in p.read_text(encoding="utf-8") or "getenv(" in p.read_text(encoding="utf-8")
    ]
    assert readers == ["bot/settings.py"]


# -- the command line reads the same settings ----------------------------------------------------


def test_report_honours_the_database_named_in_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "donnees" / "bot.db"
    db.parent.mkdir()
    store = Store.open(db, salt="x" * MIN_SALT_CHARS)
    try:
        store.log_interaction(1, status="no_match", question="horaires de la piscine")
    finally:
        store.close()
    (tmp_path / ".env").write_text(f"AIGUILLEUR_DB={db}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--knowledge-dir", str(DATA / "mini")]) == 0
    assert "| horaires de la piscine | 1 |" in capsys.readouterr().out


def test_commands_honour_the_knowledge_directory_named_in_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text(f"AIGUILLEUR_KNOWLEDGE_DIR={DATA / 'mini'}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 0
    assert f"valides dans {DATA / 'mini'}." in capsys.readouterr().out


def test_bad_settings_stop_any_command_with_one_french_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("AIGUILLEUR_CONCURRENT_UPDATES=0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["ask", "mentorat"]) == 2
    assert capsys.readouterr().err == (
        "Error: réglage invalide : AIGUILLEUR_CONCURRENT_UPDATES (fichier .env) : doit être au moins 1\n"
    )
