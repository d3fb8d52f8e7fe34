"""Territory rules declared by entries (`rules.population_max/min`, `rules.members_of`) applied
to the place of a message, or to the population the message states for its commune.

Why apart from the engine: the rules read the place, the message's own size ("village de 450
âmes") and the programme it names, and they are pinned by tests of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .answer import Territory
from .schema import Rules
from .scoring import Adjustment
from .verdict import MEMBER_BONUS, NON_MEMBER_FACTOR, POPULATION_FACTOR

__all__ = ["territory_rules"]

# Longest entry name looked for in the message, in terms.
LONGEST_NAME = 8


def territory_rules(
    ruled: Sequence[tuple[int, Rules, tuple[str, ...]]],
    territory: Territory | None,
    stated: int | None,
    stems: Sequence[str],
    *,
    title_of: Callable[[str], str],
) -> dict[int, Adjustment]:
    """Adjustments of the ruled entries: out of their population range, an entry is multiplied by
    POPULATION_FACTOR; a member of a programme it serves gains MEMBER_BONUS and says so. `ruled`:
    (entry index, rules, stems of the entry's name).

    A commune on one dated programme list (Action cœur de ville) and absent from another one
    (Petites villes de demain) is served by the first: the entry serving the list it is absent
    from is multiplied by NON_MEMBER_FACTOR, so « revitaliser le centre-bourg de Lannion » (ACV,
    absent from PVD) answers ACV. Only lists the knowledge holds count, and only once the commune
    is on one of them: absent from every list, or a programme without a list, changes nothing.

    `stated`: the population the message gives for its commune, which counts when the place gives
    none (no place, or not a commune). An entry the message names (its title, without what
    follows a parenthesis; an abbreviation is expanded to it) keeps its rank whatever the population: "peut-on entrer dans Petites villes de demain
    avec 21 000 habitants ?" asks about that programme."""
    starts: dict[str, list[int]] = {}
    for k, s in enumerate(stems):
        starts.setdefault(s, []).append(k)
    population = territory.population if territory is not None and territory.level == "commune" else None
    if population is None:
        population = stated
    members = set(territory.programmes) if territory is not None else set()
    absent = (
        {s.programme for s in territory.programme_lists if not s.member}
        if territory is not None and any(s.member for s in territory.programme_lists)
        else set()
    )
    out: dict[int, Adjustment] = {}
    for i, rules, name in ruled:
        factor, bonus, reason = 1.0, 0.0, None
        named = 0 < len(name) <= LONGEST_NAME and any(
            tuple(stems[k : k + len(name)]) == name for k in starts.get(name[0], ())
        )
        if (
            population is not None
            and not named
            and (
                (rules.population_max is not None and population > rules.population_max)
                or (rules.population_min is not None and population < rules.population_min)
            )
        ):
            factor = POPULATION_FACTOR
        elif not named and rules.members_of and set(rules.members_of) <= absent:
            factor = NON_MEMBER_FACTOR
        member = next((m for m in rules.members_of if m in members), None)
        if member is not None and territory is not None:
            bonus = MEMBER_BONUS
            reason = (
                f"{territory.name} fait partie du programme {title_of(member)}{_dated(territory, member)}"
            )
        if factor != 1.0 or bonus:
            out[i] = Adjustment(factor, bonus, reason)
    return out


def _dated(territory: Territory, programme: str) -> str:
    """ " (liste ANCT de janvier 2021)": the date of the list the membership comes from, as the
    cards say it (a list changes; an undated membership would read as true today)."""
    status = next((s for s in territory.programme_lists if s.programme == programme and s.member), None)
    return f" ({status.source})" if status is not None else ""
