"""Webhook mode: the real application behind our webhook server on 127.0.0.1 (the Bot API side
is the fake, through httpx.MockTransport).

Telegram signs each webhook request with the secret token given to setWebhook; requests
without it (or with another) are refused and never reach the handlers. An update is answered
200 once handled, so Telegram redelivers what a crash interrupted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fakebot import RecordingBotApi, clear_need, mocked, settings_for
from pydantic import SecretStr
from shared import shared_engine as engine

from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.fakeupdates import message_update
from bot.telegram.services import SERVICES_KEY, Services
from bot.telegram.webhook import MAX_BODY_BYTES, SECRET_HEADER, serve_webhook

SECRET = "s3cret-Token_for-tests"
JSON = {"Content-Type": "application/json"}
SIGNED = {**JSON, SECRET_HEADER: SECRET}


def update(update_id: int, text: str = "/start", user_id: int = 77) -> str:
    return json.dumps({"update_id": update_id, **message_update(update_id, text, user_id=user_id)})


Scenario = Callable[[RecordingBotApi, str, httpx.AsyncClient], Awaitable[None]]


def serve(scenario: Scenario, seen: dict[str, Any] | None = None) -> None:
    """Runs `scenario` against the bot behind the webhook; `seen` receives its store and services."""

    async def main() -> None:
        store = Store.memory()
        api = RecordingBotApi()
        settings = settings_for(
            api,
            webhook_url="https://aiguilleur.example.invalid/telegram",
            webhook_secret=SecretStr(SECRET),
        )
        app = build_application(settings, engine(), store, updater=False, **mocked(api))
        if seen is not None:
            seen.update(store=store, services=app.bot_data[SERVICES_KEY])
        stop = asyncio.Event()
        listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        server = asyncio.create_task(
            serve_webhook(
                app,
                url=str(settings.webhook_url),
                secret=SECRET,
                listen="127.0.0.1",
                port=0,
                path="telegram",
                stop=stop,
                listening=listening,
            )
        )
        try:
            [hook] = await api.wait_for("setWebhook", within=10)
            assert hook["secret_token"] == SECRET
            port = await asyncio.wait_for(listening, 10)
            async with httpx.AsyncClient(timeout=10) as client:
                await scenario(api, f"http://127.0.0.1:{port}/telegram", client)
        finally:
            stop.set()
            await server
            store.close()

    asyncio.run(main())


def test_a_missing_or_wrong_secret_is_refused_with_403() -> None:
    async def scenario(api: RecordingBotApi, url: str, client: httpx.AsyncClient) -> None:
        missing = await client.post(url, content=update(1), headers=JSON)
        wrong = await client.post(url, content=update(2), headers={**JSON, SECRET_HEADER: "nope"})
        assert (missing.status_code, wrong.status_code) == (403, 403)
        good = await client.post(url, content=update(3), headers=SIGNED)
        assert good.status_code == 200
        assert [c["chat_id"] for c in api.calls_to("sendMessage")] == [77], "only the signed update"

    serve(scenario)


def test_malformed_json_or_a_non_update_is_a_400() -> None:
    async def scenario(api: RecordingBotApi, url: str, client: httpx.AsyncClient) -> None:
        for body in ("{not json", "[1, 2]", '{"message": {}}', '"texte"'):
            answer = await client.post(url, content=body, headers=SIGNED)
            assert answer.status_code == 400, body
        assert (await client.post(url, content=update(5), headers=SIGNED)).status_code == 200

    serve(scenario)


def test_oversize_bodies_are_refused_and_the_bot_goes_on() -> None:
    async def scenario(api: RecordingBotApi, url: str, client: httpx.AsyncClient) -> None:
        huge = update(6, "x" * (MAX_BODY_BYTES + 10))
        try:
            answer = await client.post(url, content=huge, headers=SIGNED)
        except httpx.HTTPError:  # the server may close the connection before the body is sent
            pass
        else:
            assert answer.status_code in (400, 413)
        assert api.calls_to("sendMessage") == []
        assert (await client.post(url, content=update(7), headers=SIGNED)).status_code == 200

    serve(scenario)


def test_an_update_is_acknowledged_only_once_handled(caplog: pytest.LogCaptureFixture) -> None:
    """When the 200 comes back, the reply was already sent; a poison update gets its 200 too."""

    async def scenario(api: RecordingBotApi, url: str, client: httpx.AsyncClient) -> None:
        poison = json.dumps({"update_id": 8, "poll": {"id": "1", "question": "Secrète ?"}})
        assert (await client.post(url, content=poison, headers=SIGNED)).status_code == 200
        answers = await asyncio.gather(
            *(
                client.post(url, content=update(10 + i, "/aide", user_id=100 + i), headers=SIGNED)
                for i in range(5)
            )
        )
        assert [a.status_code for a in answers] == [200] * 5
        assert sorted(c["chat_id"] for c in api.calls_to("sendMessage")) == [100, 101, 102, 103, 104]

    with caplog.at_level(logging.DEBUG):
        serve(scenario)
    assert "Skipped update 8" in caplog.text
    assert "Secrète" not in caplog.text
    assert SECRET not in caplog.text


def test_an_update_is_acknowledged_only_once_its_rows_are_stored() -> None:
    """A 200 confirms the update to Telegram for good, so it waits for the store writes the update
    made (interaction, card shown): a kill -9 right after the 200 loses no row. While the store
    is slow (here: its worker busy), the reply is sent but the 200 waits."""
    seen: dict[str, Any] = {}
    need, _ = clear_need()

    async def scenario(api: RecordingBotApi, url: str, client: httpx.AsyncClient) -> None:
        store, services = seen["store"], seen["services"]
        assert isinstance(services, Services)
        release = threading.Event()
        services.db.write("slow disk", lambda _store: release.wait(20))
        post = asyncio.ensure_future(client.post(url, content=update(30, need, user_id=300), headers=SIGNED))
        await api.wait_for("sendMessage", lambda c: c.get("chat_id") == 300, within=10)
        done, _ = await asyncio.wait({post}, timeout=1.0)
        assert not done, "acknowledged to Telegram before its rows were stored"
        release.set()
        assert (await post).status_code == 200
        count = {
            t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("interactions", "cards")
        }
        assert count["interactions"] == 1, "the interaction is stored before the 200"
        assert count["cards"] >= 1, "the card shown is stored before the 200 (its vote will count)"

    serve(scenario, seen)
