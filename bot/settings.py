"""Runtime settings of the Telegram bot, read from the environment or a `.env` file.

Every variable is prefixed with `AIGUILLEUR_` (see `.env.example`). Secrets are `SecretStr`, so
they never show up in a repr, a log line or a validation error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["MIN_SALT_CHARS", "Settings"]

# A shorter salt makes the pseudonymous user keys guessable by brute force.
MIN_SALT_CHARS = 32


class Settings(BaseSettings):
    """Everything `aiguilleur run` needs; only the token is required, and only to run."""

    model_config = SettingsConfigDict(
        env_prefix="AIGUILLEUR_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        hide_input_in_errors=True,
    )

    telegram_token: SecretStr | None = Field(default=None, description="Token given by @BotFather.")
    telegram_base_url: str | None = Field(
        default=None,
        description="Bot API base URL (python-telegram-bot's base_url), e.g. http://127.0.0.1:8081/bot.",
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description="Comma-separated Telegram user ids allowed to use /reload and /stats.",
    )
    db: Path = Field(default=Path("aiguilleur.db"), description="SQLite file of the store.")
    knowledge_dir: Path | None = Field(
        default=None, description="Knowledge directory (default: the shipped one)."
    )
    rate_limit: bool = Field(
        default=True, description="Use python-telegram-bot's AIORateLimiter (Telegram's limits)."
    )
    concurrent_updates: int = Field(
        default=4,
        ge=1,
        le=256,
        description="Updates handled at once (one user's messages still run in order); 1 = strictly sequential.",
    )
    retention_days: int = Field(default=365, ge=1, description="Interactions older than this are purged.")
    salt: SecretStr | None = Field(
        default=None,
        description="Secret salt of the pseudonymous user keys; generated next to the DB when unset.",
    )
    webhook_url: str | None = Field(default=None, description="Public HTTPS URL Telegram posts updates to.")
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token checked on every webhook request."
    )
    webhook_listen: str = Field(default="127.0.0.1", description="Address the webhook server listens on.")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Port the webhook server listens on.")
    webhook_path: str = Field(default="telegram", description="URL path of the webhook on the local server.")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accepts "123, 456" (environment) as well as a list of ints."""
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return frozenset(int(p) for p in parts if p)
        return value

    @field_validator(
        "telegram_base_url", "webhook_url", "knowledge_dir", "salt", "webhook_secret", mode="before"
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """`AIGUILLEUR_WEBHOOK_URL=` in a .env file means unset."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("salt")
    @classmethod
    def _long_salt(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < MIN_SALT_CHARS:
            raise ValueError(
                f"le sel doit compter au moins {MIN_SALT_CHARS} caractères (ex. : python -c "
                "'import secrets; print(secrets.token_hex(32))')"
            )
        return value

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    @property
    def token(self) -> str | None:
        """The bot token in clear (for python-telegram-bot only; never log it)."""
        return self.telegram_token.get_secret_value() if self.telegram_token else None
