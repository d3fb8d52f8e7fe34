"""Webhook mode: the real application behind python-telegram-bot's webhook server on 127.0.0.1.

Telegram signs each webhook request with the secret token given to setWebhook; requests
without it (or with another) are refused and never reach the handlers.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import httpx
from fakebot import MOCK_BASE_URL, RecordingBotApi, mocked
from pydantic import SecretStr
from shared import shared_engine as engine

from bot.settings import Settings
from bot.store import Store
from bot.telegram.app import build_application

SECRET = "s3cret-Token_for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_webhook_accepts_only_requests_with_the_secret_token() -> None:
    port = free_port()

    async def main() -> None:
        store = Store.memory()
        api = RecordingBotApi()
        if True:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                telegram_token=SecretStr(api.token),
                telegram_base_url=MOCK_BASE_URL,
                rate_limit=False,
                webhook_url="https://aiguilleur.example.invalid/telegram",
                webhook_secret=SecretStr(SECRET),
            )
            app = build_application(settings, engine(), store, **mocked(api))
            await app.initialize()
            assert app.post_init is not None
            assert app.updater is not None
            await app.post_init(app)
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="telegram",
                webhook_url=settings.webhook_url,
                secret_token=SECRET,
            )
            await app.start()
            try:
                assert api.webhook == {
                    "url": "https://aiguilleur.example.invalid/telegram",
                    "secret_token": SECRET,
                }
                url = f"http://127.0.0.1:{port}/telegram"
                update: dict[str, Any] = {
                    "update_id": 1,
                    "message": {
                        "message_id": 5,
                        "date": 0,
                        "chat": {"id": 77, "type": "private"},
                        "from": {"id": 77, "is_bot": False, "first_name": "Agent"},
                        "text": "/start",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                    },
                }
                body = json.dumps(update)
                async with httpx.AsyncClient(timeout=5) as client:
                    headers = {"Content-Type": "application/json"}
                    missing = await client.post(url, content=body, headers=headers)
                    wrong = await client.post(url, content=body, headers={**headers, HEADER: "nope"})
                    assert missing.status_code == 403
                    assert wrong.status_code == 403
                    await asyncio.sleep(0.2)
                    assert api.calls_to("sendMessage") == [], "refused updates never reach the handlers"
                    good = await client.post(url, content=body, headers={**headers, HEADER: SECRET})
                    assert good.status_code == 200
                [greeting] = await api.wait_for("sendMessage", within=5)
                assert greeting["chat_id"] == 77
                assert greeting.plain_text.startswith("Bonjour")
            finally:
                await app.updater.stop()
                await app.stop()
                await app.shutdown()
        store.close()

    asyncio.run(main())
