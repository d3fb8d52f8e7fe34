"""The conversation logic shared by the terminal chat and the Telegram bot.

Pure: a `Session` (what we remember about the user) goes in with a message or a chosen button,
replies come out. The terminal shows choices as numbers, Telegram as buttons; both send back
the choice's `action` string, kept under Telegram's 64-byte callback limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from matching import Answer, Contact, Engine, Entry, Territory
from matching.engine import NO_MATCH_BELOW, PlaceResolutionLike

# Action prefixes (callback data): e=entry, p=place, x=not this, t=theme, f=feedback, c=catalogue page.
MAX_ACTION_BYTES = 64
PAGE_SIZE = 6
MAX_THEMES = 11
# Results asked of the engine per message: the card and two alternatives.
DIALOGUE_TOP = 3


@dataclass(frozen=True)
class Choice:
    """A button (Telegram) or a numbered option (terminal)."""

    label: str
    action: str


@dataclass(frozen=True)
class Reply:
    """One message of the assistant; `entry` set means an answer card."""

    kind: str
    text: str = ""
    entry: Entry | None = None
    reasons: tuple[str, ...] = ()
    related: tuple[Entry, ...] = ()
    territory: Territory | None = None
    contacts: tuple[Contact, ...] = ()
    choices: tuple[Choice, ...] = ()


@dataclass
class Session:
    """What the assistant remembers about one user between messages."""

    territory: Territory | None = None
    awaiting_place: bool = False
    last_query: str | None = None


@dataclass(frozen=True)
class Outcome:
    """Replies plus what the caller may want to log (status, top entry, feedback)."""

    replies: tuple[Reply, ...]
    status: str | None = None
    top: str | None = None
    feedback: tuple[str, int] | None = None
    answer: Answer | None = field(default=None, compare=False)


# Replies to conversation words (engine status "chitchat"): never "transmise à l'équipe".
_SOCIAL_REPLIES = {
    "greeting": "Bonjour ! Quel est votre besoin ? Par exemple : « recruter un manager de centre-ville à Guingamp ».",
    "thanks": "Avec plaisir ! N'hésitez pas si vous avez un autre besoin.",
    "acknowledgement": "Très bien. Je reste disponible pour un autre besoin.",
    "goodbye": "Au revoir, et bonne continuation !",
}


def _label(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _index(value: str) -> int | None:
    """A page or theme number from callback data; None unless plain ASCII digits ("²" is a
    digit to str.isdigit, not to int), at most 6 of them."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None


def action(prefix: str, value: str = "") -> str:
    """Callback data for a choice, truncated to Telegram's 64-byte limit."""
    data = f"{prefix}:{value}" if value else prefix
    return data.encode()[:MAX_ACTION_BYTES].decode(errors="ignore")


