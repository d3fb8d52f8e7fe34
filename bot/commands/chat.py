"""`aiguilleur chat`: the bot's conversation in a terminal, choices shown as numbers.

Typed or piped: `printf 'recruter un manager à Guingamp\\nc est qui le contact ?\\n' | aiguilleur chat`
prints each line read ("> …") and its reply, and ends with exit code 0 at the end of input.
With `--db`, the conversation is kept in the bot's SQLite store (under a pseudonymous key), so
the next `aiguilleur chat --db …` carries on where it stopped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..dialogue import Dialogue, Session
from ..dialogue.terminal import TerminalChat, typed_lines
from .base import Command
from .common import knowledge_option, load_engine, open_store

# The terminal's user in the store: Telegram ids are positive, so 0 is nobody's.
TERMINAL_USER = 0


@click.command(
    "chat",
    cls=Command,
    help="Converse comme le bot Telegram : les boutons deviennent des numéros. "
    "Lit aussi une conversation sur l'entrée standard (une ligne par message).",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FICHIER",
    help="garder la conversation dans cette base SQLite (elle reprend au lancement suivant)",
)
@knowledge_option
def command(db: Path | None, knowledge_dir: Path | None) -> int:
    """The terminal conversation, until /quitter or the end of input."""
    dialogue = Dialogue(load_engine(knowledge_dir))
    interactive = sys.stdin.isatty()
    lines: Iterable[str] = typed_lines() if interactive else _piped_lines()
    if db is None:
        return TerminalChat(dialogue).loop(lines, click.echo, interactive=interactive)
    store = open_store(db)
    key = store.user_key(TERMINAL_USER)
    try:
        chat = TerminalChat(dialogue, Session.from_dict(store.load_session(key)))
        return chat.loop(
            lines, click.echo, interactive=interactive, save=lambda s: store.save_session(key, s.to_dict())
        )
    finally:
        store.close()


def _piped_lines() -> Iterable[str]:
    """Lines of a piped standard input; bytes that are not UTF-8 become U+FFFD, never a crash."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream (tests): already decoded
        yield from sys.stdin
        return
    for raw in buffer:
        yield raw.decode("utf-8", errors="replace")
