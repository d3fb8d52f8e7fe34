"""`aiguilleur ask`: one answer in French or JSON, or JSON Lines for a batch on stdin."""

from __future__ import annotations

import argparse
import json
import sys

from matching import Answer, Engine

from ..dialogue import Dialogue, Session
from ..render import PLAIN, render
from .common import CliError, add_knowledge_option, load_engine, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "ask",
        help="répondre à un besoin (« - » : une question par ligne sur l'entrée standard, JSON Lines)",
        description="Trouve l'offre ou le programme qui répond au besoin, et qui contacter.",
    )
    p.add_argument("text", help="le besoin, entre guillemets ; « - » pour lire une question par ligne")
    p.add_argument("--top", type=int, default=3, help="nombre de résultats (défaut 3)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    add_knowledge_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise CliError("--top doit être au moins 1", code=2)
    engine = load_engine(args)
    if args.text == "-":
        return batch(engine, args.top)
    answer = engine.ask(args.text, top=args.top)
    if args.json:
        print_json(answer.to_json())
    else:
        print(human(engine, answer))
    return 0


def batch(engine: Engine, top: int) -> int:
    """One JSON object per input line, in order; bad lines give `no_match`, never a crash."""
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        answer = engine.ask(line, top=top)
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
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
