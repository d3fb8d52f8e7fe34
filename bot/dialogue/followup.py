"""Follow-ups on the last answer: contacts, sourced facts, details, other pistes, a new place.

"c'est qui le contact ?", "c'est combien ?", "en savoir plus", "autre chose", "et pour Brest ?"
refer to the answer just given; when the rest of the message states a clear need of its own
("qui contacter pour un VTA ?"), that need is read instead.
"""

from __future__ import annotations

from dataclasses import replace

from matching import Answer, Territory, words
from matching.followups import FollowUp

from .base import ASK_PLACE, DIALOGUE_TOP, DialogueBase
from .model import Choice, Outcome, Reply, action, label
from .places import OverridePlace
from .replies import contacts_reply, facts_reply, missing_details
from .state import Session

__all__ = ["FOLLOW_UP", "NEW_NEED_TERMS", "FollowUps"]

# A follow-up phrase next to this many need terms of its own is a new need ("qui contacter
# pour un VTA ?"); fewer ("quelles conditions pour le jeune ?") still asks about the last answer.
NEW_NEED_TERMS = 2
# The reply to "tu peux remplir le dossier pour nous ?": what the assistant cannot do, and what it does.
CANNOT_ACT = (
    "Je ne peux pas faire de démarche à votre place (remplir ou déposer un dossier, écrire, appeler, "
    "prendre rendez-vous) : je vous indique l'offre, ses conditions et qui contacter, avec les "
    "coordonnées que donnent nos sources."
)
# The status logged for a message answered from the conversation (contacts, facts, details…).
FOLLOW_UP = "followup"


