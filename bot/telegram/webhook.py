"""The webhook server (`aiguilleur run --webhook`): Telegram POSTs updates, we answer once handled.

Our own small tornado handler in front of PTB's application (PTB's `customwebhookbot` way),
rather than PTB's built-in one, because the webhook must:
- answer 403 to a missing or wrong secret token (compared in constant time), 400 to a body
  that is not JSON or not an update, and refuse bodies over `MAX_BODY_BYTES`;
- never log the update (PTB's logs it whole at DEBUG, and whole again when it cannot parse it);
- skip an update PTB cannot parse (200, logged by id only), else Telegram sends it forever;
- answer 200 only once the update was handled and its store writes (interaction, card, session)
  are done (bounded), so an update is confirmed to Telegram after processing: a crash
  (`kill -9`) before that and Telegram sends it again, after it nothing is lost;
- on SIGTERM / SIGINT stop accepting, finish the requests in flight and the queued updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
import time
from collections.abc import Sequence
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import Update
from telegram.ext import Application

from .ordering import PerUserOrder
from .polling import parse_update
from .services import SERVICES_KEY, Services

__all__ = ["MAX_BODY_BYTES", "SECRET_HEADER", "WebhookServer", "run_webhook"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024  # Telegram's updates are a few kB
HANDLED_TIMEOUT = 25.0  # answer 200 by then at the latest (Telegram waits up to 60 s)
STOP_TIMEOUT = 30.0


class _UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, server: WebhookServer) -> None:
        self.server = server

    def _answer(self, status: int, text: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": status == 200, "description": text}))

    async def post(self) -> None:
        secret = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(secret.encode(), self.server.secret.encode()):
            self._answer(403, "forbidden")
            return
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            self._answer(400, "expected application/json")
            return
        try:
            data = json.loads(self.request.body)
        except ValueError:
            self._answer(400, "malformed JSON")
            return
        update = parse_update(data, self.server.application.bot) if isinstance(data, dict) else None
        if update is None:
            self._answer(400, "not an update")
            return
        await self.server.handle(update)
        self._answer(200, "ok")

    def log_exception(self, *args: Any) -> None:
        """Tornado would log the request (and so the update): only say that it failed."""
        log.warning("Webhook request failed.")


class WebhookServer:
    """Receives updates for `application` on `listen:port/path`, answering once handled."""

    def __init__(self, application: Application, secret: str, path: str) -> None:  # type: ignore[type-arg]
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self.application = application
        self.secret = secret
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        app = tornado.web.Application(
            [(rf"/{path.strip('/')}/?", _UpdateHandler, {"server": self})], log_function=lambda _: None
        )
        self._http = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY_BYTES, xheaders=False)
        self.port = 0

    def listen(self, port: int, address: str) -> int:
        """Starts accepting connections; returns the port (a free one for port 0)."""
        sockets = tornado.netutil.bind_sockets(port, address)
        self._http.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    async def handle(self, update: Update) -> None:
        """Queues the update and waits (bounded) until it was handled and its store writes done."""
        self.in_flight += 1
        self._idle.clear()
        deadline = time.monotonic() + HANDLED_TIMEOUT
        try:
            processor = self.application.update_processor
            done = processor.track(update.update_id) if isinstance(processor, PerUserOrder) else None
            await self.application.update_queue.put(update)
            if done is not None:
                try:
                    await asyncio.wait_for(asyncio.shield(done), HANDLED_TIMEOUT)
                except TimeoutError:
                    log.warning("Update %d still being handled: acknowledged anyway.", update.update_id)
            services = self.application.bot_data.get(SERVICES_KEY)
            if isinstance(services, Services) and not await services.db.drain(
                max(0.0, deadline - time.monotonic())
            ):
                log.warning("Store writes of update %d still pending: acknowledged anyway.", update.update_id)
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self._idle.set()

    async def stop(self) -> None:
        """Stops accepting, then lets the requests in flight finish (bounded)."""
        self._http.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), STOP_TIMEOUT)
        await self._http.close_all_connections()


async def serve_webhook(
    application: Application,  # type: ignore[type-arg]
    *,
    url: str,
    secret: str,
    listen: str,
    port: int,
    path: str,
    stop: asyncio.Event,
    allowed_updates: Sequence[str] | None = None,
    listening: asyncio.Future[int] | None = None,
) -> None:
    """Runs the bot behind the webhook until `stop` is set, then stops without losing updates;
    `listening` gets the port once the server accepts connections."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        server = WebhookServer(application, secret, path)
        server.listen(port, listen)
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)
        await application.start()
        log.info("Webhook listening on %s:%d.", listen, server.port)
        if listening is not None:
            listening.set_result(server.port)
        await stop.wait()
        await server.stop()
        await application.stop()  # handles what is still queued
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def run_webhook(
    application: Application,  # type: ignore[type-arg]
    *,
    stop_signals: Sequence[signal.Signals] = (signal.SIGINT, signal.SIGTERM),
    **options: Any,
) -> None:
    """Blocking entry point of `aiguilleur run --webhook` (like PTB's `run_webhook`); `options`
    are those of `serve_webhook`."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in stop_signals:
            loop.add_signal_handler(sig, stop.set)
        await serve_webhook(application, stop=stop, **options)

    asyncio.run(main())
