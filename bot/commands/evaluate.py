"""`aiguilleur eval`: accuracy figures on a labelled set (default: the bundled dev set)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml
from pydantic import ValidationError

from matching.evaluation import HALVES, evaluate, load_cases, split_half
from matching.yamlmessages import syntax_message

from ..evalsets import DEV_SET
from .base import CliError, Command
from .common import knowledge_option, load_engine, os_reason, print_json
from .params import Existing


@click.command(
    "eval",
    cls=Command,
    help="Top-1, top-3, MRR, précision et rappel du « pas de réponse », précision des lieux.",
)
@click.argument(
    "file",
    metavar="FICHIER",
    required=False,
    type=Existing("fichier"),
    help="fichier YAML (défaut : jeu de développement)",
)
@click.option("--json", "as_json", is_flag=True, help="sortie JSON")
@click.option(
    "--half",
    type=click.Choice(HALVES),
    default=None,
    help="seulement une moitié du jeu (tirée d'un hachage de chaque question) : "
    "« tuning » pour régler, « held-out » pour vérifier que le réglage se généralise",
)
@knowledge_option
def command(file: Path | None, as_json: bool, half: str | None, knowledge_dir: Path | None) -> int:
    """Scores the engine on a labelled set and lists the misses."""
    path = file or default_set()
    try:
        cases = load_cases(path)
    except Exception as exc:  # YAML or schema problem in a user-supplied file
        raise CliError(f"{path} : jeu de questions illisible ({_why(exc)})") from None
    if half is not None:
        cases = split_half(cases, half)
    report = evaluate(load_engine(knowledge_dir), cases).to_json()
    if as_json:
        print_json(report)
        return 0
    click.echo("\n".join(summary(path, len(cases), report)))
    return 0


def default_set() -> Path:
    """The dev set shipped with the package (works from an installed wheel too)."""
    if DEV_SET.exists():
        return DEV_SET
    raise CliError("jeu de développement introuvable : indiquez un fichier", code=2)


def summary(path: Path, count: int, report: dict[str, Any]) -> list[str]:
    """The French lines of the human output."""
    lines = [
        f"Jeu : {path} ({count} questions)",
        f"Dans le périmètre : {report['in_scope']} — top-1 {report['top1']:.3f}, top-3 {report['top3']:.3f}, "
        f"MRR {report['mrr']:.3f}, sans réponse {report['false_no_match_rate']:.3f}",
        f"Hors périmètre : {report['out_of_scope']} — « pas de réponse » précision "
        f"{report['no_match_precision']:.3f}, rappel {report['no_match_recall']:.3f}",
        f"Lieux : {report['territory_cases']} cas — exactitude {report['territory_accuracy']:.3f}",
    ]
    if report["misses"]:
        lines.append("Erreurs :")
        for miss in report["misses"]:
            if "expected_place" in miss:
                lines.append(
                    f"  - « {miss['q']} » : lieu attendu {miss['expected_place']}, obtenu {miss['got_place']}"
                )
            else:
                expected = ", ".join(miss["expected"]) or "pas de réponse"
                got = ", ".join(miss["got"]) or "pas de réponse"
                lines.append(f"  - « {miss['q']} » : attendu {expected}, obtenu {got} ({miss['status']})")
    return lines


def _why(exc: Exception) -> str:
    """What is wrong with a labelled set, in French, with the line or the case when known
    (the file is the admin's own: its values may be quoted)."""
    if isinstance(exc, yaml.MarkedYAMLError):
        line, message = syntax_message(exc)
        return f"ligne {line} : {message}" if line else message
    if isinstance(exc, ValidationError):
        error = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in error["loc"])
        if not field:
            return "chaque cas s'écrit « - q: … » suivi de « expect: […] »"
        kinds = {"missing": "champ obligatoire absent", "extra_forbidden": "champ inconnu"}
        return f"champ {field} : {kinds.get(error['type'], error['msg'])} (champs : q, expect, commune…)"
    if isinstance(exc, UnicodeDecodeError):
        return "le fichier n'est pas encodé en UTF-8"
    if isinstance(exc, OSError):
        return os_reason(exc)
    if isinstance(exc, TypeError):
        return "une liste de cas (« - q: … ») est attendue"
    return exc.__class__.__name__
