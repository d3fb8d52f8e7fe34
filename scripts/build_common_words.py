"""Rebuild knowledge/territoires/mots_courants.txt: the words of place names that are also
ordinary French words ("pont", "bourg", "ligné"), from the committed tables and Hunspell.

Why this way: the list decides which place names need the user's marks (see
matching/territories/scan.py), so it must be rebuilt identically by anyone. Expanding the whole
dictionary (`unmunch`) over-generates forms with Grammalecte's affix rules and differs between
versions; asking Hunspell itself whether a word is spelt right does not. Each word of a place
name (folded: no accents) is checked with its accented spellings (up to two accented letters,
and œ/æ), so that "Ligné" or "Abbaretz" meet "ligné" and nothing else.

Inputs: the committed tables (communes, anciennes communes, départements, régions: column
`cle`) and Debian's packages `hunspell` 1.7.1 and `hunspell-fr-classical` 1:7.0 (dictionary
fr_FR, MPL-2.0), plus a few words of needs (EXTRA_COMMON_WORDS). Deterministic: sorted output.

Usage:
    apt-get install hunspell hunspell-fr-classical
    python scripts/build_common_words.py            # rewrites knowledge/territoires/mots_courants.txt
    python scripts/build_common_words.py --check    # exit 1 if the committed list differs
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import itertools
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT / "knowledge" / "territoires"
TABLES = ("communes.csv.gz", "anciennes_communes.csv.gz", "departements.csv", "regions.csv")
HUNSPELL = ("hunspell", "-i", "utf-8", "-d", "fr_FR", "-l")  # prints the words it does not know

# Words of needs that are not in a French dictionary but must never be read as places.
EXTRA_COMMON_WORDS = (
    "job dating meeting manager managers mentor mentors mentoring coaching coworking startup start up "
    "digital data web online open design business marketing team bonjour salut merci ok svp stp "
    "apec anct pvd acv qpv crte vta ti feder fse pme tpe eti dgs drh rh cv bac"
)
_ACCENTS = {"e": "éèêë", "a": "âà", "i": "îï", "o": "ô", "u": "ûùü", "c": "ç"}
_LIGATURES = (("oe", "œ"), ("ae", "æ"))
MAX_ACCENTS = 2


def place_tokens(directory: Path) -> set[str]:
    """Folded words of every commune, former commune, département and région name."""
    tokens: set[str] = set()
    for table in TABLES:
        data = (directory / table).read_bytes()
        if table.endswith(".gz"):
            data = gzip.decompress(data)
        for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
            tokens.update(row["cle"].split())
    return tokens


def spellings(token: str) -> set[str]:
    """The token and its accented spellings: up to two accented letters, and œ / æ."""
    bases = {token}
    for plain, ligature in _LIGATURES:
        if plain in token:
            bases.add(token.replace(plain, ligature))
    out: set[str] = set()
    for base in bases:
        positions = [i for i, char in enumerate(base) if char in _ACCENTS]
        out.add(base)
        for count in range(1, MAX_ACCENTS + 1):
            for chosen in itertools.combinations(positions, count):
                for accents in itertools.product(*(_ACCENTS[base[i]] for i in chosen)):
                    chars = list(base)
                    for i, accent in zip(chosen, accents, strict=True):
                        chars[i] = accent
                    out.add("".join(chars))
    return out


def hunspell_unknown(words: Iterable[str]) -> set[str]:
    """The words Hunspell's French dictionary does not know (one run over all of them)."""
    result = subprocess.run(
        HUNSPELL, input="\n".join(words) + "\n", capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def common_words(tokens: Iterable[str], unknown: Callable[[Iterable[str]], set[str]]) -> list[str]:
    """Place words one of whose spellings is a French word, plus EXTRA_COMMON_WORDS, sorted."""
    candidates: dict[str, set[str]] = {}
    for token in tokens:
        if token.isalpha():
            for spelling in spellings(token):
                candidates.setdefault(spelling, set()).add(token)
    rejected = unknown(sorted(candidates))
    found = {token for spelling, owners in candidates.items() if spelling not in rejected for token in owners}
    return sorted(found | set(EXTRA_COMMON_WORDS.split()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reconstruit mots_courants.txt (Hunspell, fr_FR).")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="dossier des tables des territoires")
    parser.add_argument("--check", action="store_true", help="comparer sans écrire (code 1 si différent)")
    args = parser.parse_args(argv)
    words = common_words(place_tokens(args.dir), hunspell_unknown)
    text = "\n".join(words) + "\n"
    target = args.dir / "mots_courants.txt"
    if args.check:
        same = target.read_text(encoding="utf-8") == text
        print("mots_courants.txt à jour" if same else "mots_courants.txt diffère de la reconstruction")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"{len(words)} mots courants -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
