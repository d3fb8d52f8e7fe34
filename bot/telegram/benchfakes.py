"""The fake Bot API as `bench-bot` drives it: in the bots' own process (`--in-process`) or in a
child process (the default, as Telegram runs on other machines). Both queue updates, wait for
replies and report how many calls of each Bot API method they served."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Protocol

import httpx

from .fakeserver import FakeBotApi

__all__ = ["BenchFake", "LocalFake", "ProcessFake"]


class BenchFake(Protocol):
    token: str

    @property
    def base_url(self) -> str: ...
    async def push(self, updates: list[dict[str, Any]]) -> None: ...
    async def wait_sent(self, chat_id: int, count: int, within: float) -> int: ...
    async def counts(self) -> Counter[str]: ...


class LocalFake:
    """The fake server in this process and event loop (`--in-process`)."""

    def __init__(self) -> None:
        self.api = FakeBotApi()
        self.token = self.api.token

    @property
    def base_url(self) -> str:
        return self.api.base_url

    async def __aenter__(self) -> LocalFake:
        await self.api.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.api.stop()

    async def push(self, updates: list[dict[str, Any]]) -> None:
        for update in updates:
            self.api.push_update(update)

    async def wait_sent(self, chat_id: int, count: int, within: float) -> int:
        """Waits until `count` messages were sent to `chat_id` in all; returns how many were."""
        await self.api.wait_sent_to(chat_id, count, within)
        return int(self.api.sent_to[chat_id])

    async def counts(self) -> Counter[str]:
        return Counter(self.api.counts)


class ProcessFake:
    """The fake server in a child process (`python -m bot.telegram.fakehttp`), driven over HTTP."""

    def __init__(self) -> None:
        self.token = ""
        self._base_url = ""
        self._control = ""
        self._proc: subprocess.Popen[str] | None = None
        self._client: httpx.AsyncClient | None = None

    @property
    def base_url(self) -> str:
        return self._base_url

    def _spawn(self) -> str:
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH", "")]))
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bot.telegram.fakehttp", "--max-seconds", "900"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait(10)
            raise RuntimeError("the fake Bot API server did not start")
        return line

    async def __aenter__(self) -> ProcessFake:
        info = json.loads(await asyncio.to_thread(self._spawn))
        self.token, self._base_url = info["token"], info["base_url"]
        self._control = self._base_url.removesuffix("/bot") + "/control/"
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(600.0))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._proc is not None:
            assert self._proc.stdin is not None
            assert self._proc.stdout is not None
            self._proc.stdin.close()
            self._proc.terminate()
            await asyncio.to_thread(self._proc.wait, 10)
            self._proc.stdout.close()

    async def _call(self, command: str, payload: dict[str, Any]) -> Any:
        assert self._client is not None
        response = await self._client.post(self._control + command, json=payload)
        response.raise_for_status()
        return response.json()["result"]

    async def push(self, updates: list[dict[str, Any]]) -> None:
        await self._call("updates", {"updates": updates})

    async def wait_sent(self, chat_id: int, count: int, within: float) -> int:
        """Waits until `count` messages were sent to `chat_id` in all; returns how many were."""
        return int(await self._call("wait_sent", {"chat_id": chat_id, "count": count, "timeout": within}))

    async def counts(self) -> Counter[str]:
        return Counter({str(k): int(v) for k, v in (await self._call("counts", {})).items()})
