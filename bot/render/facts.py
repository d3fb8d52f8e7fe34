"""What is time-bound about an entry, with its dates, and when the entry was last checked.

Every card shows these lines (suspensions, end dates, closed calls, the 2021 agreement's term)
so a user never takes a dated fact for a permanent one.
"""

from __future__ import annotations

import datetime as dt

from matching import Entry, Fact

from .markup import Markup

TIME_BOUND = ("status", "deadline")
MAX_DATED = 2
_LABELS = {"status": "À savoir", "deadline": "Échéance"}


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def fact_dates(fact: Fact) -> str:
    """ "au 14/05/2025", "jusqu'au 31/12/2026", "du 31/05/2021 au 31/05/2024", or "".
    A deadline shows its end date only (when the source said it is in the fact's text)."""
    if fact.as_of and fact.until and fact.kind != "deadline":
        return f"du {_d(fact.as_of)} au {_d(fact.until)}"
    if fact.until:
        return f"jusqu'au {_d(fact.until)}"
    if fact.as_of:
        return f"au {_d(fact.as_of)}"
    return ""


def dated_lines(entry: Entry, m: Markup) -> list[str]:
    """The entry's time-bound facts (status first, then deadlines), then its review date."""
    facts = sorted((f for f in entry.facts if f.kind in TIME_BOUND), key=lambda f: TIME_BOUND.index(f.kind))
    lines = []
    for fact in facts[:MAX_DATED]:
        when = fact_dates(fact)
        label = _LABELS[fact.kind] + (f" ({when})" if when else "")
        lines.append(f"{m.b(label + ' :')} {m.esc(fact.text)}")
    lines.append(m.i(f"Fiche vérifiée le {_d(entry.reviewed)}."))
    return lines


KIND_TITLES = {
    "amount": "Montant",
    "audience": "Pour qui",
    "eligibility": "Conditions",
    "duration": "Durée",
    "deadline": "Échéance",
    "procedure": "Démarche",
    "status": "À savoir",
}


def fact_lines(entry: Entry, kinds: tuple[str, ...], m: Markup) -> list[str]:
    """The entry's facts of these kinds ("c'est combien ?" -> amount), each with its dates and
    its source, for a dialogue that answers on demand; [] when the entry has none."""
    lines = []
    for fact in (f for f in entry.facts if f.kind in kinds):
        when = fact_dates(fact)
        head = KIND_TITLES[fact.kind] + (f" ({when})" if when else "")
        source = fact.source.label + (f" — {fact.source.url}" if fact.source.url else "")
        lines.append(f"• {m.b(head + ' :')} {m.esc(fact.text)}\n  {m.i('Source : ' + source)}")
    return lines
