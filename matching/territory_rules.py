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
from .verdict import MEMBER_BONUS, POPULATION_FACTOR

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

    `stated`: the population the message gives for its commune, which counts when the place gives
    none (no place, or not a commune). An entry the message names (its title, without what
    follows a parenthesis; an abbreviation is expanded to it) keeps its rank whatever the population: "peut-on entrer dans Petites villes de demain
    avec 21 000 habitants ?" asks about that programme."""
    grams = {tuple(stems[k : k + n]) for k in range(len(stems)) for n in range(1, LONGEST_NAME + 1)}
    population = territory.population if territory is not None and territory.level == "commune" else None
    if population is None:
        population = stated
    members = set(territory.programmes) if territory is not None else set()
    out: dict[int, Adjustment] = {}
    for i, rules, name in ruled:
        factor, bonus, reason = 1.0, 0.0, None
        named = bool(name) and name in grams
        if (
            population is not None
            and not named
            and (
                (rules.population_max is not None and population > rules.population_max)
                or (rules.population_min is not None and population < rules.population_min)
            )
        ):
            factor = POPULATION_FACTOR
        member = next((m for m in rules.members_of if m in members), None)
        if member is not None and territory is not None:
            bonus = MEMBER_BONUS
            reason = f"{territory.name} fait partie du programme {title_of(member)}"
        if factor != 1.0 or bonus:
            out[i] = Adjustment(factor, bonus, reason)
    return out