class Dialogue:
    """Turns messages and button presses into replies, using one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- entry points -----------------------------------------------------------------------

    def on_text(self, session: Session, text: str) -> Outcome:
        """A typed message: a commune we asked for, or a need."""
        text = text.strip()
        if not text:
            return Outcome(
                (
                    Reply(
                        "info",
                        "Écrivez votre besoin en une phrase, par exemple : « recruter un manager de centre-ville ».",
                    ),
                )
            )
        if session.awaiting_place:
            found = self._place_reply(session, text)
            if found is not None:
                return found
        return self._need(session, text)

    def on_action(self, session: Session, data: str) -> Outcome:
        """A pressed button; stale or forged data gets a polite reply, never an error."""
        prefix, _, value = data.partition(":")
        if prefix == "e" and (entry := self.engine.entry(value)):
            return Outcome((self._card(entry, session.territory),), top=entry.id)
        if prefix == "p":
            return self._choose_place(session, value)
        if prefix == "x":
            return Outcome((self.themes_reply(),))
        if prefix == "t":
            return Outcome((self.theme_reply(value),))
        if prefix == "c":
            return Outcome((self.catalogue_page(_index(value) or 0),))
        if prefix == "f" and value[:1] in "+-" and self.engine.entry(value[2:]):
            vote = 1 if value[0] == "+" else -1
            text = (
                "Merci pour votre retour !"
                if vote > 0
                else "Merci, c'est noté : nous allons améliorer cette réponse."
            )
            return Outcome((Reply("feedback", text),), feedback=(value[2:], vote))
        return Outcome((Reply("info", "Ce bouton n'est plus valable. Posez à nouveau votre question."),))

    # -- needs ------------------------------------------------------------------------------

    def _need(self, session: Session, text: str) -> Outcome:
        session.last_query = text
        place = self.engine.resolve_place(text)
        answer = self.engine.ask(text, top=DIALOGUE_TOP, territory=session.territory, place=place)
        return self.answer_outcome(session, answer, place)

    def answer_outcome(
        self, session: Session, answer: Answer, place: PlaceResolutionLike | None = None
    ) -> Outcome:
        """Replies for an engine answer (also used by `aiguilleur ask`); `place` is the message's
        own place, told apart from the remembered one, when the caller already resolved it."""
        if answer.territory is not None and answer.territory is not session.territory:
            session.territory = answer.territory
            session.awaiting_place = False
        replies: list[Reply] = []
        if answer.status == "chitchat":
            text = _SOCIAL_REPLIES.get(answer.social or "greeting", _SOCIAL_REPLIES["greeting"])
            return Outcome((Reply("chitchat", text),), status=answer.status, answer=answer)
        if answer.status == "place_only":
            return Outcome(tuple(self._place_only(session, answer)), status=answer.status, answer=answer)
        if answer.status == "no_match":
            named = place if place is not None else self.engine.resolve_place(answer.query)
            if named.territory is not None or named.candidates:
                replies.extend(self._place_only(session, answer))
            else:
                replies.append(
                    Reply(
                        "no_match",
                        "Je n'ai pas trouvé d'offre Apec ni de programme ANCT qui corresponde à votre demande. "
                        "Reformulez votre besoin (recrutement, emploi des cadres, revitalisation, numérique…) "
                        "ou parcourez le catalogue avec /catalogue. Votre question est transmise à l'équipe pour enrichir le catalogue.",
                        choices=(Choice("Parcourir par thème", action("x")),),
                    )
                )
            return Outcome(tuple(replies), status=answer.status, answer=answer)
        if answer.status == "ambiguous":
            choices = tuple(Choice(_label(r.title), action("e", r.id)) for r in answer.results[:3]) + (
                Choice("Ce n'est pas ça", action("x")),
            )
            replies.append(
                Reply(
                    "need_candidates",
                    "Plusieurs réponses sont possibles. Laquelle correspond à votre besoin ?",
                    choices=choices,
                )
            )
        else:
            top = answer.results[0]
            entry = self.engine.entry(top.id)
            assert entry is not None
            card = self._card(entry, answer.territory, reasons=top.reasons, contacts=answer.contacts)
            alternatives = tuple(
                Choice(_label("Autre piste : " + r.title), action("e", r.id))
                for r in answer.results[1:3]
                if r.score >= NO_MATCH_BELOW
            )
            replies.append(replace(card, choices=alternatives + card.choices))
        if answer.territory_candidates and answer.territory is None:
            replies.append(self._candidates_reply(answer.territory_candidates))
        elif answer.territory is None and answer.status == "match":
            session.awaiting_place = True
            replies.append(
                Reply(
                    "ask_place",
                    "Le bon contact dépend de votre territoire : dans quelle commune êtes-vous ? "
                    "(nom ou code postal, je m'en souviendrai)",
                )
            )
        top_id = answer.results[0].id if answer.results else None
        return Outcome(tuple(replies), status=answer.status, top=top_id, answer=answer)

    def _card(
        self,
        entry: Entry,
        territory: Territory | None,
        *,
        reasons: tuple[str, ...] = (),
        contacts: tuple[Contact, ...] | None = None,
    ) -> Reply:
        related = tuple(e for r in entry.related[:2] if (e := self.engine.entry(r)) is not None)
        feedback = (Choice("👍", action("f", f"+:{entry.id}")), Choice("👎", action("f", f"-:{entry.id}")))
        return Reply(
            "card",
            entry=entry,
            reasons=reasons,
            related=related,
            territory=territory,
            contacts=contacts if contacts is not None else self.engine.contacts_for(entry.id, territory),
            choices=(Choice("Ce n'est pas ça", action("x")), *feedback),
        )

    # -- places -----------------------------------------------------------------------------

    def _place_reply(self, session: Session, text: str) -> Outcome | None:
        """Reads an answer to "dans quelle commune ?", or answers the text as a new need."""
        resolution = self.engine.resolve_place(text)
        territory = resolution.territory
        candidates = resolution.candidates
        if territory is None and not candidates and self.engine.places is not None:
            found = self.engine.places.search_communes(text)
            if len(found) == 1:
                territory = found[0]
            elif found:
                candidates = tuple(found[:6])
        if territory is not None:
            return self._set_place(session, territory)
        if candidates:
            return Outcome((self._candidates_reply(candidates),))
        answer = self.engine.ask(text, top=DIALOGUE_TOP, territory=session.territory, place=resolution)
        if answer.status != "no_match":  # rather a new need: answer it without asking twice
            session.last_query = text
            return self.answer_outcome(session, answer)
        return Outcome(
            (
                Reply(
                    "ask_place",
                    "Je n'ai pas reconnu cette commune. Essayez son nom exact ou son code postal.",
                ),
            )
        )

    def _choose_place(self, session: Session, code: str) -> Outcome:
        territory = self.engine.places.commune(code) if self.engine.places is not None else None
        if territory is None:
            return Outcome(
                (
                    Reply(
                        "info",
                        "Ce lieu n'est plus proposé. Indiquez votre commune par son nom ou son code postal.",
                    ),
                )
            )
        return self._set_place(session, territory)

    def _set_place(self, session: Session, territory: Territory) -> Outcome:
        session.territory = territory
        session.awaiting_place = False
        note = Reply("place_set", f"C'est noté : votre territoire est {territory.label()}.")
        if session.last_query:
            outcome = self._need(session, session.last_query)
            return replace(outcome, replies=(note, *outcome.replies))
        return Outcome((note,))

    def _place_only(self, session: Session, answer: Answer) -> list[Reply]:
        if answer.territory is not None:
            session.last_query = None
            return [
                Reply(
                    "place_set",
                    f"C'est noté : votre territoire est {answer.territory.label()}. Quel est votre besoin ?",
                )
            ]
        if answer.territory_candidates:
            return [self._candidates_reply(answer.territory_candidates)]
        return [
            Reply("info", "Bonjour ! Quel est votre besoin ? Dites-le en une phrase, avec votre commune.")
        ]

    def _candidates_reply(self, candidates: tuple[Territory, ...]) -> Reply:
        choices = tuple(Choice(_label(c.label()), action("p", c.code)) for c in candidates[:6])
        return Reply(
            "place_candidates", "Plusieurs lieux portent ce nom. Lequel est le vôtre ?", choices=choices
        )

    # -- browsing ---------------------------------------------------------------------------

    def themes(self) -> list[str]:
        """Themes of the catalogue, most used first (ties in order of first appearance)."""
        counts: dict[str, int] = {}
        for entry in self.engine.entries:
            for theme in entry.themes:
                counts[theme] = counts.get(theme, 0) + 1
        return sorted(counts, key=lambda t: -counts[t])

    def themes_reply(self) -> Reply:
        """The most used themes, and the whole catalogue for anything else."""
        choices = [
            Choice(_label(t[:1].upper() + t[1:], 40), action("t", str(i)))
            for i, t in enumerate(self.themes()[:MAX_THEMES])
        ]
        choices.append(Choice("Tout le catalogue", action("c", "0")))
        return Reply("themes", "Choisissez un thème :", choices=tuple(choices))

    def theme_reply(self, value: str) -> Reply:
        themes = self.themes()
        index = _index(value)
        if index is None or index >= len(themes):
            return Reply("info", "Ce thème n'existe plus. Tapez /catalogue pour parcourir les offres.")
        theme = themes[index]
        entries = [e for e in self.engine.entries if theme in e.themes]
        choices = tuple(Choice(_label(e.title), action("e", e.id)) for e in entries[:10])
        return Reply("theme_entries", f"Thème « {theme} » :", choices=choices)

    def catalogue_page(self, page: int) -> Reply:
        """One page of the catalogue, APEC offers first, with previous/next choices."""
        entries = self.engine.entries
        pages = max(1, -(-len(entries) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        chunk = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        choices = [Choice(_label(e.title), action("e", e.id)) for e in chunk]
        if page > 0:
            choices.append(Choice("◀ Précédent", action("c", str(page - 1))))
        if page < pages - 1:
            choices.append(Choice("Suivant ▶", action("c", str(page + 1))))
        return Reply("catalogue", f"Catalogue — page {page + 1}/{pages} :", choices=tuple(choices))
