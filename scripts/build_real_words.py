"""Rebuild the real French words that typo correction must leave alone (`context_words` in
knowledge/vocabulaire.yaml, between the two markers).

Why: typo correction moves an unknown word to a known one within one or two edits, so real words
the catalogue does not use were read as other words: « mécanique de précision » became
« prévision » (a request for data), « transformer » became « transférer » (a legal question),
« répond » became « rebond ». A frequent French word whose correction is not one of its own
inflections (« rencontrent » -> « rencontre » is kept, it helps) is listed here, so the
analyzer knows it and never corrects it.

Input: the French word frequency list shipped by the `pyspellchecker` package (0.9.1,
resources/fr.json.gz, MIT licence), its `TOP` most frequent words. Deterministic: sorted output.

Usage:
    pip install pyspellchecker==0.9.1
    python scripts/build_real_words.py            # rewrites the block in knowledge/vocabulaire.yaml
    python scripts/build_real_words.py --check    # exit 1 if the committed block differs
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from importlib import resources
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
VOCABULARY = ROOT / "knowledge" / "vocabulaire.yaml"
BEGIN = "  # -- mots francais courants (scripts/build_real_words.py) --"
END = "  # -- fin des mots francais courants --"
TOP = 40000


def frequent_words() -> list[str]:
    """The TOP most frequent words of pyspellchecker's French list, most frequent first."""
    data = resources.files("spellchecker").joinpath("resources/fr.json.gz").read_bytes()
    counts: dict[str, int] = json.loads(gzip.decompress(data))
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]]


def real_words(text: str) -> list[str]:
    """Frequent words that the analyzer built without the block would correct into another word."""
    sys.path.insert(0, str(ROOT))
    from matching.analyzer import Analyzer
    from matching.loader import load_knowledge
    from matching.normalise import fold
    from matching.schema import Vocabulary
    from matching.scoring import entry_fields

    data = yaml.safe_load(text)
    block = set(_block_words(text))
    data["context_words"] = [w for w in data.get("context_words") or [] if w not in block]
    knowledge = load_knowledge(VOCABULARY.parent)
    analyzer = Analyzer(Vocabulary.model_validate(data))
    analyzer.learn(t for e in knowledge.entries for texts in entry_fields(e).values() for t in texts)
    analyzer.learn(f for c in knowledge.vocabulary.concepts.values() for f in c.forms)
    analyzer.learn(data["context_words"])
    out: set[str] = set()
    for raw in frequent_words():
        word = fold(raw)
        if not word.isalpha():
            continue
        corrected = analyzer.correct(word)
        if corrected == word:
            continue
        shared = next((k for k, (a, b) in enumerate(zip(word, corrected, strict=False)) if a != b), None)
        shared = min(len(word), len(corrected)) if shared is None else shared
        if shared < max(len(word) - 3, 4):  # not an inflection of the word it would become
            out.add(word)
    return sorted(out)


def _block_words(text: str) -> list[str]:
    if BEGIN not in text:
        return []
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    return [line.strip(' -"') for line in block.splitlines() if line.strip(' -"')]


def render(words: list[str]) -> str:
    """One quoted word a line (quoted: « false » or « null » stay words)."""
    return "\n".join(f'  - "{w}"' for w in words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Reconstruit les mots français courants de vocabulaire.yaml."
    )
    parser.add_argument("--check", action="store_true", help="comparer sans écrire (code 1 si différent)")
    args = parser.parse_args(argv)
    text = VOCABULARY.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        print(f"marqueurs absents de {VOCABULARY}", file=sys.stderr)
        return 2
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{render(real_words(text))}\n{END}{tail}"
    if args.check:
        same = new == text
        print("mots français courants à jour" if same else "les mots français courants diffèrent")
        return 0 if same else 1
    VOCABULARY.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
