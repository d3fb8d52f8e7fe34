"""`aiguilleur ask`: one answer in French or JSON, or JSON Lines for a batch on stdin."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from matching import Answer, Engine

from ..dialogue import Dialogue, Session
from ..render import PLAIN, render
from .base import Command
from .common import json_line, knowledge_option, load_engine, print_json
from .params import Integer


@click.command(
    "ask",
    cls=Command,
    help="Trouve l'offre ou le programme qui répond au besoin, et qui contacter.",
)
@click.argument(
    "text", metavar="TEXTE", help="le besoin, entre guillemets ; « - » pour lire une question par ligne"
)
@click.option("--top", type=Integer(min=1), default=3, metavar="N", help="nombre de résultats (défaut 3)")
@click.option("--json", "as_json", is_flag=True, help="sortie JSON")
@knowledge_option
def command(text: str, top: int, as_json: bool, knowledge_dir: Path | None) -> int:
    """One answer, or JSON Lines for `-`."""
    engine = load_engine(knowledge_dir)
    if text == "-":
        return batch(engine, top)
    answer = engine.ask(text, top=top)
    if as_json:
        print_json(answer.to_json())
    else:
        click.echo(human(engine, answer))
    return 0


def batch(engine: Engine, top: int) -> int:
    """One JSON object per input line, in order; bad lines give `no_match`, never a crash."""
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        answer = engine.ask(line, top=top)
        sys.stdout.write(json_line(answer.to_json()) + "\n")
        sys.stdout.flush()
    return 0


def human(engine: Engine, answer: Answer) -> str:
    """The French answer a person reads: same replies as the chat, choices listed."""
    session = Session()
    outcome = Dialogue(engine).answer_outcome(session, answer)
    blocks: list[str] = []
    for reply in outcome.replies:
        if reply.kind == "ask_place":
            blocks.append(
                "Le bon contact dépend de votre territoire : précisez la commune dans la question "
                "(par exemple « … à Guingamp »)."
            )
            continue
        text = render(reply, PLAIN)
        options = [
            c.label.removeprefix("Autre piste : ") for c in reply.choices if c.action.startswith(("e:", "p:"))
        ]
        if options:
            header = "Autres pistes :" if reply.kind == "card" else ""
            text += ("\n" + header if header else "") + "\n" + "\n".join(f"  - {o}" for o in options)
        blocks.append(text)
    return "\n\n".join(blocks)
