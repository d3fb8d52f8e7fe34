"""Rebuild knowledge/territoires/noms_courts.csv: everyday short names of compound communes
("Carhaix" for Carhaix-Plouguer, "Vitry" for Vitry-sur-Seine or Vitry-le-François).

Why a table and not a hand list: the rule (matching/territories/short_names.py) reads all the
official names, so every compound town gets its short name, and the file shows admins exactly
which names are read; a name listed by hand in noms_usuels.csv wins over this table.

Inputs, all committed: the territory tables (communes, départements, régions, pays and
adjectives), mots_courants.txt (ordinary words) and knowledge/anct/prenoms.txt (first names).
Deterministic: sorted output, identical byte for byte from the same tables.

Usage:
    python scripts/build_short_names.py            # rewrites knowledge/territoires/noms_courts.csv
    python scripts/build_short_names.py --check    # exit 1 if the committed table differs
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.territories.short_names import Town, derive_short_names  # noqa: E402
from matching.territories.tables import SHORT_NAMES_FILE, TABLES_DIR, Tables  # noqa: E402
from matching.territories.text import name_key  # noqa: E402

DEFAULT_KNOWLEDGE = ROOT / "knowledge"
HEADER = ("nom", "code", "nom_officiel")


def build(knowledge_dir: Path) -> str:
    """The CSV text of noms_courts.csv for these knowledge tables."""
    tables = Tables.load(knowledge_dir)
    towns = [
        Town(row.code, row.name, row.population, row.key)
        for code in sorted(tables.commune_rows)
        if (row := tables.commune(code)) is not None
    ]
    names = knowledge_dir / "anct" / "prenoms.txt"
    first_names = frozenset(names.read_text(encoding="utf-8").split()) if names.exists() else frozenset()
    areas = frozenset(tables.departement_keys) | frozenset(tables.region_keys) | frozenset(tables.demonyms)
    hand = knowledge_dir / TABLES_DIR / "noms_usuels.csv"
    taken = frozenset()
    if hand.exists():
        with hand.open(encoding="utf-8", newline="") as handle:
            taken = frozenset(name_key(row["nom"]) for row in csv.DictReader(handle))
    rows = derive_short_names(
        towns, ordinary=tables.common_words, first_names=first_names, area_keys=areas, taken=taken
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow((row.name, row.code, row.official))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reconstruit noms_courts.csv (noms courts des communes).")
    parser.add_argument("--knowledge-dir", type=Path, default=DEFAULT_KNOWLEDGE, help="dossier knowledge/")
    parser.add_argument("--check", action="store_true", help="comparer sans écrire (code 1 si différent)")
    args = parser.parse_args(argv)
    text = build(args.knowledge_dir)
    target = args.knowledge_dir / TABLES_DIR / SHORT_NAMES_FILE
    if args.check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print(f"{SHORT_NAMES_FILE} à jour" if same else f"{SHORT_NAMES_FILE} diffère de la reconstruction")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - 1} noms courts -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
