"""`aiguilleur territories …`: place resolution, programme-list import and a speed benchmark.

import-programme merges an official open-data list into knowledge/territoires/programmes.csv
(admins run it; rows that cannot be matched are listed, nothing is guessed). resolve shows
what the resolver understands in a message. bench measures what issue 3 asks (p99 <= 5 ms
per message, tables loaded in <= 300 ms) without asserting it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from matching.loader import default_knowledge_dir
from matching.territories import PlaceResolver, resolution_json
from matching.territories.programmes import (
    PROGRAMME_IDS,
    ProgrammeImportError,
    merge,
    parse_programme_csv,
    read_memberships,
    write_memberships,
)
from matching.territories.tables import TABLES_DIR

from .common import CliError, add_knowledge_option, print_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds `territories` and its sub-commands to the `aiguilleur` parser."""
    parser = subparsers.add_parser(
        "territories",
        help="territoires : comprendre un lieu, importer une liste de programme, mesurer",
        description="Outils des territoires (communes, départements, régions, EPCI, programmes).",
    )
    sub = parser.add_subparsers(dest="territories_command", metavar="SOUS-COMMANDE")

    imp = sub.add_parser(
        "import-programme",
        help="fusionner une liste officielle (CSV avec une colonne de code INSEE) dans programmes.csv",
        description="Lit un CSV open data (séparateur ; ou , ; UTF-8 ou Latin-1) ayant une colonne de "
        "code INSEE, et ajoute les communes au programme. Les lignes non reconnues sont listées.",
    )
    imp.add_argument("programme", help=f"identifiant du programme ({', '.join(PROGRAMME_IDS)})")
    imp.add_argument("file", type=Path, help="fichier CSV")
    imp.add_argument("--source", default=None, help="source citée (défaut : le nom du fichier)")
    imp.add_argument("--date", default=None, help="date de la liste, AAAA-MM-JJ (défaut : aujourd'hui)")
    imp.add_argument("--dry-run", action="store_true", help="ne rien écrire, seulement rendre compte")
    add_knowledge_option(imp)
    imp.set_defaults(handler=run_import)

    res = sub.add_parser(
        "resolve",
        help="montrer le lieu compris dans un message",
        description="Affiche le territoire reconnu dans le texte (ou les candidats).",
    )
    res.add_argument("text", help="le message, entre guillemets")
    res.add_argument("--json", action="store_true", help="sortie JSON")
    add_knowledge_option(res)
    res.set_defaults(handler=run_resolve)

    bench = sub.add_parser(
        "bench",
        help="mesurer le chargement des tables et la résolution des lieux",
        description="Mesure le temps de chargement des tables et la médiane / p99 par message.",
    )
    bench.add_argument("--repeat", type=int, default=20, help="passages sur le jeu de messages (défaut 20)")
    add_knowledge_option(bench)
    bench.set_defaults(handler=run_bench)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _knowledge_dir(args: argparse.Namespace) -> Path:
    directory: Path = args.knowledge_dir or default_knowledge_dir()
    if not (directory / TABLES_DIR / "communes.csv.gz").exists():
        raise CliError(f"tables des territoires introuvables dans {directory / TABLES_DIR}")
    return directory


def _resolver(args: argparse.Namespace) -> PlaceResolver:
    return PlaceResolver.load(_knowledge_dir(args))


# -- import-programme ------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    if args.programme not in PROGRAMME_IDS:
        raise CliError(f"programme inconnu : {args.programme} (attendu : {', '.join(PROGRAMME_IDS)})", code=2)
    date = args.date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(date)
    except ValueError as exc:
        raise CliError(f"date invalide : {date} (attendu AAAA-MM-JJ)", code=2) from exc
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"lecture impossible de {args.file} : {exc.strerror or exc}") from exc
    directory = _knowledge_dir(args)
    tables = PlaceResolver.load(directory).tables
    known = _KnownCodes(tables.commune_rows.keys(), tables.epcis.keys())
    try:
        result = parse_programme_csv(
            data, args.programme, known_codes=known, source=args.source or args.file.name, date=date
        )
    except ProgrammeImportError as exc:
        raise CliError(f"{args.file} : {exc}") from exc
    target = directory / TABLES_DIR / "programmes.csv"
    rows, added = merge(read_memberships(target), result.rows)
    if not args.dry_run:
        write_memberships(target, rows)
    for rejected in result.rejected:
        print(f"{args.file}:{rejected.line}: {rejected.reason}", file=sys.stderr)
    verb = "seraient ajoutées" if args.dry_run else "ajoutées"
    print(
        f"{args.programme} : {len(result.rows)} lignes reconnues (colonne « {result.column} »), "
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


def run_resolve(args: argparse.Namespace) -> int:
    resolver = _resolver(args)
    resolution = resolver.resolve(args.text)
    if args.json:
        print_json(resolution_json(resolution))
        return 0
    if resolution.territory is not None:
        t = resolution.territory
        region = f", région {t.region.name}" if t.region and t.level != "region" else ""
        print(f"Territoire : {t.label()} [{t.level} {t.code}]{region}")
        if t.programmes:
            print(f"Programmes : {', '.join(t.programmes)}")
    elif not resolution.candidates:
        print("Aucun lieu reconnu.")
    if resolution.candidates:
        title = "Autres communes du même nom" if resolution.territory else "Lieu ambigu, candidats"
        print(f"{title} :")
        for candidate in resolution.candidates:
            print(f"  - {candidate.label()} [{candidate.code}], {candidate.population or '?'} hab.")
    if resolution.spans:
        print("Mots du lieu : " + " | ".join(args.text[a:b] for a, b in resolution.spans))
    return 0


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


def run_bench(args: argparse.Namespace) -> int:
    if args.repeat < 1:
        raise CliError("--repeat doit être au moins 1", code=2)
    directory = _knowledge_dir(args)
    started = time.perf_counter()
    resolver = PlaceResolver.load(directory)
    load_ms = (time.perf_counter() - started) * 1000
    queries = bench_queries()
    cold = _timings(resolver.resolve, queries)
    warm = [t for _ in range(args.repeat) for t in _timings(resolver.resolve, queries)]
    search = _timings(resolver.search_communes, ["guingamp", "st denis", "Dunkerke", "le creusot", "22200"])
    print(f"Chargement des tables : {load_ms:.0f} ms (objectif <= 300 ms)")
    print(
        f"Résolution des lieux : {len(queries)} messages x {args.repeat} passages ; "
        f"{_summary(warm)} (objectif p99 <= 5 ms)"
    )
    print(f"Premier passage (caches froids) : {_summary(cold)}")
    print(f"Recherche de commune par nom : {_summary(search)}")
    return 0


def _timings(function: Callable[[str], object], inputs: list[str]) -> list[float]:
    out = []
    for text in inputs:
        started = time.perf_counter()
        function(text)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"médiane {statistics.median(ordered):.3f} ms, p99 {p99:.3f} ms, max {ordered[-1]:.3f} ms"
