"""`aiguilleur territories …`: place resolution, programme-list import and a speed benchmark.

import-programme merges an official open-data list into knowledge/territoires/programmes.csv
(admins run it; rows that cannot be matched are listed, nothing is guessed). resolve shows
what the resolver understands in a message. bench measures what issue 3 asks (p99 <= 5 ms
per message, tables loaded in <= 300 ms) without asserting it.
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import click

from matching import KnowledgeError
from matching.answer import Territory
from matching.territories import PlaceResolver, resolution_json
from matching.territories.programmes import (
    PROGRAMME_IDS,
    PROGRAMME_TITLES,
    ProgrammeImportError,
    merge,
    parse_programme_csv,
    read_memberships,
    write_memberships,
)
from matching.territories.tables import TABLES_DIR

from ..knowledge_dir import KnowledgeDir
from .base import CliError, Group
from .common import (
    announce,
    knowledge,
    knowledge_error,
    knowledge_option,
    print_json,
    read_input,
    unreadable_csv,
    writable,
)
from .params import Date, Integer, OneOf


@click.group(
    "territories",
    cls=Group,
    help="Outils des territoires (communes, départements, régions, EPCI, programmes).",
)
def command() -> None:
    """`aiguilleur territories SOUS-COMMANDE …`."""


def _knowledge_dir(option: Path | None, *, writes: bool = False) -> KnowledgeDir:
    chosen = knowledge(option)
    directory = writable(chosen, "import-programme") if writes else chosen.path
    if not (directory / TABLES_DIR / "communes.csv.gz").exists():
        raise CliError(f"tables des territoires introuvables dans {directory / TABLES_DIR}")
    return chosen


def _load(chosen: KnowledgeDir) -> PlaceResolver:
    """The place resolver of the chosen directory, announced once it loaded."""
    try:
        resolver = PlaceResolver.load(chosen.path)
    except KnowledgeError as exc:
        raise knowledge_error(chosen.path, exc) from exc
    announce(chosen)
    return resolver


def _resolver(knowledge_dir: Path | None) -> PlaceResolver:
    return _load(_knowledge_dir(knowledge_dir))


# -- import-programme ------------------------------------------------------------------------


@command.command(
    "import-programme",
    short_help="fusionner une liste officielle (CSV avec une colonne de code INSEE) dans programmes.csv",
    help="Lit un CSV open data (séparateur ; ou , ; UTF-8 ou Latin-1) ayant une colonne de "
    "code INSEE, et ajoute les communes au programme. Les lignes non reconnues sont listées.",
)
@click.argument(
    "programme",
    type=OneOf(PROGRAMME_IDS, "programme"),
    help=f"identifiant du programme ({', '.join(PROGRAMME_IDS)})",
)
@click.argument("file", metavar="FICHIER", type=click.Path(path_type=Path), help="fichier CSV")
@click.option("--source", default=None, metavar="TEXTE", help="source citée (défaut : le nom du fichier)")
@click.option(
    "--date",
    type=Date(),
    default=None,
    metavar="AAAA-MM-JJ",
    help="date de la liste, AAAA-MM-JJ (défaut : aujourd'hui)",
)
@click.option("--dry-run", is_flag=True, help="ne rien écrire, seulement rendre compte")
@knowledge_option
def import_programme(
    programme: str,
    file: Path,
    source: str | None,
    date: dt.date | None,
    dry_run: bool,
    knowledge_dir: Path | None,
) -> int:
    """Merges the CSV's communes into programmes.csv; rejected rows go to stderr."""
    data = read_input(file)
    chosen = _knowledge_dir(knowledge_dir, writes=not dry_run)
    directory = chosen.path
    tables = _load(chosen).tables
    known = _KnownCodes(tables.commune_rows.keys(), tables.epcis.keys())
    try:
        result = parse_programme_csv(
            data,
            programme,
            known_codes=known,
            source=source or file.name,
            date=(date or dt.date.today()).isoformat(),
        )
    except ProgrammeImportError as exc:
        raise CliError(f"{file} : {exc}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CliError(f"{file} : {unreadable_csv(exc)}") from None
    target = directory / TABLES_DIR / "programmes.csv"
    rows, added = merge(read_memberships(target), result.rows)
    if not dry_run:
        write_memberships(target, rows)
    for rejected in result.rejected:
        click.echo(f"{file}:{rejected.line}: {rejected.reason}", err=True)
    verb = "seraient ajoutées" if dry_run else "ajoutées"
    click.echo(
        f"{programme} : {len(result.rows)} lignes reconnues (colonne « {result.column} »), "
        f"{added} {verb}, {len(result.rejected)} rejetées ; {len(rows)} appartenances au total."
    )
    return 1 if result.rejected and not result.rows else 0


class _KnownCodes:
    """Commune INSEE codes and EPCI SIREN codes, without copying 35,000 keys into a set."""

    def __init__(self, communes: object, epcis: object) -> None:
        self._sources = (communes, epcis)

    def __contains__(self, code: object) -> bool:
        return any(code in source for source in self._sources)  # type: ignore[operator]


# -- resolve -----------------------------------------------------------------------------------


@command.command(
    "resolve",
    short_help="montrer le lieu compris dans un message",
    help="Affiche le territoire reconnu dans le texte (ou les candidats).",
)
@click.argument("text", metavar="TEXTE", help="le message, entre guillemets")
@click.option("--json", "as_json", is_flag=True, help="sortie JSON")
@knowledge_option
def resolve(text: str, as_json: bool, knowledge_dir: Path | None) -> int:
    """The place understood in a message, or the candidates."""
    resolution = _resolver(knowledge_dir).resolve(text)
    if as_json:
        print_json(resolution_json(resolution))
        return 0
    if resolution.territory is not None:
        t = resolution.territory
        region = f", région {t.region.name}" if t.region and t.level != "region" else ""
        click.echo(f"Territoire : {t.label()} [{t.level} {t.code}]{region}")
        if t.programmes:
            click.echo(f"Programmes : {'; '.join(_programme_labels(t))}")
    elif not resolution.candidates:
        click.echo("Aucun lieu reconnu.")
    if resolution.candidates:
        title = "Autres communes du même nom" if resolution.territory else "Lieu ambigu, candidats"
        click.echo(f"{title} :")
        for candidate in resolution.candidates:
            click.echo(f"  - {candidate.label()} [{candidate.code}], {candidate.population or '?'} hab.")
    if resolution.spans:
        click.echo("Mots du lieu : " + " | ".join(text[a:b] for a, b in resolution.spans))
    return 0


def _programme_labels(t: Territory) -> list[str]:
    """ "Petites villes de demain (liste ANCT de janvier 2021) [anct-petites-villes-de-demain]":
    a membership with the date of its list, as the cards say it (a list changes; an undated
    membership would read as true today); the id for the admin who edits programmes.csv."""
    dated = {s.programme: f"{s.title} ({s.source})" for s in t.programme_lists if s.member}
    return [f"{dated.get(p) or PROGRAMME_TITLES.get(p, p)} [{p}]" for p in t.programmes]


# -- bench -------------------------------------------------------------------------------------

_PLACES = (
    "à Guingamp", "au Creusot", "à Saint-Denis", "Saint-Denis (974)", "dans le Pas-de-Calais", "en Lozère",
    "en Occitanie", "Hauts-de-France", "à Dunkerke", "Guingamps", "46100", "dans le 59", "(88)",
    "à L'Isle-Adam", "communauté de communes du Kreiz-Breizh", "à Ste Marie", "Grigny dans l'Essonne",
    "à Fort-de-France", "en Corse-du-Sud", "à Perigueux", "Béziers", "à st etienne",
)  # fmt: skip
_NEEDS = (
    "recruter un manager de centre-ville", "organiser un job dating avec les industriels",
    "chef de projet Petites villes de demain", "insertion professionnelle dans les quartiers prioritaires",
    "développer le mentorat pour les jeunes diplômés", "aide à la rédaction des offres d'emploi",
    "accompagnement en ingénierie pour la revitalisation du centre-bourg", "bonjour",
    "quel temps fera-t-il ce week-end ?", "horaires de la mairie",
)  # fmt: skip


def bench_queries() -> list[str]:
    """Realistic messages: needs alone, needs with a place at the end, in the middle, at the start."""
    out = list(_NEEDS)
    for i, place in enumerate(_PLACES):
        need = _NEEDS[i % len(_NEEDS)]
        out.append(f"{need} {place}")
        out.append(f"{place.capitalize()} : {need}")
    return out


@command.command(
    "bench",
    short_help="mesurer le chargement des tables et la résolution des lieux",
    help="Mesure le temps de chargement des tables et la médiane / p99 par message.",
)
@click.option(
    "--repeat",
    type=Integer(min=1),
    default=20,
    metavar="N",
    help="passages sur le jeu de messages (défaut 20)",
)
@knowledge_option
def bench(repeat: int, knowledge_dir: Path | None) -> int:
    """Times table loading and place resolution (measured, never asserted)."""
    chosen = _knowledge_dir(knowledge_dir)
    started, cpu = time.perf_counter(), time.process_time()
    resolver = _load(chosen)
    load_ms = (time.perf_counter() - started) * 1000
    load_cpu_ms = (time.process_time() - cpu) * 1000
    queries = bench_queries()
    cold = _timings(resolver.resolve, queries)
    warm = [t for _ in range(repeat) for t in _timings(resolver.resolve, queries)]
    # CPU time of the same runs: on a shared machine the wall clock also counts other processes.
    warm_cpu = [t for _ in range(repeat) for t in _timings(resolver.resolve, queries, clock=time.thread_time)]
    search = _timings(resolver.search_communes, ["guingamp", "st denis", "Dunkerke", "le creusot", "22200"])
    click.echo(
        f"Chargement des tables : {load_ms:.0f} ms, dont {load_cpu_ms:.0f} ms de calcul (objectif <= 300 ms)"
    )
    click.echo(
        f"Résolution des lieux : {len(queries)} messages x {repeat} passages ; "
        f"{_summary(warm)} (objectif p99 <= 5 ms)"
    )
    click.echo("Temps de calcul par message, sans l'attente d'autres processus de la machine :")
    click.echo(f"  {_summary(warm_cpu)}")
    click.echo(f"Premier passage (caches froids) : {_summary(cold)}")
    click.echo(f"Recherche de commune par nom : {_summary(search)}")
    return 0


def _timings(
    function: Callable[[str], object],
    inputs: list[str],
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    out = []
    for text in inputs:
        started = clock()
        function(text)
        out.append((clock() - started) * 1000)
    return out


def _summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"médiane {statistics.median(ordered):.3f} ms, p99 {p99:.3f} ms, max {ordered[-1]:.3f} ms"
