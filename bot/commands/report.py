"""`aiguilleur report`: what the admins should look at next, in Markdown (default) or CSV.

- entries not reviewed for over `--months` months (facts age: programmes close, contacts move);
- official data tables (ANCT directory, France services, programme lists) whose data is older
  than `--months` months, with their source, so the admin knows which export to re-import;
- examples that no longer rank their entry first (`Engine.example_problems`, the regression list);
- from the bot's store, when the database file exists: the most frequent unanswered questions
  and the 👍 / 👎 per entry. The store is opened only if the file is already there, so a report
  never creates an empty database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import click

from matching import Engine
from matching.anct import TableInfo, stale_tables

from .base import CliError, Command
from .common import database_reason, knowledge_option, load_engine, settings
from .params import Date, Integer

DB_ENV = "AIGUILLEUR_DB"
DEFAULT_DB = "aiguilleur.db"
CSV_HEADER = ("section", "entree", "texte", "nombre", "detail", "emplacement")
# The command that refreshes each official table (see `aiguilleur import --help`).
_REIMPORT = {
    "contacts-locaux": "aiguilleur import contacts-anct",
    "france-services": "aiguilleur import france-services",
    "pvd": "aiguilleur import liste-programme pvd",
    "acv": "aiguilleur import liste-programme acv",
    "positions-communes": "python scripts/build_anct_tables.py",
    "arrondissements": "python scripts/build_anct_tables.py",
}


@click.command(
    "report",
    cls=Command,
    help="Entrées non relues, exemples qui ne mènent plus à leur entrée et, si la base du bot "
    "existe, questions sans réponse et avis par entrée. Markdown par défaut, CSV avec --csv.",
)
@click.option("--csv", "as_csv", is_flag=True, help="sortie CSV (une ligne par constat)")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=None,
    metavar="CHEMIN",
    help=f"base SQLite du bot (défaut : {DB_ENV} ou ./{DEFAULT_DB}) ; ignorée si le fichier n'existe pas",
)
@click.option(
    "--months",
    type=Integer(min=0),
    default=12,
    metavar="N",
    help="une entrée est à relire après ce nombre de mois (défaut : 12)",
)
@click.option(
    "--days",
    type=Integer(min=1),
    default=30,
    metavar="N",
    help="période des statistiques du bot, en jours (défaut : 30)",
)
@click.option("--today", type=Date(), default=None, hidden=True)
@knowledge_option
def command(
    as_csv: bool, db: Path | None, months: int, days: int, today: dt.date | None, knowledge_dir: Path | None
) -> int:
    """Prints the report in Markdown or CSV."""
    db = db or settings().db
    report = build(
        load_engine(knowledge_dir), today=today or dt.date.today(), months=months, days=days, db=db
    )
    click.echo(to_csv(report) if as_csv else to_markdown(report), nl=False)
    return 0


@dataclass
class Report:
    """Everything the report shows; `db` is None when no store was found."""

    today: dt.date
    months: int
    days: int
    stale: list[tuple[str, str, dt.date, str]] = field(default_factory=list)  # id, title, reviewed, where
    tables: list[TableInfo] = field(default_factory=list)  # official tables older than `months`
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # id, message, where
    db: Path | None = None
    unanswered: list[tuple[str, int]] = field(default_factory=list)
    feedback: dict[str, tuple[int, int]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (clamped to the month's end: 31 May - 3 -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def build(engine: Engine, *, today: dt.date, months: int, days: int, db: Path | None) -> Report:
    """Gathers the findings; reads the store only when `db` names an existing file."""
    report = Report(today=today, months=months, days=days, titles={e.id: e.title for e in engine.entries})
    limit = months_before(today, months)
    for entry in engine.entries:
        if entry.reviewed < limit:
            report.stale.append((entry.id, entry.title, entry.reviewed, _where(engine, entry.id)))
    report.tables = stale_tables(engine.knowledge.directory, today, months)
    for problem in engine.example_problems():
        entry_id = problem.field.split(".examples", 1)[0]
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        report.examples.append((entry_id, problem.message, where))
    if db is not None and db.is_file():
        from ..store import Store  # the store needs sqlite-utils: imported only when there is a base

        # Reading needs no user key, so no salt file is created next to the base.
        try:
            store = Store.open(db, salt="lecture-seule-rapport")
        except (sqlite3.DatabaseError, RuntimeError) as exc:
            raise CliError(f"base du bot illisible : {db} ({database_reason(exc)})") from exc
        try:
            report.db = db
            report.unanswered = store.unanswered(days=days, limit=20)
            report.feedback = store.feedback_by_entry(days=days)
        finally:
            store.close()
    return report


def _where(engine: Engine, entry_id: str) -> str:
    path, line = engine.knowledge.entry_files.get(entry_id, ("?", None))
    return f"{path}:{line}" if line else path


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    """The report as Markdown (French), one section per finding."""
    out = [f"# Rapport sur les connaissances — {report.today.isoformat()}", ""]
    out += [f"## Entrées non relues depuis plus de {report.months} mois ({len(report.stale)})", ""]
    if report.stale:
        out += ["| entrée | titre | relue le | fichier |", "| --- | --- | --- | --- |"]
        out += [f"| {i} | {_cell(t)} | {d.isoformat()} | {w} |" for i, t, d, w in report.stale]
    else:
        out.append("Aucune.")
    out += ["", f"## Tables de données de plus de {report.months} mois ({len(report.tables)})", ""]
    if report.tables:
        out += ["| table | données du | source | à réimporter avec |", "| --- | --- | --- | --- |"]
        out += [
            f"| {_cell(t.title)} | {t.period} | {_cell(t.origin)} | {_REIMPORT.get(t.id, '—')} |"
            for t in report.tables
        ]
    else:
        out.append("Aucune.")
    out += ["", f"## Exemples qui ne mènent plus à leur entrée ({len(report.examples)})", ""]
    if report.examples:
        out += ["| entrée | problème | fichier |", "| --- | --- | --- |"]
        out += [f"| {i} | {_cell(m)} | {w} |" for i, m, w in report.examples]
    else:
        out.append("Aucun : chaque exemple classe son entrée en premier.")
    if report.db is None:
        out += [
            "",
            "## Utilisation du bot",
            "",
            "Base du bot introuvable : questions sans réponse et avis non disponibles "
            f"(indiquez --db ou {DB_ENV}).",
        ]
        return "\n".join(out) + "\n"
    out += ["", f"## Questions sans réponse les plus fréquentes ({report.days} derniers jours)", ""]
    if report.unanswered:
        out += ["| question | nombre |", "| --- | ---: |"]
        out += [f"| {_cell(q)} | {n} |" for q, n in report.unanswered]
    else:
        out.append("Aucune.")
    out += ["", f"## Avis par entrée ({report.days} derniers jours)", ""]
    if report.feedback:
        out += ["| entrée | titre | 👍 | 👎 |", "| --- | --- | ---: | ---: |"]
        rows = sorted(report.feedback.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
        out += [
            f"| {i} | {_cell(report.titles.get(i, '(entrée retirée)'))} | {up} | {down} |"
            for i, (up, down) in rows
        ]
    else:
        out.append("Aucun avis.")
    return "\n".join(out) + "\n"


def to_csv(report: Report) -> str:
    """The report as CSV: one row per finding, `section` says which list it belongs to."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for i, title, reviewed, where in report.stale:
        writer.writerow(("non_relue", i, title, (report.today - reviewed).days, reviewed.isoformat(), where))
    for t in report.tables:
        writer.writerow(("table_ancienne", t.id, t.title, (report.today - t.as_of).days, t.date, t.file))
    for i, message, where in report.examples:
        writer.writerow(("exemple", i, message, "", "", where))
    for question, n in report.unanswered:
        writer.writerow(("sans_reponse", "", question, n, "", ""))
    for i, (up, down) in sorted(report.feedback.items()):
        writer.writerow(("avis", i, report.titles.get(i, ""), up, down, ""))  # nombre = 👍, detail = 👎
    return buffer.getvalue()
