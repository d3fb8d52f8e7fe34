"""Places in the conversation: the commune we asked for, a place alone, homonyms, a new place
for the same need ("C'est noté" said once, then the need answered there)."""

from __future__ import annotations

from dataclasses import replace

from matching import Answer, Territory
from matching.engine import PlaceResolutionLike, in_perimeter

from .base import DIALOGUE_TOP, DialogueBase
from .model import Choice, Outcome, Reply, action, label
from .places import OverridePlace
from .state import Session

__all__ = ["Places"]


class Places(DialogueBase):
    """The place part of the dialogue."""

    def on_place(self, session: Session, text: str) -> Outcome:
        """`/territoire <commune>`: remembers the place without answering the last need again
        (the conversation is kept: "et pour …" and "qui contacter ?" still refer to it)."""
        session.last_query = None
        session.awaiting_place = False
        place = self.engine.resolve_place(text)
        if place.territory is not None:
            session.territory = place.territory
            session.candidates = []
            note = f"C'est noté : votre territoire est {place.territory.label()}."
            return self._finish(session, Outcome((Reply("place_set", note),)))
        if place.candidates:
            return self._finish(session, Outcome((self._candidates_reply(session, place.candidates),)))
        return self._finish(session, self._commune_named(session, text))

    def _commune_named(self, session: Session, text: str) -> Outcome:
        """The reply to "dans quelle commune ?": a commune name alone is accepted even when it
        is also a common word ("Pont", "Bourg"), since we asked for one."""
        found = self.engine.places.search_communes(text) if self.engine.places is not None else []
        if len(found) == 1:
            return self._set_place(session, found[0])
        if found:
            return Outcome((self._candidates_reply(session, tuple(found[:6])),))
        return Outcome(
            (
                Reply(
                    "ask_place",
                    "Je n'ai pas reconnu cette commune. Essayez son nom exact ou son code postal.",
                ),
            )
        )

    def _place_only(self, session: Session, answer: Answer, named: PlaceResolutionLike) -> Outcome:
        """A place alone ("je suis le maire de Pontivy", "Brest"): remember the place, then answer the
        pending or last need there, or ask for the need."""
        territory = answer.territory if answer.territory is not None else named.territory
        candidates = answer.territory_candidates or named.candidates
        if territory is None and candidates:
            if session.last is not None and not session.last_query:
                session.last_query = session.last.query
            return Outcome(
                (self._candidates_reply(session, candidates),), status=answer.status, answer=answer
            )
        if territory is None:
            return self._no_match(answer)
        greeting = "Bonjour ! " if answer.social == "greeting" else ""
        if session.last is not None and not session.last_query:
            session.last_query = session.last.query
        if session.last_query:
            outcome = self._set_place(session, territory)
            first = outcome.replies[0]
            replies = (replace(first, text=greeting + first.text), *outcome.replies[1:])
            return replace(outcome, replies=replies, answer=answer)
        session.territory = territory
        session.awaiting_place = False
        session.candidates = []
        text = f"{greeting}C'est noté : votre territoire est {territory.label()}. Quel est votre besoin ?"
        return Outcome((Reply("place_set", text),), status=answer.status, answer=answer)

    def _new_place(self, session: Session, place: PlaceResolutionLike) -> Outcome:
        """After "et pour Brest ?": the same need, at the new place."""
        if session.last is not None:
            session.last_query = session.last.query
        if place.territory is not None:
            return self._set_place(session, place.territory)
        return Outcome((self._candidates_reply(session, place.candidates),))

    def _choose_place(self, session: Session, code: str) -> Outcome:
        territory = next((c for c in session.candidates if c.code == code), None)
        if territory is None and self.engine.places is not None:
            territory = self.engine.places.commune(code)
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
        """Remembers the place ("C'est noté", said once) and answers the pending need there."""
        session.territory = territory
        session.awaiting_place = False
        session.candidates = []
        note = Reply("place_set", f"C'est noté : votre territoire est {territory.label()}.")
        query = session.last_query
        if not query:
            return Outcome((replace(note, text=note.text + " Quel est votre besoin ?"),))
        last = session.last
        entry = self.engine.entry(last.entry) if last is not None and last.entry else None
        if last is not None and entry is not None and last.query == query and in_perimeter(entry, territory):
            card = self._card(entry, territory, reasons=last.reasons, need=last)
            return Outcome((note, card), status="match", top=entry.id)
        spans = self.engine.resolve_place(query).spans
        answer = self.engine.ask(
            query, top=DIALOGUE_TOP, territory=territory, place=OverridePlace(territory, spans)
        )
        if answer.status not in ("match", "ambiguous"):
            session.last_query = None
            text = f"Pour « {query} », je n'ai pas trouvé d'offre qui s'applique à {territory.label()}."
            return Outcome((note, Reply("no_match", text)), status=answer.status, answer=answer)
        outcome = self.answer_outcome(session, answer, OverridePlace(territory, spans))
        return replace(outcome, replies=(note, *(r for r in outcome.replies if r.kind != "place_set")))

    def _candidates_reply(self, session: Session, candidates: tuple[Territory, ...]) -> Reply:
        shown = candidates[:6]
        session.candidates = list(shown)
        choices = tuple(Choice(label(c.label()), action("p", c.code)) for c in shown)
        return Reply(
            "place_candidates",
            "Plusieurs lieux portent ce nom. Lequel est le vôtre ? (numéro, département ou région)",
            choices=choices,
        )
