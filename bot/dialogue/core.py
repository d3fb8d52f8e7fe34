"""The conversation logic shared by the terminal chat and the Telegram bot.

Pure: a `Session` (what we remember about the user) goes in with a message or a chosen button,
replies come out. A message is read in this order: a typed number (a choice of the last reply,
never a need), a reply to a homonym question, a follow-up on the last answer ("et pour Brest ?",
"c'est qui le contact ?", "c'est combien ?", "autre chose"), the commune we asked for, and
otherwise a need (the engine also tells greetings, thanks and "je suis le maire de Pontivy").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from matching import Answer, Entry, Territory, words
from matching.answer import Social
from matching.contacts import de_form, de_region
from matching.engine import PlaceResolutionLike

from .base import ASK_PLACE, DIALOGUE_TOP, need_of
from .followup import NEW_NEED_TERMS, FollowUps
from .model import Choice, Outcome, Reply, action, index, label
from .places import settle_candidates
from .placing import Places
from .replies import NO_CHOICE, contacts_reply, polite
from .state import Need, Session

__all__ = ["DIALOGUE_TOP", "Dialogue"]

_NUMBER = re.compile(r"^\s*(?:n°|no|num(?:ero|éro)?|choix|le)?\s*([0-9]{1,2})\s*[.)°]?\s*$", re.IGNORECASE)
# A message of at most this many words, right after an answer, that reads as nothing is
# rather an unrecognised follow-up than a new need.
SHORT_MESSAGE = 6
# Words besides a thank-you or a goodbye that still make the message a courtesy, not an
# unanswered need ("c'est bon pour moi").
COURTESY_TERMS = 2
# Overseas collectivities: no département-level services named "de <département>".
OVERSEAS_COLLECTIVITIES = frozenset({"975", "977", "978", "986", "987", "988"})
_ORDER = ("Premier besoin", "Deuxième besoin", "Troisième besoin", "Quatrième besoin")
NO_MATCH = (
    "Je n'ai pas trouvé d'offre Apec ni de programme ANCT qui corresponde à votre demande. "
    "Reformulez votre besoin (recrutement, emploi des cadres, revitalisation, numérique…) "
    "ou parcourez le catalogue avec /catalogue. Votre question est transmise à l'équipe pour enrichir le catalogue."
)


class Dialogue(FollowUps, Places):
    """Turns messages and button presses into replies, using one engine."""

    # -- entry points -----------------------------------------------------------------------

    def on_text(self, session: Session, text: str) -> Outcome:
        """A typed message."""
        text = text.strip()
        if not text:
            outcome = Outcome(
                (
                    Reply(
                        "info",
                        "Écrivez votre besoin en une phrase, par exemple : « recruter un manager de centre-ville ».",
                    ),
                )
            )
        else:
            outcome = self._read(session, text)
        return self._finish(session, outcome)

    def on_action(self, session: Session, data: str) -> Outcome:
        """A pressed button or a chosen number; stale or forged data gets a polite reply."""
        outcome = self._act(session, data)
        return outcome if outcome.feedback is not None else self._finish(session, outcome)

    def _act(self, session: Session, data: str) -> Outcome:
        prefix, _, value = data.partition(":")
        entry = self.engine.entry(value) if prefix in ("e", "m", "n") else None
        if prefix == "e" and entry is not None:
            return self._chosen_entry(session, entry)
        if prefix == "m" and entry is not None:
            return Outcome((self._details(entry, session.territory),))
        if prefix == "n" and entry is not None:
            return Outcome(
                (contacts_reply(entry, self._contacts(entry, session.territory), session.territory),)
            )
        if prefix == "p":
            return self._choose_place(session, value)
        if prefix == "x":
            # "Ce n'est pas ça" on a card: its other pistes are buttons beside it, so the themes.
            return Outcome((self.browser.themes_reply(),))
        if prefix == "t":
            return Outcome((self.browser.theme_reply(value) if value else self.browser.themes_reply(),))
        if prefix == "c":
            return Outcome((self.browser.catalogue_page(index(value) or 0),))
        if prefix == "q" and value:
            return self._read(session, value)
        if prefix == "f" and value[:1] in "+-" and self.engine.entry(value[2:]):
            vote = 1 if value[0] == "+" else -1
            text = (
                "Merci pour votre retour !"
                if vote > 0
                else "Merci, c'est noté : nous allons améliorer cette réponse."
            )
            return Outcome((Reply("feedback", text),), feedback=(value[2:], vote))
        return Outcome((Reply("info", "Ce bouton n'est plus valable. Posez à nouveau votre question."),))

    # -- reading a message ------------------------------------------------------------------

    def _read(self, session: Session, text: str) -> Outcome:
        number = _NUMBER.match(text)
        if number is not None:
            typed = self._typed_number(session, int(number.group(1)), text)
            if typed is not None:
                return typed
        if session.candidates:
            chosen = settle_candidates(self.engine.places, session.candidates, text)
            if chosen is not None:
                return self._set_place(session, chosen)
        followup = None if self._new_subject(text) else self.followups.read(text)
        if followup is not None:
            handled = self._follow_up(session, text, followup)
            if handled is not None:
                return handled
        return self._need(session, text)

    def _new_subject(self, text: str) -> bool:
        """A message opening with "autre sujet", "autre question", "par ailleurs"… then a need
        of its own is a new question, never a follow-up on the last answer ("autre sujet :
        comment faire une demande de permis de construire ?" is not the last offer's démarche)."""
        start, end = self.engine.conversation.split(text)[0]
        if start == 0:
            return False
        rest = text[start:]
        return len(self.engine.need_terms(rest, self.engine.resolve_place(rest).spans)) >= NEW_NEED_TERMS

    def _typed_number(self, session: Session, number: int, text: str) -> Outcome | None:
        """A number picks a choice of the last reply; out of range it is never a need."""
        if session.choices and 1 <= number <= len(session.choices):
            return self._act(session, session.choices[number - 1].action)
        if session.awaiting_place:
            # "29" in answer to "dans quelle commune ?": the question is the cue, as in "dans le 29".
            place = self.engine.resolve_place(text)
            if place.territory is None:
                place = self.engine.resolve_place(f"dans le {number}")
            if place.territory is not None:
                return self._set_place(session, place.territory)
        if session.choices:
            return Outcome(
                (
                    Reply(
                        "info",
                        f"Choisissez un numéro entre 1 et {len(session.choices)}, ou écrivez votre besoin.",
                    ),
                )
            )
        return Outcome((Reply("info", NO_CHOICE),))

    def _need(self, session: Session, text: str) -> Outcome:
        place = self.engine.resolve_place(text)
        answer = self.engine.ask(text, top=DIALOGUE_TOP, territory=session.territory, place=place)
        unread = (
            answer.status == "no_match"
            and answer.orientation is None
            and place.territory is None
            and not place.candidates
        )
        if unread and session.candidates:
            again = self._candidates_reply(session, tuple(session.candidates))
            text = "Je n'ai pas compris lequel. " + again.text
            return Outcome((replace(again, text=text),), status=answer.status, answer=answer)
        if unread and session.awaiting_place:
            return self._commune_named(session, text)
        if unread and (social := self._courtesy(text, place.spans)) is not None:
            # "ok c'est bon pour moi, bonne journée": a goodbye in a sentence, not a need to log.
            return Outcome((polite(social),), status=answer.status, answer=answer)
        last = session.last
        entry = self.engine.entry(last.entry) if last is not None and last.entry else None
        if unread and entry is not None and len(words(text)) <= SHORT_MESSAGE:
            return Outcome((self._not_understood(entry),), status=answer.status, answer=answer)
        named = place.territory is not None or bool(place.candidates)
        if answer.status == "no_match" and named and entry is not None and len(words(text)) <= SHORT_MESSAGE:
            # "bon, Lorient alors": a place and nothing we read as a need, right after an answer.
            return self._new_place(session, place)
        return self.answer_outcome(session, answer, place)

    def _courtesy(self, text: str, spans: Sequence[tuple[int, int]]) -> Social | None:
        """The thanks, goodbye or acknowledgement of a message that says little else (at most
        COURTESY_TERMS other words: "ok c'est bon pour moi, bonne journée"); None otherwise."""
        social = self.engine.conversation.read(words(text)).social
        if social not in ("thanks", "goodbye", "acknowledgement"):
            return None
        return social if len(self.engine.need_terms(text, spans)) <= COURTESY_TERMS else None

    def _not_understood(self, entry: Entry) -> Reply:
        """A short message read neither as a need nor as a follow-up, right after an answer:
        say what can be asked about that answer (the question is still logged for admins)."""
        return Reply(
            "info",
            f"Je n'ai pas bien compris. À propos de « {entry.title} », vous pouvez demander "
            "« qui contacter ? », « c'est combien ? », « jusqu'à quand ? », « en savoir plus » "
            "ou « autre chose », ou décrire un autre besoin.",
            choices=(
                Choice("En savoir plus", action("m", entry.id)),
                Choice("Contacts et coordonnées", action("n", entry.id)),
                Choice("Ce n'est pas ça", action("x", entry.id)),
            ),
        )

    def answer_outcome(
        self, session: Session, answer: Answer, place: PlaceResolutionLike | None = None
    ) -> Outcome:
        """Replies for an engine answer (also used by `aiguilleur ask`); `place` is the message's
        own place, told apart from the remembered one, when the caller already resolved it."""
        if answer.status == "chitchat":
            return Outcome((polite(answer.social),), status=answer.status, answer=answer)
        named = place if place is not None else self.engine.resolve_place(answer.query)
        if answer.status == "place_only" or (
            answer.status == "no_match"
            and (named.territory is not None or named.candidates)
            and len(self.engine.need_terms(answer.query, named.spans)) <= 1
        ):
            return self._place_only(session, answer, named)
        if answer.status == "no_match":
            return self._no_match(answer)
        session.awaiting_place = False
        session.candidates = []
        if answer.territory is not None:
            session.territory = answer.territory
        needs = answer.needs or (answer,)
        replies: list[Reply] = []
        session.needs = []
        for i, need in enumerate(needs):
            reply = self._answer_reply(session, need)
            if len(needs) > 1:
                reply = replace(reply, text=f"{_ORDER[min(i, len(_ORDER) - 1)]} : « {need.query.strip()} »")
            replies.append(reply)
        session.last_query = answer.query
        if answer.territory_candidates and answer.territory is None:
            replies.append(self._candidates_reply(session, answer.territory_candidates))
        elif answer.territory is None and any(n.status == "match" for n in needs):
            session.awaiting_place = True
            replies.append(Reply("ask_place", ASK_PLACE))
        top_id = answer.results[0].id if answer.results else None
        return Outcome(tuple(replies), status=answer.status, top=top_id, answer=answer)

    def _answer_reply(self, session: Session, answer: Answer) -> Reply:
        """The card of one need (recorded in the session), or its candidates, or a no-match line."""
        if answer.status == "no_match" or not answer.results:
            session.needs.append(Need(answer.query))
            return Reply(
                "no_match", f"Pour « {answer.query.strip()} », je n'ai pas trouvé d'offre ni de programme."
            )
        if answer.status == "ambiguous":
            session.needs.append(Need(answer.query, alternatives=tuple(r.id for r in answer.results)))
            choices = tuple(Choice(label(r.title), action("e", r.id)) for r in answer.results[:3])
            return Reply(
                "need_candidates",
                "Plusieurs réponses sont possibles. Laquelle correspond à votre besoin ?",
                choices=(*choices, Choice("Ce n'est pas ça", action("x"))),
            )
        top = answer.results[0]
        entry = self.engine.entry(top.id)
        assert entry is not None
        need = need_of(answer.query, answer)
        session.needs.append(need)
        return self._card(entry, answer.territory, reasons=top.reasons, contacts=answer.contacts, need=need)

    def _no_match(self, answer: Answer) -> Outcome:
        orientation = answer.orientation
        if orientation is not None:
            text = (
                "Ce besoin ne relève pas des offres Apec ni des programmes ANCT. "
                f"Le bon interlocuteur : {_placed(orientation.organisation, answer.territory)} — {orientation.why}"
            )
            if orientation.url:
                text += f" ({orientation.url})"
            if orientation.source:
                text += f"\nSource : {orientation.source}"
            return Outcome((Reply("orientation", text),), status=answer.status, answer=answer)
        return Outcome(
            (Reply("no_match", NO_MATCH, choices=(Choice("Parcourir par thème", action("t")),)),),
            status=answer.status,
            answer=answer,
        )

    def _chosen_entry(self, session: Session, entry: Entry) -> Outcome:
        """An entry picked from a list: its card becomes the last answer."""
        last = session.last or (session.needs[0] if session.needs else None)
        if last is not None:
            others = tuple(a for a in (last.entry, *last.alternatives) if a and a != entry.id)
            need = Need(last.query, entry.id, (), others)
        else:
            need = Need(entry.title, entry.id)
        session.needs = [need]
        session.last_query = need.query
        return Outcome((self._card(entry, session.territory, need=need),), top=entry.id)

    def themes(self) -> list[str]:
        return self.browser.themes()

    def themes_reply(self) -> Reply:
        return self.browser.themes_reply()

    def theme_reply(self, value: str) -> Reply:
        return self.browser.theme_reply(value)

    def catalogue_page(self, page: int) -> Reply:
        return self.browser.catalogue_page(page)


def _placed(organisation: str, territory: Territory | None) -> str:
    """ "… de votre département" / "… de votre région" name the user's département or région
    when it is known ("Centre de gestion … des Côtes-d'Armor", "ARS de Bretagne"). Overseas
    collectivities keep the general wording, and so do Île-de-France's centres de gestion,
    which are interdepartmental (CIG petite and grande couronne)."""
    dep = territory.departement if territory is not None else None
    region = territory.region if territory is not None else None
    if dep is None or dep.code in OVERSEAS_COLLECTIVITIES:
        return organisation
    if not (organisation.startswith("Centre de gestion") and region is not None and region.code == "11"):
        organisation = organisation.replace("de votre département", de_form(dep.name))
    if region is not None:
        organisation = organisation.replace("de votre région", de_region(region.name))
    return organisation
