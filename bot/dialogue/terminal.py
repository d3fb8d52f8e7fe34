"""The conversation in a terminal: the bot's replies as text, its buttons as numbers.

Works the same typed by a person or piped (`printf '…\\n…' | aiguilleur chat`): with a pipe
there is no greeting banner and no prompt; each line read is echoed as "> line" before its
reply, so the transcript reads like the interactive session, and the end of input ends the
chat with exit code 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..render import PLAIN, render
from .core import Dialogue
from .model import Outcome, Reply
from .state import Session

__all__ = ["HELP", "QUIT", "WELCOME", "TerminalChat", "typed_lines"]

WELCOME = (
    "Bonjour ! Je suis Aiguilleur. Décrivez le besoin de votre collectivité en une phrase, "
    "par exemple « on doit recruter un manager de centre-ville à Guingamp ».\n"
    "Je vous indique l'offre Apec ou le programme ANCT adapté, et qui contacter sur votre territoire.\n"
    "Commandes : /catalogue, /territoire [commune], /oubli, /aide, /quitter. "
    "Tapez un numéro pour choisir une option."
)
HELP = (
    "Écrivez votre besoin avec vos mots (sigles acceptés : PVD, ACV, QPV, VTA, CRTE…), "
    "ajoutez votre commune si vous voulez le bon contact local. Ensuite, demandez simplement : "
    "« et pour Brest ? », « c'est qui le contact ? », « c'est combien ? », « autre chose ».\n"
    "/catalogue : parcourir les offres et programmes — /territoire : voir ou changer votre commune — "
    "/oubli : effacer la conversation — /quitter : sortir."
)
QUIT = frozenset({"/quitter", "/quit", "/exit", "quitter", "exit", "quit"})


class TerminalChat:
    """One user's conversation: the session, and the numbered choices of the last reply."""

    def __init__(self, dialogue: Dialogue, session: Session | None = None) -> None:
        self.dialogue = dialogue
        self.session = session if session is not None else Session()

    def loop(
        self,
        lines: Iterable[str],
        write: Callable[[str], None],
        *,
        interactive: bool,
        save: Callable[[Session], None] | None = None,
    ) -> int:
        """Reads lines until /quitter or the end of input; returns the exit code (0)."""
        if interactive:
            write(WELCOME)
        for raw in lines:
            line = raw.rstrip("\r\n")
            if line.strip().lower() in QUIT:
                write("Au revoir !")
                return 0
            if not interactive:
                if not line.strip():
                    continue  # a blank line of a pipe is no message (Telegram cannot send one)
                write(f"> {line}")
            write(self.handle(line) + "\n")
            if save is not None:
                save(self.session)
        if interactive:
            write("\nAu revoir !")
        return 0

    def handle(self, line: str) -> str:
        """The text printed for one line typed by the user."""
        text = line.strip()
        if text.startswith("/"):
            return self.command(text)
        return self.show(self.dialogue.on_text(self.session, text))

    def command(self, text: str) -> str:
        name, _, rest = text.partition(" ")
        name = name.lower()
        if name in {"/aide", "/help", "/start"}:
            return HELP
        if name == "/catalogue":
            return self.show(self.dialogue.on_action(self.session, "c:0"))
        if name == "/oubli":
            self.session = Session()
            return "C'est fait : j'ai oublié cette conversation et votre commune."
        if name == "/territoire":
            if rest.strip():
                return self.show(self.dialogue.on_place(self.session, rest))
            if self.session.territory is None:
                self.session.awaiting_place = True
                return "Aucune commune enregistrée. Dans quelle commune êtes-vous ?"
            return f"Votre territoire : {self.session.territory.label()}. Tapez /territoire <commune> pour le changer."
        return "Commande inconnue. Tapez /aide."

    def show(self, outcome: Outcome) -> str:
        """Renders replies; only the list a typed number refers to is numbered (one per turn)."""
        numbered = outcome.numbered
        blocks: list[str] = []
        for reply in outcome.replies:
            blocks.append(self._block(reply, numbered))
        return "\n\n".join(b for b in blocks if b)

    def _block(self, reply: Reply, numbered: tuple[object, ...]) -> str:
        text = render(reply, PLAIN)
        lines = [text] if text else []
        choices = [c for c in reply.choices if not c.action.startswith("f:")]
        if choices and tuple(choices) == numbered:
            lines.extend(f"  {i}. {c.label}" for i, c in enumerate(choices, 1))
        return "\n".join(lines)


def typed_lines(prompt: str = "\n> ") -> Iterable[str]:
    """Lines typed at a terminal, with a prompt, until end of input (Ctrl-D)."""
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return
