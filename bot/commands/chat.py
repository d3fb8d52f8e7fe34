"""`aiguilleur chat`: the bot's conversation in a terminal, choices shown as numbers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from ..dialogue import Choice, Dialogue, Outcome, Reply, Session
from ..render import PLAIN, render
from .base import Command
from .common import knowledge_option, load_engine

WELCOME = (
    "Bonjour ! Je suis Aiguilleur. Décrivez le besoin de votre collectivité en une phrase, "
    "par exemple « on doit recruter un manager de centre-ville à Guingamp ».\n"
    "Je vous indique l'offre Apec ou le programme ANCT adapté, et qui contacter sur votre territoire.\n"
    "Commandes : /catalogue, /territoire [commune], /aide, /quitter. Tapez un numéro pour choisir une option."
)
HELP = (
    "Écrivez votre besoin avec vos mots (sigles acceptés : PVD, ACV, QPV, VTA, CRTE…), "
    "ajoutez votre commune si vous voulez le bon contact local.\n"
    "/catalogue : parcourir les offres et programmes — /territoire : voir ou changer votre commune — /quitter : sortir."
)


@click.command(
    "chat",
    cls=Command,
    help="Converse comme le bot Telegram : les boutons deviennent des numéros.",
)
@knowledge_option
def command(knowledge_dir: Path | None) -> int:
    """The terminal conversation, until /quitter or end of input."""
    chat = TerminalChat(Dialogue(load_engine(knowledge_dir)))
    return chat.loop(input_fn=input, output=click.echo)


class TerminalChat:
    """Keeps the session and the numbered choices of the last reply."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue = dialogue
        self.session = Session()
        self.choices: list[Choice] = []

    def loop(self, input_fn: Callable[[str], str], output: Callable[[str], None]) -> int:
        output(WELCOME)
        while True:
            try:
                line = input_fn("\n> ")
            except EOFError:
                output("\nAu revoir !")
                return 0
            if line.strip().lower() in {"/quitter", "/quit", "/exit", "quitter"}:
                output("Au revoir !")
                return 0
            output(self.handle(line))

    def handle(self, line: str) -> str:
        """The text printed for one line typed by the user."""
        text = line.strip()
        if text.isdigit() and self.choices:
            number = int(text)
            if not 1 <= number <= len(self.choices):
                return f"Choisissez un numéro entre 1 et {len(self.choices)}."
            return self.show(self.dialogue.on_action(self.session, self.choices[number - 1].action))
        if text.startswith("/"):
            return self.command(text)
        return self.show(self.dialogue.on_text(self.session, text))

    def command(self, text: str) -> str:
        name, _, rest = text.partition(" ")
        if name in {"/aide", "/help", "/start"}:
            return HELP
        if name == "/catalogue":
            return self.show(Outcome((self.dialogue.catalogue_page(0),)))
        if name == "/territoire":
            if rest.strip():
                self.session.awaiting_place = True
                self.session.last_query = None
                return self.show(self.dialogue.on_text(self.session, rest))
            if self.session.territory is None:
                self.session.awaiting_place = True
                return "Aucune commune enregistrée. Dans quelle commune êtes-vous ?"
            return f"Votre territoire : {self.session.territory.label()}. Tapez /territoire <commune> pour le changer."
        return "Commande inconnue. Tapez /aide."

    def show(self, outcome: Outcome) -> str:
        """Renders replies; choices are numbered across the whole outcome."""
        self.choices = []
        blocks: list[str] = []
        for reply in outcome.replies:
            blocks.append(self._block(reply))
        return "\n\n".join(blocks)

    def _block(self, reply: Reply) -> str:
        text = render(reply, PLAIN)
        lines = [text] if text else []
        for choice in reply.choices:
            self.choices.append(choice)
            lines.append(f"  {len(self.choices)}. {choice.label}")
        return "\n".join(lines)
