"""`aiguilleur run` as a real process against the fake Bot API on a loopback socket."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakebot import ThreadedFakeBotApi

import bot

__all__ = ["ROOT", "ThreadedFakeBotApi", "env_for", "fake", "start_bot", "stop_bot"]

ROOT = Path(bot.__file__).resolve().parent.parent


@pytest.fixture
def fake() -> Iterator[ThreadedFakeBotApi]:
    with ThreadedFakeBotApi() as server:
        yield server


def env_for(fake: ThreadedFakeBotApi, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGUILLEUR_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(
        {
            "AIGUILLEUR_TELEGRAM_TOKEN": fake.api.token,
            "AIGUILLEUR_TELEGRAM_BASE_URL": fake.api.base_url,
            "AIGUILLEUR_DB": str(tmp_path / "data" / "aiguilleur.db"),
            "AIGUILLEUR_RATE_LIMIT": "false",
            **extra,
        }
    )
    return env


def start_bot(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", *args],
        env=env,
        cwd=cwd,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stop_bot(proc: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:  # pragma: no cover - a hang is the failure we test for
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError("the bot did not stop within 20 s:\n" + err) from None
    return proc.returncode, err
