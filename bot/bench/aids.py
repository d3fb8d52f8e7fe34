"""Realistic imported catalogues for the scale benchmark: Aides-Territoires API aids, converted and
written exactly as `aiguilleur import aides-territoires` writes them.

Why not entries built in memory: start-up is dominated by reading YAML and analysing texts, so a
benchmark that skips the YAML understated real start-up by 5–7×. These aids go through
`matching.aides_territoires.convert` and `render_yaml`, so each weighs what a real import does
(≈ 2 KB of YAML: HTML descriptions reduced to text, eligibility, financers, perimeter, deadline),
and their vocabulary grows with the catalogue as a real one does (local programme and place
names drawn from a long, Zipf-distributed pool), which is what sizes postings and arrays.
Same seed, same files, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from matching.aides_territoires import PlaceNames, convert, load_place_names, render_yaml

from .synthetic import ACTIONS, FINANCERS, PUBLICS, REGIONS, THEMES

__all__ = ["IMPORT_DAY", "aid_records", "write_catalogue"]

IMPORT_DAY = dt.date(2026, 11, 26)
IMPORT_FILE = "aides-territoires.yaml"
PER_FILE = 10_000
# Files and folders of the served directory that a benchmark copy keeps (the catalogue is replaced).
KEPT = ("vocabulaire.yaml", "contacts.yaml", "orientations.yaml", "territoires", "anct", "schema")

AUDIENCES = ("commune", "epci", "department", "region", "Communes", "Intercommunalités / Pays")
AID_TYPES = ("Subvention", "Prêt", "Ingénierie technique", "Ingénierie financière", "Avance récupérable")
SCALES = ("Pays", "Région", "Département")
DEPARTEMENTS = ("Côtes-d'Armor", "Finistère", "Gironde", "Isère", "Nord", "Puy-de-Dôme", "Vosges", "Var")
# Sentence patterns of aid descriptions; {obj}, {public}, {financer}, {name}, {theme} are filled.
SENTENCES = (
    "Le dispositif {name} accompagne les {public} dans {obj}.",
    "{financer} prend en charge jusqu'à {rate} % des dépenses éligibles, dans la limite de {cap} euros.",
    "Les projets doivent s'inscrire dans une démarche de {theme} et présenter un plan de financement.",
    "Sont éligibles les études préalables, les travaux et l'acquisition d'équipements liés à {obj}.",
    "Une attention particulière est portée aux projets portés par les {public} en zone de revitalisation.",
    "Le dossier comprend une délibération de l'assemblée, un devis détaillé et un calendrier prévisionnel.",
    "L'aide est cumulable avec le programme {name} et les dotations de l'État (DETR, DSIL).",
    "Les dépenses de fonctionnement ne sont pas éligibles, sauf l'animation du projet pendant {years} ans.",
    "Un accompagnement en ingénierie est proposé par {financer} pour préparer la candidature.",
    "La sélection tient compte de la sobriété foncière, de la biodiversité et de l'adaptation au climat.",
    "Le comité de programmation se réunit chaque trimestre ; les dossiers complets sont instruits en {years} mois.",
    "Les {public} du territoire {place} sont prioritaires pour {obj}.",
    "Partenaires : {name}, {place}, {other} et le réseau {more}.",
    "Les communes de {place}, {other} et {more} ont déjà bénéficié du dispositif.",
)
_SYLLABLES = ("ker", "lan", "vil", "mont", "bel", "sau", "ro", "cha", "ti", "gue", "por", "nac", "val", "dor")


def _name(rng: random.Random) -> str:
    """A local programme, place or partner name, Zipf-distributed over ≈ 200,000: a real
    catalogue keeps meeting new words as it grows (≈ 25,000 distinct stems at 5,000 aids)."""
    rank = int(math.exp(rng.uniform(0.0, math.log(200_000))))  # p(rank) ∝ 1 / rank
    local = random.Random(rank)
    return "".join(local.choice(_SYLLABLES) for _ in range(2 + rank % 4)).capitalize()


def _description(rng: random.Random, fill: dict[str, str]) -> str:
    parts = rng.sample(SENTENCES, k=rng.randint(5, 8))
    values = {
        **fill,
        "rate": str(rng.choice((20, 30, 40, 50, 60, 80))),
        "cap": f"{rng.randint(2, 80) * 5_000:,}".replace(",", " "),
        "years": str(rng.randint(1, 4)),
    }
    items = [
        p.format(**values, name=_name(rng), place=_name(rng), other=_name(rng), more=_name(rng))
        for p in parts
    ]
    return "<p>" + " ".join(items[:4]) + "</p><ul>" + "".join(f"<li>{s}</li>" for s in items[4:]) + "</ul>"


def _aid(n: int, rng: random.Random) -> dict[str, Any]:
    theme = rng.choice(sorted(THEMES))
    obj = rng.choice(THEMES[theme])
    action, public, financer = rng.choice(ACTIONS), rng.choice(PUBLICS), rng.choice(FINANCERS)
    scale = rng.choice(SCALES)
    perimeter = (
        "France"
        if scale == "Pays"
        else rng.choice(REGIONS)[1]
        if scale == "Région"
        else rng.choice(DEPARTEMENTS)
    )
    name = f"{action} {obj} — {public}"
    fill = {"obj": obj, "public": public, "financer": financer, "theme": theme}
    deadline = IMPORT_DAY + dt.timedelta(days=rng.randint(30, 700)) if rng.random() < 0.6 else None
    return {
        "id": 100_000 + n,
        "slug": f"{name[:40]}-{n}",
        "url": f"/aides/aide-{n}/",
        "name": name,
        "short_title": obj[0].upper() + obj[1:],
        "financers": sorted({financer, rng.choice(FINANCERS)}),
        "programs": [f"Programme {_name(rng)}"] if rng.random() < 0.5 else [],
        "description": _description(rng, fill),
        "eligibility": f"<p>{public.capitalize()} et leurs groupements ; projets situés en {perimeter}.</p>",
        "perimeter": perimeter,
        "perimeter_scale": scale,
        "categories": [f"{theme.capitalize()}|{obj[0].upper() + obj[1:]}"],
        "targeted_audiences": sorted({rng.choice(AUDIENCES), rng.choice(AUDIENCES)}),
        "aid_types": [rng.choice(AID_TYPES)],
        "submission_deadline": deadline.isoformat() if deadline else None,
        "origin_url": f"https://www.example.org/aides/{n}",
    }


def aid_records(count: int, *, seed: int = 20261126) -> list[dict[str, Any]]:
    """`count` API-shaped aids, identical for a given seed."""
    rng = random.Random(seed)
    return [_aid(n, rng) for n in range(1, count + 1)]


def write_catalogue(
    source: Path, target: Path, size: int, *, seed: int = 20261126, places: PlaceNames | None = None
) -> int:
    """A knowledge directory at `target`: `source`'s vocabulary, contacts and tables, its own
    catalogue, and imported aids up to `size` entries in all (`places`: the perimeter names, read
    from `source`'s tables when not given). Returns the number of entries."""
    target.mkdir(parents=True, exist_ok=True)
    for name in KEPT:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name, dirs_exist_ok=True)
        elif path.is_file():
            shutil.copy2(path, target / name)
    catalogue = target / "catalogue"
    shutil.copytree(source / "catalogue", catalogue, dirs_exist_ok=True)
    own = sum(
        len((yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("entries") or [])
        for p in catalogue.glob("*.yaml")
    )
    places = places if places is not None else load_place_names(source)
    result = convert(aid_records(max(size - own, 0), seed=seed), today=IMPORT_DAY, places=places)
    # One file per PER_FILE aids: the loader refuses a file over 64 MB (≈ 28,000 aids).
    for part, start in enumerate(range(0, len(result.entries), PER_FILE), start=1):
        chunk = replace(result, entries=result.entries[start : start + PER_FILE])
        name = IMPORT_FILE if part == 1 else IMPORT_FILE.replace(".yaml", f"-{part}.yaml")
        (catalogue / name).write_text(render_yaml(chunk, today=IMPORT_DAY), encoding="utf-8")
    return own + len(result.entries)