class FollowUps(DialogueBase):
    """The follow-up part of the dialogue."""

    def _follow_up(self, session: Session, text: str, followup: FollowUp) -> Outcome | None:
        """Answers a follow-up on the last answer; None when the message is rather a new need."""
        place = self.engine.resolve_place(text)
        if followup.kind == "intercommunality" and session.last is None:
            return None  # "je suis à la comcom de …" opening a conversation: who writes, and where
        if followup.kind in ("new_place", "intercommunality"):
            if self._rest_need(session, followup.rest, 1) is not None:
                return None  # "et pour un VTA à Morlaix ?": another need, read as such
            if place.territory is not None or place.candidates:
                return self._new_place(session, place)
            epci = _intercommunality(session.territory) if followup.kind == "intercommunality" else None
            if epci is not None:
                # "non plutôt pour la comcom": the same need, for the commune's intercommunality
                return self._new_place(session, OverridePlace(epci))
            return None
        context = any(n.entry for n in session.needs)
        if not context and followup.kind != "facts" and self._has_need_terms(followup.rest):
            # Nothing to refer to and words of its own: a need, whether or not the engine
            # matches its rest alone (asking it would not change the reply).
            return None
        # With nothing to refer to, one need word is enough ("les conditions du mentorat ?").
        fresh = self._rest_need(session, followup.rest, NEW_NEED_TERMS if context else 1)
        if fresh is not None:
            if followup.kind != "facts":
                return None  # "qui contacter pour un VTA ?": the card of that need has its contacts
            # "c'est combien l'aide pour un VTA à Ussel ?": the card of that need, then the facts.
            answer = self.engine.ask(text, top=DIALOGUE_TOP, territory=session.territory, place=place)
            outcome = self.answer_outcome(session, answer, place)
            entry = self.engine.entry(fresh.results[0].id)
            if session.last is None or session.last.entry != fresh.results[0].id or entry is None:
                return outcome
            territory = session.territory
            # The card just above names the contacts: the facts do not repeat them.
            facts = replace(facts_reply(entry, followup.facets, (), territory), contacts=())
            return replace(outcome, replies=(*outcome.replies, facts))
        entries = [e for n in session.needs if n.entry and (e := self.engine.entry(n.entry)) is not None]
        if not entries and self._has_need_terms(followup.rest):
            return None  # "question sans réponse numéro 5": words of its own and nothing to refer to
        if place.territory is not None:
            session.territory = place.territory
        territory = session.territory
        if not entries:
            return replace(self._follow_up_without_answer(session, followup), status=FOLLOW_UP)
        top = entries[0].id
        if followup.kind == "other":
            return replace(self._alternatives(session), status=FOLLOW_UP, top=top)
        if followup.kind == "more":
            return Outcome((self._details(entries[0], territory),), status=FOLLOW_UP, top=top)
        replies: list[Reply] = []
        for entry in entries:
            contacts = self._contacts(entry, territory)
            if followup.kind == "facts":
                replies.append(facts_reply(entry, followup.facets, contacts, territory))
            else:
                replies.append(contacts_reply(entry, contacts, territory, followup.details))
        if followup.kind == "on_behalf":
            replies[0] = replace(replies[0], text=f"{CANNOT_ACT}\n{replies[0].text}")
        if territory is None and followup.kind in ("contact", "on_behalf"):
            session.awaiting_place = True
            session.last_query = session.needs[0].query
            replies.append(Reply("ask_place", ASK_PLACE))
        return Outcome(tuple(replies), status=FOLLOW_UP, top=top)

    def _has_need_terms(self, rest: str) -> bool:
        """Whether the rest of a follow-up says something of its own: need words that are not
        only who or where ("le tel de la préfecture" names whom to call, not a need)."""
        if not rest:
            return False
        place = self.engine.resolve_place(rest)
        if not self.engine.need_terms(rest, place.spans):
            return False
        outside = rest
        for start, end in sorted(place.spans, reverse=True):
            outside = outside[:start] + " " + outside[end:]
        return self.engine.conversation.read(words(outside)).has_content

    def _rest_need(self, session: Session, rest: str, terms: int) -> Answer | None:
        """The clear new need a follow-up carries besides its phrase (at least `terms` need
        words), if any."""
        if not rest:
            return None
        place = self.engine.resolve_place(rest)
        if len(self.engine.need_terms(rest, place.spans)) < terms:
            return None
        answer = self.engine.ask(rest, top=DIALOGUE_TOP, territory=session.territory, place=place)
        if answer.status != "match" or answer.top is None:
            return None
        if any(n.entry == answer.top.id for n in session.needs):
            return None
        return answer

    def _follow_up_without_answer(self, session: Session, followup: FollowUp) -> Outcome:
        if followup.kind == "on_behalf":
            return Outcome(
                (Reply("info", f"{CANNOT_ACT} Décrivez votre besoin en une phrase, avec votre commune."),)
            )
        if followup.kind == "other":
            return Outcome((self.browser.themes_reply(),))
        if followup.kind == "contact" and session.territory is not None:
            router = self.engine.router
            # After "Plusieurs réponses sont possibles": the local directory's contacts, ranked
            # for the first of the offers proposed (the préfet alone when none was).
            pistes = (a for n in session.needs[:1] for a in n.alternatives)
            piste = next((e for a in pistes if (e := self.engine.entry(a)) is not None), None)
            local = router.local(session.territory, piste) if piste else (router.anct(session.territory),)
            contacts = (router.apec(session.territory), *local)
            missing = missing_details(contacts, followup.details)
            return Outcome(
                (
                    Reply(
                        "contacts",
                        f"{missing}Vos contacts ({session.territory.label()}) ; décrivez votre besoin pour savoir lequel solliciter :",
                        contacts=contacts,
                        territory=session.territory,
                    ),
                )
            )
        return Outcome(
            (
                Reply(
                    "info",
                    "De quelle offre parlez-vous ? Décrivez votre besoin en une phrase, avec votre commune : "
                    "je vous donnerai l'offre, ses conditions et le bon contact.",
                ),
            )
        )

    def _alternatives(self, session: Session) -> Outcome:
        """After "autre chose" or "non c'est pas ça": the other pistes of the last answer, then the themes."""
        last = session.last
        if last is not None:
            pistes = [e for a in last.alternatives if (e := self.engine.entry(a)) is not None]
            if pistes:
                choices = tuple(Choice(label(e.title), action("e", e.id)) for e in pistes)
                return Outcome(
                    (
                        Reply(
                            "alternatives",
                            "D'autres pistes pour votre besoin :",
                            choices=(*choices, Choice("Parcourir par thème", action("t"))),
                        ),
                    )
                )
            return Outcome(
                (
                    self.browser.themes_reply(
                        "Je n'ai pas d'autre piste pour ce besoin. Choisissez un thème :"
                    ),
                )
            )
        return Outcome((self.browser.themes_reply(),))


def _intercommunality(territory: Territory | None) -> Territory | None:
    """The intercommunality of a remembered commune, as a place (same département and région),
    or None when the place is not a commune or its EPCI is unknown."""
    if territory is None or territory.level != "commune" or territory.epci is None:
        return None
    return Territory(
        level="epci",
        code=territory.epci.code,
        name=territory.epci.name,
        departement=territory.departement,
        region=territory.region,
        epci=territory.epci,
    )
