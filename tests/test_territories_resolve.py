"""Place resolution on the real tables: the data file of cases, the dev set, the lookups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.evalsets import DEV_SET
from matching.territories import PlaceResolver, resolution_json
from matching.territories.text import name_key, sound_key, strip_article

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((ROOT / "tests" / "data" / "places.yaml").read_text(encoding="utf-8"))
# Hard cases by kind (capitals, postal codes, short names, common words, homonyms, overseas…).
HARD = [
    case
    for path in sorted((ROOT / "tests" / "cases" / "places").glob("*.yaml"))
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))
]


@pytest.fixture(scope="module")
def resolver() -> PlaceResolver:
    return PlaceResolver.load(ROOT / "knowledge")


def _check(resolver: PlaceResolver, case: dict[str, Any]) -> list[str]:
    """Problems of one case (empty when it passes)."""
    text = case.get("text") or case["q"]
    result = resolver.resolve(text)
    t = result.territory
    codes = {c.code for c in result.candidates}
    problems: list[str] = []
    if case.get("none"):
        if t is not None or result.candidates:
            problems.append(f"no place expected, got {t and t.code} / {sorted(codes)}")
        return problems
    if "commune" in case and not (t and t.level == "commune" and t.code == case["commune"]):
        problems.append(
            f"commune {case['commune']} expected, got {t and (t.level, t.code)} / {sorted(codes)}"
        )
    if "departement" in case and not (t and t.departement and t.departement.code == case["departement"]):
        problems.append(f"département {case['departement']} expected, got {t and t.departement}")
    if "region" in case and not (t and t.region and t.region.code == case["region"]):
        problems.append(f"région {case['region']} expected, got {t and t.region}")
    if "epci" in case and not (t and t.epci and t.epci.code == case["epci"]):
        problems.append(f"EPCI {case['epci']} expected, got {t and t.epci}")
    if "level" in case and not (t and t.level == case["level"]):
        problems.append(f"level {case['level']} expected, got {t and t.level}")
    wanted = case.get("candidates") or case.get("places")
    if wanted:
        if not set(wanted) <= codes:
            problems.append(f"candidates {wanted} expected among {sorted(codes)}")
        if t is not None and "commune" not in case and "departement" not in case:
            problems.append(f"ambiguous place: no territory expected, got {t.code}")
    if "span" in case and case["span"] not in [text[a:b] for a, b in result.spans]:
        problems.append(f"span {case['span']!r} expected, got {[text[a:b] for a, b in result.spans]}")
    return problems


def test_enough_cases() -> None:
    assert len(CASES) >= 60
    assert sum(1 for c in CASES if c.get("none")) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_place_case(resolver: PlaceResolver, case: dict[str, Any]) -> None:
    assert _check(resolver, case) == []


def _dev_set() -> list[dict[str, Any]]:
    return list(yaml.safe_load(DEV_SET.read_text(encoding="utf-8")))


@pytest.mark.parametrize("case", HARD, ids=[c["text"][:50] for c in HARD])
def test_hard_place_case(resolver: PlaceResolver, case: dict[str, Any]) -> None:
    """Each hard case of tests/cases/places/ resolves as written there."""
    assert _check(resolver, case) == []


def test_dev_set_territories(resolver: PlaceResolver) -> None:
    """Every territory expectation of the dev set passes; other cases yield no place."""
    cases = _dev_set()
    if not cases:
        pytest.skip("dev set not found")
    failures = []
    for case in cases:
        expects_place = any(k in case for k in ("commune", "departement", "region", "places"))
        problems = _check(resolver, case if expects_place else {**case, "none": True})
        if problems:
            failures.append((case["q"], problems))
    assert failures == []


def test_spans_point_into_the_original_text(resolver: PlaceResolver) -> None:
    text = "Bonjour, nous cherchons un manager de centre-ville au Creusot (71) pour 2025"
    result = resolver.resolve(text)
    assert result.territory is not None
    assert result.territory.code == "71153"
    assert [text[a:b] for a, b in result.spans] == ["au Creusot (71)"]


def test_json_shape(resolver: PlaceResolver) -> None:
    data = resolution_json(resolver.resolve("job meeting à Alès"))
    territory = data["territory"]
    assert isinstance(territory, dict)
    assert territory["level"] == "commune"
    assert territory["departement"] == {"code": "30", "name": "Gard"}
    assert territory["region"] == {"code": "76", "name": "Occitanie"}
    assert territory["epci"]["code"] == "200066918"
    assert set(territory) >= {
        "level",
        "code",
        "name",
        "departement",
        "region",
        "epci",
        "population",
        "programmes",
    }
    assert data["territory_candidates"] == []


def test_candidates_carry_departement_and_are_sorted(resolver: PlaceResolver) -> None:
    result = resolver.resolve("à Saint-Denis")
    assert result.territory is None
    pops = [c.population or 0 for c in result.candidates]
    assert pops == sorted(pops, reverse=True)
    assert all(c.departement is not None and c.region is not None for c in result.candidates)


def test_lookups(resolver: PlaceResolver) -> None:
    assert resolver.prefecture("22") == "Saint-Brieuc"
    assert resolver.prefecture("2A") == "Ajaccio"
    assert resolver.prefecture("974") == "Saint-Denis"
    assert resolver.prefecture("99") is None
    dep = resolver.departement("2a")
    assert dep is not None
    assert dep.name == "Corse-du-Sud"
    region = resolver.region("53")
    assert region is not None
    assert region.name == "Bretagne"
    assert resolver.commune("75056") is not None
    for code in ("75056", "69123", "13055"):
        commune = resolver.commune(code)
        assert commune is not None
        assert commune.level == "commune"
    assert resolver.commune("00000") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [("guingamp", "22070"), ("Guingamps", "22070"), ("le creusot", "71153"), ("creusot", "71153"),
     ("st denis", "97411"), ("Pont", "21495"), ("Saint-Denis 93", "93066"), ("22200", "22070")],
)  # fmt: skip
def test_search_communes(resolver: PlaceResolver, name: str, expected: str) -> None:
    found = resolver.search_communes(name)
    assert found
    assert found[0].code == expected
    assert len(found) <= 10


def test_search_communes_nothing(resolver: PlaceResolver) -> None:
    assert resolver.search_communes("qwertyuiop") == []
    assert resolver.search_communes("") == []


def test_stored_keys_match_the_normaliser(resolver: PlaceResolver) -> None:
    """The build script stores keys; a change of text.py without a rebuild must fail here."""
    tables = resolver.tables
    for code in list(tables.commune_rows)[::50]:
        row = tables.commune(code)
        assert row is not None
        assert row.key == name_key(row.name)
        assert code in tables.commune_codes(row.key)
        assert code in (tables.commune_sounds.get(sound_key(strip_article(row.key) or row.key)) or "")


def test_long_and_odd_texts(resolver: PlaceResolver) -> None:
    assert resolver.resolve("").territory is None
    assert resolver.resolve("   ").territory is None
    assert resolver.resolve("!!! ??? ...").territory is None
    long_text = "recruter un manager " * 500 + " à Guingamp"
    assert resolver.resolve(long_text).territory is None  # beyond the first 2,000 characters


def test_homonyms_are_offered_not_guessed(resolver: PlaceResolver) -> None:
    """Saint-Pierre names a town of La Réunion, one of Martinique, the chef-lieu of
    Saint-Pierre-et-Miquelon and villages: nothing separates them, so none is set and all are offered."""
    result = resolver.resolve("à Saint-Pierre")
    assert result.territory is None
    codes = [c.code for c in result.candidates]
    assert codes[0] == "97416"
    assert {"97225", "97502"} <= set(codes)


def test_a_prefecture_far_bigger_than_its_homonyms_is_chosen(resolver: PlaceResolver) -> None:
    """Chaumont is the préfecture of Haute-Marne, thirty times bigger than the villages of that
    name: chosen, the others offered."""
    result = resolver.resolve("à Chaumont")
    assert result.territory is not None
    assert result.territory.code == "52121"
    assert "74065" in {c.code for c in result.candidates}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_resolves_with_spans_inside_it(resolver: PlaceResolver, text: str) -> None:
    result = resolver.resolve(text)
    for start, end in result.spans:
        assert 0 <= start < end <= len(text)
    assert list(result.spans) == sorted(result.spans)
    if result.territory is None:
        assert all(c.level == "commune" for c in result.candidates)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["à ", "dans le ", "en ", "", "Bonjour, "]),
    st.text(alphabet="abcdeéèilnorstuASDLP -'", max_size=40),
)
def test_place_like_text_never_breaks(resolver: PlaceResolver, cue: str, name: str) -> None:
    result = resolver.resolve(cue + name)
    assert result.territory is None or result.territory.code
