"""What every part of the dialogue shares: the engine, the follow-up reader, answer cards.

`Dialogue` (core.py) is assembled from this base and two mixins, `FollowUps` (followup.py) and
`Places` (placing.py); the methods one part calls in another are declared here.
"""

from __future__ import annotations

from matching import Answer, Contact, Engine, Entry, Territory
from matching.engine import NO_MATCH_BELOW, PlaceResolutionLike
from matching.followups import FollowUpReader, load_followups

from .browse import Browser
from .model import Choice, Outcome, Reply, action, label
from .replies import details_reply
from .state import Need, Session

__all__ = ["ASK_PLACE", "DIALOGUE_TOP", "DialogueBase", "need_of"]

# Results asked of the engine per message: the card and two alternatives.
DIALOGUE_TOP = 3
ASK_PLACE = (
    "Le bon contact dépend de votre territoire : dans quelle commune êtes-vous ? "
    "(nom ou code postal, je m'en souviendrai)"
)


class DialogueBase:
    """The engine and what is built from it once per knowledge load."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.browser = Browser(engine)
        self.followups = FollowUpReader(load_followups(engine.knowledge.directory))

    # -- implemented by the other parts --------------------------------------------------------

    def answer_outcome(
        self, session: Session, answer: Answer, place: PlaceResolutionLike | None = None
    ) -> Outcome:
        raise NotImplementedError

    def _set_place(self, session: Session, territory: Territory) -> Outcome:
        raise NotImplementedError

    def _new_place(self, session: Session, place: PlaceResolutionLike) -> Outcome:
        raise NotImplementedError

    def _candidates_reply(self, session: Session, candidates: tuple[Territory, ...]) -> Reply:
        raise NotImplementedError

    def _no_match(self, answer: Answer) -> Outcome:
        raise NotImplementedError

    def _finish(self, session: Session, outcome: Outcome) -> Outcome:
        """Records the numbered choices a typed number will refer to."""
        session.choices = list(outcome.numbered)
        return outcome

    # -- cards ---------------------------------------------------------------------------------

    def _card(
        self,
        entry: Entry,
        territory: Territory | None,
        *,
        reasons: tuple[str, ...] = (),
        contacts: tuple[Contact, ...] | None = None,
        need: Need | None = None,
    ) -> Reply:
        related = tuple(e for r in entry.related[:2] if (e := self.engine.entry(r)) is not None)
        alternatives = tuple(
            Choice(label("Autre piste : " + e.title), action("e", e.id))
            for a in (need.alternatives if need else ())[:2]
            if (e := self.engine.entry(a)) is not None
        )
        return Reply(
            "card",
            entry=entry,
            reasons=reasons,
            related=related,
            territory=territory,
            contacts=contacts if contacts is not None else self._contacts(entry, territory),
            choices=(
                Choice("En savoir plus", action("m", entry.id)),
                Choice("Contacts et coordonnées", action("n", entry.id)),
                *alternatives,
                Choice("Ce n'est pas ça", action("x", entry.id)),
                Choice("👍", action("f", f"+:{entry.id}")),
                Choice("👎", action("f", f"-:{entry.id}")),
            ),
        )

    def _details(self, entry: Entry, territory: Territory | None) -> Reply:
        related = tuple(e for r in entry.related[:3] if (e := self.engine.entry(r)) is not None)
        return details_reply(entry, related, self._contacts(entry, territory), territory)

    def _contacts(self, entry: Entry, territory: Territory | None) -> tuple[Contact, ...]:
        return self.engine.contacts_for(entry.id, territory)


def need_of(query: str, answer: Answer) -> Need:
    """The need an engine answer describes: its entry, reasons and other pistes."""
    top = answer.results[0]
    others = tuple(r.id for r in answer.results[1:] if r.score >= NO_MATCH_BELOW)
    return Need(query, top.id, tuple(top.reasons), others)
