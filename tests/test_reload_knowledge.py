"""`/reload` goes through the whole-directory validation: broken or hostile knowledge is refused
with its problems, and the bot keeps answering from the last good knowledge (places included)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

from fakebot import Call, RunningBot, running_bot

from matching import default_knowledge_dir
from matching.validation import load_engine

ADMIN = 4242
USER = 1001
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
NEED = "on doit recruter un manager de centre-ville à Guingamp"


async def _say(bot: RunningBot, text: str, user_id: int) -> list[Call]:
    mark = bot.api.mark()
    bot.api.message(text, user_id=user_id)
    await bot.api.wait_for("sendMessage", lambda c: c.get("chat_id") == user_id, since=mark)
    await bot.drain()
    return [c for c in bot.api.calls[mark:] if c.method == "sendMessage" and c.get("chat_id") == user_id]


def _play(directory: Path, scenario: Callable[[RunningBot], Awaitable[None]]) -> None:
    async def main() -> None:
        async with running_bot(
            load_engine(directory), admin_ids=frozenset({ADMIN}), knowledge_dir=directory
        ) as bot:
            await scenario(bot)

    asyncio.run(main())


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(default_knowledge_dir(), tmp_path / "knowledge")
    return tmp_path / "knowledge"


def test_refused_reload_of_broken_tables_keeps_guingamp_resolving(tmp_path: Path) -> None:
    """Broken territory tables are refused by /reload, naming the table, and Guingamp still
    resolves to 22070 afterwards."""
    k = _copy(tmp_path)

    async def scenario(bot: RunningBot) -> None:
        (k / "territoires" / "communes.csv.gz").write_bytes(b"\x1f\x8b broken")
        [report] = await _say(bot, "/reload", ADMIN)
        assert "Connaissances invalides" in report.plain_text
        assert "communes.csv.gz" in report.plain_text
        assert bot.app.bot_data["aiguilleur"].engine.resolve_place(NEED).territory.code == "22070"
        replies = await _say(bot, NEED, USER)
        assert "Guingamp" in replies[0].plain_text

    _play(k, scenario)


def test_reload_without_the_tables_directory_is_refused(tmp_path: Path) -> None:
    """A directory that lost `territoires/` would stop recognising places: refused."""
    k = _copy(tmp_path)

    async def scenario(bot: RunningBot) -> None:
        shutil.rmtree(k / "territoires")
        [report] = await _say(bot, "/reload", ADMIN)
        assert "tables des territoires absentes" in report.plain_text

    _play(k, scenario)


def test_reload_refuses_hostile_files_and_keeps_serving(tmp_path: Path) -> None:
    """An alias bomb and a FIFO are refused by /reload without hanging it; answers go on."""
    k = _copy(tmp_path)

    async def scenario(bot: RunningBot) -> None:
        shutil.copy(HOSTILE / "alias_bomb.yaml", k / "vocabulaire.yaml")
        os.mkfifo(k / "catalogue" / "tube.yaml")
        [report] = await _say(bot, "/reload", ADMIN)
        assert "vocabulaire.yaml" in report.plain_text
        assert "tube.yaml" in report.plain_text
        replies = await _say(bot, NEED, USER)
        assert "Prochaine étape" in replies[0].plain_text

    _play(k, scenario)


def test_two_admins_reloading_at_once_both_get_the_new_knowledge(tmp_path: Path) -> None:
    """Two /reload at the same moment (two admins): each gets its answer, the compiled cache is
    whole (no half-written or leftover file) and the bot answers from the new knowledge."""
    k = _copy(tmp_path)
    other_admin = 4343

    async def main() -> None:
        async with running_bot(
            load_engine(k), admin_ids=frozenset({ADMIN, other_admin}), knowledge_dir=k
        ) as bot:
            apec = k / "catalogue" / "apec.yaml"
            apec.write_text(apec.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a new hash
            mark = bot.api.mark()
            bot.api.message("/reload", user_id=ADMIN)
            bot.api.message("/reload", user_id=other_admin)
            for admin in (ADMIN, other_admin):
                await bot.api.wait_for(
                    "sendMessage", lambda c, a=admin: c.get("chat_id") == a, since=mark, within=60.0
                )
            await bot.drain()
            reports = [c.plain_text for c in bot.api.calls[mark:] if c.method == "sendMessage"]
            assert sum("Connaissances rechargées" in r for r in reports) == 2, reports
            replies = await _say(bot, NEED, USER)
            assert "Prochaine étape" in replies[0].plain_text

    asyncio.run(main())
    assert not list(tmp_path.rglob("*.tmp"))
    assert load_engine(k).entries  # the cache left behind loads
