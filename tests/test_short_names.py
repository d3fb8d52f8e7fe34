"""Everyday short names of compound communes ("Carhaix" for Carhaix-Plouguer), read from the
commune table: the rule, the committed table rebuilt identically, and what a user notices."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from shared import script

from matching.territories import PlaceResolver
from matching.territories.short_names import Town, derive_short_names, short_part

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("Carhaix-Plouguer", ("carhaix", "Carhaix")),
        ("Thonon-les-Bains", ("thonon", "Thonon")),
        ("Saint-Maur-des-Fossés", ("saint maur", "Saint-Maur")),
        ("La Seyne-sur-Mer", ("la seyne", "La Seyne")),
        ("L'Haÿ-les-Roses", ("l hay", "L'Haÿ")),
        ("Brest", None),
        ("Saint-Malo", None),
        ("Le Havre", None),
    ],
)
def test_the_first_part_of_a_compound_name(name: str, part: tuple[str, str] | None) -> None:
    assert short_part(name) == part


def _towns(*rows: tuple[str, str, int]) -> list[Town]:
    from matching.territories.text import name_key

    return [Town(code, name, pop, name_key(name)) for code, name, pop in rows]


def _derive(towns: list[Town], **kw: frozenset[str]) -> dict[str, list[str]]:
    args = {
        "ordinary": frozenset(),
        "first_names": frozenset(),
        "area_keys": frozenset(),
        "taken": frozenset(),
    }
    args.update(kw)
    out: dict[str, list[str]] = {}
    for row in derive_short_names(towns, **args):
        out.setdefault(row.key, []).append(row.code)
    return out


def test_a_unique_first_part_names_its_town_and_homonyms_are_kept_in_order() -> None:
    towns = _towns(
        ("29024", "Carhaix-Plouguer", 7174),
        ("51649", "Vitry-le-François", 12133),
        ("94081", "Vitry-sur-Seine", 93557),
        ("71999", "Vitry-en-Charollais", 1200),  # a tenth of the largest at most: not a reading
        ("22999", "Plouguer-Village", 800),  # too small to be written by its short name
    )
    assert _derive(towns) == {"carhaix": ["29024"], "vitry": ["94081", "51649"]}


def test_ordinary_words_first_names_areas_hand_names_and_crowds_are_no_short_name() -> None:
    towns = _towns(
        ("83129", "Six-Fours-les-Plages", 32829),
        ("40192", "Mont-de-Marsan", 29554),
        ("73999", "Germain-sur-Loire", 9000),
        ("49999", "Vendée-Océan", 9000),
        ("29998", "Cherbourg-en-Cotentin", 79200),
        *((f"9{i:04d}", f"Villeneuve-{n}", 20000) for i, n in enumerate("ABCDE")),
    )
    got = _derive(
        towns,
        ordinary=frozenset({"six", "mont"}),
        first_names=frozenset({"germain"}),
        area_keys=frozenset({"vendee"}),
        taken=frozenset({"cherbourg"}),
    )
    assert got == {}


def test_a_commune_bearing_the_name_keeps_it_unless_the_compound_town_is_far_bigger() -> None:
    towns = _towns(
        ("63113", "Clermont-Ferrand", 143886),
        ("60157", "Clermont", 10147),
        ("39300", "Lons-le-Saunier", 17291),
        ("64348", "Lons", 13000),
    )
    assert _derive(towns) == {"clermont": ["63113"]}


def test_the_committed_table_is_the_rebuild_of_the_committed_communes() -> None:
    text = script("build_short_names").build(KNOWLEDGE)
    assert (KNOWLEDGE / "territoires" / "noms_courts.csv").read_text(encoding="utf-8") == text
    assert "Carhaix,29024,Carhaix-Plouguer\n" in text


def test_a_name_mapped_by_hand_wins_over_the_derived_table(tmp_path: Path) -> None:
    shutil.copytree(KNOWLEDGE / "territoires", tmp_path / "territoires")
    resolver = PlaceResolver.load(tmp_path)
    assert _code(resolver, "recrutement à Carhaix") == "29024"
    hand = tmp_path / "territoires" / "noms_usuels.csv"
    hand.write_text(hand.read_text(encoding="utf-8") + "Carhaix,22093,essai\n", encoding="utf-8")
    assert _code(PlaceResolver.load(tmp_path), "recrutement à Carhaix") == "22093"


def _code(resolver: PlaceResolver, text: str) -> str | None:
    territory = resolver.resolve(text).territory
    return territory.code if territory else None
