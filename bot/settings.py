"""Runtime settings, read from the environment or a `.env` file: the only reader of configuration.

Every variable is prefixed with `AIGUILLEUR_` (see `.env.example`); an empty value (`AIGUILLEUR_DB=`)
means unset. Secrets are `SecretStr`, so they never show up in a repr, a log line or an error.
`load_settings` is the entry point of the command line: any bad value becomes one `SettingsError`
naming where it came from (the `.env` file or the environment) and the variable, in French.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    HttpUrl,
    PrivateAttr,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticUseDefault
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

__all__ = ["ENV_PREFIX", "MIN_SALT_CHARS", "Settings", "SettingsError", "load_settings"]

ENV_PREFIX = "AIGUILLEUR_"
# A shorter salt makes the pseudonymous user keys guessable by brute force.
MIN_SALT_CHARS = 32
_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    """An http(s) URL with a host, kept as written (python-telegram-bot takes text)."""
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError:
        raise ValueError("adresse http:// ou https:// attendue, avec un nom d'hôte") from None
    return value


def _https_url(value: str) -> str:
    """Telegram only posts webhooks to HTTPS addresses."""
    if not _http_url(value).lower().startswith("https://"):
        raise ValueError("adresse https:// attendue (Telegram n'envoie les webhooks qu'en HTTPS)")
    return value


HttpUrlText = Annotated[str, AfterValidator(_http_url)]
HttpsUrlText = Annotated[str, AfterValidator(_https_url)]


class Settings(BaseSettings):
    """Everything the program can be configured with; only the token is required, and only to run."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        hide_input_in_errors=True,
    )

    telegram_token: SecretStr | None = Field(default=None, description="Token given by @BotFather.")
    telegram_base_url: HttpUrlText | None = Field(
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
    cache_dir: Path | None = Field(
        default=None,
        description="Where the compiled knowledge of a directory that must not be written into "
        "(an installed package) is kept; unset: in memory only.",
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
    webhook_url: HttpsUrlText | None = Field(
        default=None, description="Public HTTPS URL Telegram posts updates to."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token checked on every webhook request."
    )
    webhook_listen: str = Field(default="127.0.0.1", description="Address the webhook server listens on.")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Port the webhook server listens on.")
    webhook_path: str = Field(default="telegram", description="URL path of the webhook on the local server.")
    # Where each set value came from ("environnement", "fichier .env"), filled by load_settings.
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`AIGUILLEUR_DB=   ` means unset, like `AIGUILLEUR_DB=` (never `Path('.')`)."""
        if isinstance(value, str) and not value.strip():
            raise PydanticUseDefault()
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accepts "123, 456" (environment) as well as a list of ints."""
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(p) for p in parts if p)
            except ValueError:
                raise ValueError(
                    "identifiants Telegram numériques séparés par des virgules attendus"
                ) from None
        return value

    @field_validator("salt")
    @classmethod
    def _long_salt(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < MIN_SALT_CHARS:
            raise ValueError(
                f"le sel doit compter au moins {MIN_SALT_CHARS} caractères (ex. : python -c "
                "'import secrets; print(secrets.token_hex(32))')"
            )
        return value

    def origin(self, field: str) -> str | None:
        """Where the value of `field` was read ("environnement", "fichier .env"); None when unset."""
        return self._origins.get(field)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    @property
    def token(self) -> str | None:
        """The bot token in clear (for python-telegram-bot only; never log it)."""
        return self.telegram_token.get_secret_value() if self.telegram_token else None


# -- the one error type for bad settings --------------------------------------------------------


class SettingsError(Exception):
    """Settings that cannot be used: each problem names its source, its variable and why, in French."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        self.problems = tuple(problems)  # (source, variable, message)
        lines = [f"{variable} ({source}) : {message}" for source, variable, message in self.problems]
        text = (
            f"réglage invalide : {lines[0]}"
            if len(lines) == 1
            else "réglages invalides :\n" + "\n".join(lines)
        )
        super().__init__(text)


_MESSAGES = {
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_parsing": "true ou false attendu",
    "greater_than_equal": "doit être au moins {ge}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than_equal": "doit être au plus {le}",
    "less_than": "doit être inférieur à {lt}",
    "string_type": "texte attendu",
    "path_type": "chemin attendu",
}


def _french(error: Any) -> str:
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = _MESSAGES.get(error["type"])
    return template.format(**ctx) if template else str(error["msg"])


def _where(variable: str, env_file: Path | None, file_values: dict[str, str | None]) -> str:
    if os.environ.get(variable, "").strip():
        return "environnement"
    if env_file is not None and (file_values.get(variable) or "").strip():
        return f"fichier {env_file}"
    return "réglages"


def load_settings(env_file: Path | None = Path(".env"), **overrides: Any) -> Settings:
    """The settings from the environment and `env_file` (when it exists; the environment wins).

    Raises SettingsError, never pydantic's errors, so every caller reports bad settings the same way."""
    env_file = env_file if env_file is not None and env_file.is_file() else None
    file_values: dict[str, str | None] = {}
    if env_file is not None:
        from dotenv import dotenv_values  # a dependency of pydantic-settings

        try:
            file_values = {k.upper(): v for k, v in dotenv_values(env_file, encoding="utf-8").items()}
        except (OSError, UnicodeDecodeError) as exc:
            reason = "UTF-8 attendu" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
            raise SettingsError([(f"fichier {env_file}", "fichier", f"illisible ({reason})")]) from None
    try:
        settings = Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = str(error["loc"][0]) if error["loc"] else "?"
            variable = ENV_PREFIX + field.upper()
            problems.append((_where(variable, env_file, file_values), variable, _french(error)))
        raise SettingsError(problems) from None
    except PydanticSettingsError as exc:
        raise SettingsError([("réglages", "?", str(exc))]) from None
    for field in settings.model_fields_set - set(overrides):
        settings._origins[field] = _where(ENV_PREFIX + field.upper(), env_file, file_values)
    return settings
