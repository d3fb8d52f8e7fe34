"""`aiguilleur import …`: external data into the knowledge directory, validated before it is kept.

- `aides-territoires FILE.json`: the aids open to collectivities, in their own catalogue file;
- `contacts-anct`, `france-services`, `liste-programme pvd|acv`: the official ANCT tables, read
  in the formats the ANCT and data.gouv.fr publish, so an admin refreshes them without code.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from pathlib import Path

import click

from matching import KnowledgeError, load_knowledge
from matching.aides_territoires import SOURCE_URL, ImportResult, convert, load_place_names, render_yaml
from matching.anct.manifest import ANCT_DIR, read_manifest
from matching.anct.records import TableFormatError
from matching.anct.tables import (
    Importer,
    bundled,
    import_directory,
    import_france_services,
    import_programme_list,
    safe_import,
)

from .base import CliError, Group
from .common import announce, knowledge, knowledge_option, read_input, unreadable_csv, writable
from .params import Date, Existing, OneOf

DEFAULT_FILE = Path("catalogue") / "aides-territoires.yaml"


@click.group(
    "import",
    cls=Group,
    invoke_without_command=True,
    no_args_is_help=False,
    help="Importe des données externes dans un fichier de connaissances séparé.",
)
@click.pass_context
def command(ctx: click.Context) -> None:
    """`aiguilleur import SOURCE …`; without a source, says which one to give."""
    if ctx.invoked_subcommand is None:
        raise CliError(
            "indiquez la source, par exemple : aiguilleur import aides-territoires aides.json", code=2
        )


@command.command(
    "aides-territoires",
    short_help="aides de l'API Aides-territoires (JSON)",
    help="Lit un export JSON de l'API Aides-territoires (liste d'aides ou pages {count, next, previous, "
    "results}), garde les aides ouvertes aux collectivités et non échues, et écrit un fichier de catalogue.",
)
@click.argument(
    "file", metavar="FICHIER", type=Existing("fichier"), help="fichier JSON téléchargé depuis " + SOURCE_URL
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FICHIER",
    help="fichier écrit (défaut : <connaissances>/catalogue/aides-territoires.yaml)",
)
@click.option(
    "--today",
    type=Date(),
    default=None,
    metavar="AAAA-MM-JJ",
    help="date du jour AAAA-MM-JJ (défaut : aujourd'hui) ; les aides dont la date limite est passée sont écartées",
)
@knowledge_option
def aides_territoires(
    file: Path, output: Path | None, today: dt.date | None, knowledge_dir: Path | None
) -> int:
    """Converts the export, writes the catalogue file and checks the knowledge still loads."""
    today = today or dt.date.today()
    try:
        data = json.loads(read_input(file).decode("utf-8"))
    except UnicodeDecodeError:
        raise CliError(f"{file} : JSON illisible (le fichier n'est pas encodé en UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise CliError(
            f"{file} : JSON illisible ligne {exc.lineno}, colonne {exc.colno} (fichier tronqué, ou pas un export JSON ?)"
        ) from None
    chosen = knowledge(knowledge_dir)
    directory = chosen.path
    if output is None and not directory.is_dir():
        raise CliError(f"dossier de connaissances introuvable : {directory}", code=2)
    target: Path = output or writable(chosen, "import") / DEFAULT_FILE
    announce(chosen)
    reserved = _other_ids(directory, target)
    try:
        result = convert(data, today=today, places=load_place_names(directory), reserved=reserved)
    except ValueError as exc:
        raise CliError(f"{file} : {exc}") from exc
    for line in summary(result):
        click.echo(line)
    if not result.entries:
        raise CliError("aucune aide retenue : fichier non écrit")
    _write_checked(target, render_yaml(result, today=today))
    click.echo(f"Écrit : {target} ({len(result.entries)} entrée(s)). Rechargez le bot avec /reload.")
    return 0


def summary(result: ImportResult) -> list[str]:
    """French summary lines: counts kept and skipped by reason, unknown perimeters."""
    skipped = sum(result.skipped.values())
    reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(result.skipped.items()))
    lines = [
        f"Aides-territoires : {result.read} aide(s) lue(s), {len(result.entries)} gardée(s), "
        f"{skipped} écartée(s)" + (f" ({reasons})." if reasons else ".")
    ]
    if result.unknown_perimeters:
        names = ", ".join(f"{name} ({n})" for name, n in sorted(result.unknown_perimeters.items()))
        lines.append(f"Périmètres non reconnus, aides proposées partout : {names}.")
    return lines


def _other_ids(knowledge_dir: Path, output: Path) -> set[str]:
    """Ids used by the other catalogue files: imported aids must never take them."""
    try:
        knowledge = load_knowledge(knowledge_dir)
    except KnowledgeError:
        return set()
    target = output.resolve()
    return {i for i, (path, _) in knowledge.entry_files.items() if Path(path).resolve() != target}


def _write_checked(output: Path, text: str) -> None:
    """Writes the file, then loads its knowledge directory; on failure the old file is restored."""
    previous = output.read_text(encoding="utf-8") if output.exists() else None
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)
    directory = output.parent.parent if output.parent.name == "catalogue" else None
    if directory is None or not (directory / "contacts.yaml").exists():
        return
    try:
        load_knowledge(directory)
    except KnowledgeError as exc:
        if previous is None:
            output.unlink()
        else:
            output.write_text(previous, encoding="utf-8")
        raise CliError(
            "le fichier importé rend les connaissances invalides (rien n'a été changé) :\n"
            + "\n".join(str(p) for p in exc.problems)
        ) from exc


# -- official ANCT tables ---------------------------------------------------------------------

_MONTH_OR_DAY = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _data_date(value: str) -> str:
    """AAAA-MM-JJ or AAAA-MM (a list dated by month), checked as a real date."""
    try:
        dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        raise CliError(
            f"--date : date invalide « {value} », format attendu AAAA-MM-JJ ou AAAA-MM", code=2
        ) from None
    if not _MONTH_OR_DAY.match(value):
        raise CliError(f"--date : date invalide « {value} », format attendu AAAA-MM-JJ ou AAAA-MM", code=2)
    if dt.date.fromisoformat(value if len(value) == 10 else value + "-01") > dt.date.today():
        raise CliError(
            f"--date : {value} est dans le futur ; indiquez la date des données (citée dans les réponses)",
            code=2,
        )
    return value


def _refresh(
    table_id: str, importer: Importer, file: Path, date: str, origin: str | None, option: Path | None
) -> int:
    """Imports an official export into its table, validated; the previous table is kept on failure."""
    chosen = knowledge(option)
    directory = writable(chosen, "import")
    announce(chosen)
    try:
        manifest = read_manifest(directory)
    except ValueError:
        manifest = None
    template = (manifest.get(table_id) if manifest else None) or bundled(table_id)
    info = template.model_copy(
        update={"date": _data_date(date), "origin": origin or f"{file.name} (importé)"}
    )
    try:
        report = safe_import(importer, read_input(file), directory, info)
    except TableFormatError as exc:
        raise CliError(f"{file} : {exc}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CliError(f"{file} : {unreadable_csv(exc)}") from None
    for line in report.lines():
        click.echo(line)
    click.echo(
        f"Écrit : {(directory / ANCT_DIR / report.table.file).resolve()}. Rechargez le bot avec /reload."
    )
    return 0


_DATE_HELP = "date des données, AAAA-MM-JJ (ou AAAA-MM pour une liste datée au mois) : elle est citée dans les réponses"
_ORIGIN_HELP = "jeu de données et version, cités dans tables.yaml (défaut : le nom du fichier)"


@command.command(
    "contacts-anct",
    short_help="annuaire des interlocuteurs locaux de l'ANCT (CSV)",
    help="Relit l'export CSV de l'annuaire des délégués territoriaux de l'ANCT (carte anct-carto, data.gouv.fr) "
    "et remplace la table des contacts locaux. Seules les organisations et les boîtes de service sont gardées.",
)
@click.argument("file", metavar="FICHIER", type=Existing("fichier"))
@click.option("--date", "date", required=True, metavar="AAAA-MM-JJ", help=_DATE_HELP)
@click.option("--origine", "origin", default=None, metavar="TEXTE", help=_ORIGIN_HELP)
@knowledge_option
def contacts_anct(file: Path, date: str, origin: str | None, knowledge_dir: Path | None) -> int:
    """Refreshes knowledge/anct/contacts_locaux.csv."""
    return _refresh("contacts-locaux", import_directory, file, date, origin, knowledge_dir)


@command.command(
    "france-services",
    short_help="liste des structures France services (CSV de data.gouv.fr)",
    help="Relit la « liste des structures France services » publiée sur data.gouv.fr (CSV, « , » ou « ; ») "
    "et remplace la table des sites (adresse, position, téléphone, horaires, type).",
)
@click.argument("file", metavar="FICHIER", type=Existing("fichier"))
@click.option("--date", "date", required=True, metavar="AAAA-MM-JJ", help=_DATE_HELP)
@click.option("--origine", "origin", default=None, metavar="TEXTE", help=_ORIGIN_HELP)
@knowledge_option
def france_services(file: Path, date: str, origin: str | None, knowledge_dir: Path | None) -> int:
    """Refreshes knowledge/anct/france_services.csv.gz."""
    return _refresh("france-services", import_france_services, file, date, origin, knowledge_dir)


@command.command(
    "liste-programme",
    short_help="liste officielle des communes d'un programme (pvd, acv)",
    help="Remplace les communes d'un programme (pvd : Petites villes de demain, acv : Action cœur de ville) "
    "par une liste officielle datée : toute colonne de code INSEE est reconnue, les lignes écartées sont listées.",
)
@click.argument("programme", metavar="PROGRAMME", type=OneOf(("pvd", "acv"), "programme"))
@click.argument("file", metavar="FICHIER", type=Existing("fichier"))
@click.option("--date", "date", required=True, metavar="AAAA-MM", help=_DATE_HELP)
@click.option("--origine", "origin", default=None, metavar="TEXTE", help=_ORIGIN_HELP)
@knowledge_option
def liste_programme(
    programme: str, file: Path, date: str, origin: str | None, knowledge_dir: Path | None
) -> int:
    """Refreshes the programme's rows of knowledge/territoires/programmes.csv."""
    return _refresh(programme, import_programme_list, file, date, origin, knowledge_dir)
