"""The fake Bot API's loopback HTTP/1.1 server (h11), and its process mode for `bench-bot`:
`python -m bot.telegram.fakehttp` serves on 127.0.0.1 with `/control/…` endpoints that let
another process queue updates and wait for replies."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING, Any, Self

import h11

if TYPE_CHECKING:
    from .fakeserver import FakeBotApi

__all__ = ["LoopbackHTTP", "main"]

HOST = "127.0.0.1"
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_CONNECTIONS = 64
MAX_POLL_SECONDS = 30.0
MAX_CONTROL_UPDATES = 100_000
MAX_LIFETIME_SECONDS = 3600.0


class LoopbackHTTP:
    """`FakeBotApi` over a real socket: `start()`, point PTB at `base_url`, `stop()`."""

    token: str
    port: int
    sent_to: Any
    counts: Any
    _server: asyncio.Server | None
    _connections: set[asyncio.Task[None]]

    async def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError  # pragma: no cover - FakeBotApi's

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover - FakeBotApi's

    async def wait_sent_to(self, chat_id: int, count: int = 1, within: float = 60.0) -> None:
        raise NotImplementedError  # pragma: no cover - FakeBotApi's

    async def start(self) -> Self:
        """Serves HTTP on 127.0.0.1 (a free port) until `stop()`."""
        self._server = await asyncio.start_server(self._serve, HOST, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One keep-alive connection: h11 parses, `handle` answers (bounded headers and bodies)."""
        task = asyncio.current_task()
        if task is None or len(self._connections) >= MAX_CONNECTIONS:
            writer.close()
            return
        self._connections.add(task)
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_BYTES)
        try:
            while True:
                event = await _next_event(conn, reader)
                if not isinstance(event, h11.Request):
                    break
                body = bytearray()
                while isinstance(part := await _next_event(conn, reader), h11.Data):
                    body += part.data
                    if len(body) > MAX_BODY_BYTES:
                        raise ValueError("body too large")
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in event.headers}
                status, answer = await self.handle(
                    event.target.decode("latin-1"), headers.get("content-type", ""), bytes(body)
                )
                payload = json.dumps(answer).encode()
                response = h11.Response(
                    status_code=status,
                    headers=[("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
                )
                out = conn.send(response) or b""
                out += (conn.send(h11.Data(data=payload)) or b"") + (conn.send(h11.EndOfMessage()) or b"")
                writer.write(out)
                await writer.drain()
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    break
                conn.start_next_cycle()
        except (h11.ProtocolError, ConnectionError, ValueError, asyncio.CancelledError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Value for python-telegram-bot's `base_url` (the token is appended by PTB)."""
        return f"http://{HOST}:{self.port}/bot"

    async def _control(self, command: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """`updates` queues a list of updates; `wait_sent` waits for messages to a chat; `counts`."""
        try:
            data = json.loads(body) if body else {}
            if command == "updates":
                updates = data["updates"]
                if not isinstance(updates, list) or len(updates) > MAX_CONTROL_UPDATES:
                    raise ValueError("updates must be a list of at most 100,000 updates")
                for update in updates:
                    self.push_update(dict(update))
                return 200, {"ok": True, "result": len(updates)}
            if command == "wait_sent":
                chat_id, count = int(data["chat_id"]), int(data["count"])
                within = min(float(data.get("timeout", 60)), MAX_POLL_SECONDS * 10)
                try:
                    await self.wait_sent_to(chat_id, count, within)
                except TimeoutError:
                    return 504, {"ok": False, "error_code": 504, "description": "timeout"}
                return 200, {"ok": True, "result": self.sent_to[chat_id]}
            if command == "counts":
                return 200, {"ok": True, "result": dict(self.counts)}
        except (KeyError, TypeError, ValueError) as exc:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


async def _next_event(conn: h11.Connection, reader: asyncio.StreamReader) -> object:
    """The next h11 event, reading from the socket as needed (`h11.ConnectionClosed` at EOF)."""
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        conn.receive_data(await reader.read(65536))


async def _serve_until_stopped(api: FakeBotApi, lifetime: float) -> None:
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Stop when the parent closes our stdin (it died or is done with us), where stdin can be watched.
    try:
        loop.add_reader(0, stop.set)
        watching = True
    except (OSError, ValueError):
        watching = False
    async with api:
        print(json.dumps({"port": api.port, "base_url": api.base_url, "token": api.token}), flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), lifetime)
    if watching:
        loop.remove_reader(0)


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.telegram.fakehttp`: serves on 127.0.0.1 for a benchmark in another process.

    Prints one JSON line (port, base_url, token), then serves until SIGTERM/SIGINT, the end of
    its standard input, or --max-seconds. Loopback only; control endpoints enabled.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.telegram.fakehttp", description=main.__doc__)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args(argv)
    from .fakeserver import FakeBotApi

    api = FakeBotApi(args.token, control=True)
    asyncio.run(_serve_until_stopped(api, min(max(args.max_seconds, 1.0), MAX_LIFETIME_SECONDS)))
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised by the benchmark in a subprocess
    raise SystemExit(main())
