"""Deterministic synthetic catalogues (1,000, 10,000 entries) to measure the engine at scale.

Entries read like Aides-Territoires aids ("Subvention pour la rénovation thermique des écoles
— communes rurales"): they share the real catalogue's vocabulary (recruter, ingénierie,
centre-ville…), which is what makes candidate retrieval expensive, so the latency measured
is not flattered by disjoint words. Same seed, same catalogue, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from matching import Entry, Knowledge

__all__ = ["THEMES", "synthetic_entries", "synthetic_knowledge", "synthetic_queries"]

REVIEWED = dt.date(2026, 1, 15)

# Theme -> concrete objects a collectivity would finance or be helped with.
THEMES: dict[str, tuple[str, ...]] = {
    "rénovation énergétique": (
        "la rénovation thermique des écoles",
        "l'isolation des bâtiments communaux",
        "le remplacement des chaudières au fioul",
        "l'audit énergétique de la mairie",
    ),
    "mobilité": (
        "les pistes cyclables",
        "le transport à la demande",
        "les aires de covoiturage",
        "les bornes de recharge électrique",
    ),
    "eau et assainissement": (
        "la réhabilitation du réseau d'eau potable",
        "la station d'épuration",
        "la gestion des eaux pluviales",
        "la récupération de l'eau de pluie",
    ),
    "biodiversité": (
        "la restauration des zones humides",
        "la plantation de haies",
        "l'atlas de la biodiversité communale",
        "la renaturation des cours d'école",
    ),
    "patrimoine": (
        "la restauration de l'église",
        "la sauvegarde du patrimoine rural",
        "la mise en valeur du lavoir",
        "les monuments historiques",
    ),
    "culture": (
        "la médiathèque",
        "l'éducation artistique et culturelle",
        "la salle de spectacle",
        "les résidences d'artistes",
    ),
    "sport": (
        "les équipements sportifs de proximité",
        "la piscine intercommunale",
        "le terrain multisports",
        "la rénovation du gymnase",
    ),
    "numérique": (
        "l'inclusion numérique",
        "les conseillers numériques",
        "la fibre optique",
        "la cybersécurité des collectivités",
    ),
    "commerce": (
        "la redynamisation du commerce de proximité",
        "le dernier commerce du village",
        "la rénovation des vitrines",
        "les halles et marchés couverts",
    ),
    "tourisme": (
        "les itinéraires de randonnée",
        "l'hébergement touristique",
        "l'office de tourisme",
        "les véloroutes",
    ),
    "agriculture et alimentation": (
        "le projet alimentaire territorial",
        "les circuits courts",
        "la cantine bio",
        "l'installation agricole",
    ),
    "forêt": (
        "la desserte forestière",
        "la défense des forêts contre l'incendie",
        "le bois énergie",
        "la forêt communale",
    ),
    "santé": (
        "la maison de santé pluriprofessionnelle",
        "l'attractivité médicale",
        "le contrat local de santé",
        "la télémédecine",
    ),
    "éducation et jeunesse": (
        "la rénovation des écoles",
        "les accueils de loisirs",
        "le conseil municipal des jeunes",
        "la cité éducative",
    ),
    "petite enfance": (
        "la crèche",
        "les relais petite enfance",
        "les maisons d'assistants maternels",
        "l'accueil du jeune enfant",
    ),
    "habitat et logement": (
        "la lutte contre l'habitat indigne",
        "la résorption de la vacance des logements",
        "l'opération programmée d'amélioration de l'habitat",
        "le logement des saisonniers",
    ),
    "voirie et espaces publics": (
        "la sécurisation des traversées de bourg",
        "l'aménagement de la place du village",
        "l'éclairage public",
        "l'accessibilité de la voirie",
    ),
    "énergies renouvelables": (
        "les panneaux photovoltaïques sur les toitures",
        "le réseau de chaleur",
        "la méthanisation",
        "les communautés énergétiques",
    ),
    "déchets et économie circulaire": (
        "la collecte des biodéchets",
        "la ressourcerie",
        "la réduction des déchets",
        "le réemploi des matériaux",
    ),
    "risques naturels": (
        "la prévention des inondations",
        "le recul du trait de côte",
        "le plan communal de sauvegarde",
        "les risques de mouvements de terrain",
    ),
    "emploi et formation": (
        "l'insertion par l'activité économique",
        "la formation des agents",
        "l'apprentissage dans la fonction publique",
        "le recrutement des saisonniers",
    ),
    "ingénierie et études": (
        "l'étude de faisabilité",
        "l'assistance à maîtrise d'ouvrage",
        "le diagnostic de territoire",
        "la revitalisation du centre-bourg",
    ),
}
ACTIONS: tuple[str, ...] = (
    "Subvention pour",
    "Aide à l'investissement pour",
    "Appel à projets :",
    "Accompagnement en ingénierie pour",
    "Prêt bonifié pour",
    "Fonds de soutien à",
    "Dotation pour",
    "Financement d'études pour",
)
PUBLICS: tuple[str, ...] = (
    "communes rurales",
    "communes de moins de 2 000 habitants",
    "intercommunalités",
    "départements",
    "communes de montagne",
    "communes littorales",
    "villes moyennes",
    "syndicats mixtes",
    "communes touristiques",
)
FINANCERS: tuple[str, ...] = (
    "Région",
    "Département",
    "ADEME",
    "Banque des Territoires",
    "Agence de l'eau",
    "Caisse d'allocations familiales",
    "Agence nationale du sport",
    "FEDER",
    "DRAC",
    "Office français de la biodiversité",
    "Préfecture (DETR)",
    "Fonds vert",
)
# Région codes with names, for perimeters and titles.
REGIONS: tuple[tuple[str, str], ...] = (
    ("84", "Auvergne-Rhône-Alpes"),
    ("27", "Bourgogne-Franche-Comté"),
    ("53", "Bretagne"),
    ("24", "Centre-Val de Loire"),
    ("94", "Corse"),
    ("44", "Grand Est"),
    ("32", "Hauts-de-France"),
    ("11", "Île-de-France"),
    ("28", "Normandie"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("52", "Pays de la Loire"),
    ("93", "Provence-Alpes-Côte d'Azur"),
)
QUERY_TEMPLATES: tuple[str, ...] = (
    "comment financer {obj} dans notre commune",
    "aide pour {obj} {public}",
    "qui peut nous accompagner pour {obj}",
    "subvention {theme} pour les {public}",
    "nous cherchons des financements pour {obj}",
)


def _strip_article(obj: str) -> str:
    for article in ("la ", "le ", "les ", "l'"):
        if obj.startswith(article):
            return obj[len(article) :]
    return obj


def _entry(n: int, rng: random.Random) -> Entry:
    theme = rng.choice(sorted(THEMES))
    obj = rng.choice(THEMES[theme])
    action, public, financer = rng.choice(ACTIONS), rng.choice(PUBLICS), rng.choice(FINANCERS)
    regional = rng.random() < 0.4
    code, region = rng.choice(REGIONS)
    where = f" en {region}" if regional else ""
    bare = _strip_article(obj)
    return Entry.model_validate(
        {
            "id": f"synth-{n:05d}",
            "kind": "aide",
            "title": f"{action} {obj} — {public}{where}",
            "summary": f"{financer} soutient les {public}{where} pour {obj} ({theme}).",
            "description": f"Aide synthétique générée pour le banc d'essai : {action.lower()} {obj}, "
            f"portée par {financer}, destinée aux {public}{where}.",
            "audience": [public],
            "themes": [theme],
            "keywords": [bare, theme, financer.lower(), f"{bare} {public}"],
            "examples": [f"aide pour {bare}", f"financer {obj} {public}", f"{theme} : {bare}"],
            "contact": "anct_delegate",
            "next_steps": "Consultez la fiche de l'aide et contactez le financeur.",
            "sources": [{"label": "Catalogue synthétique du banc d'essai", "reliability": "P"}],
            "reviewed": REVIEWED,
            "perimeter": [f"R{code}"] if regional else [],
        }
    )


def synthetic_entries(count: int, *, seed: int = 20261126) -> list[Entry]:
    """`count` synthetic aids, identical for a given seed."""
    rng = random.Random(seed)
    return [_entry(n, rng) for n in range(1, count + 1)]


def synthetic_knowledge(real: Knowledge, size: int, *, seed: int = 20261126) -> Knowledge:
    """The real catalogue plus synthetic aids up to `size` entries in all, with the real
    vocabulary and contacts, so dev-set accuracy can also be read with thousands of distractors."""
    extra = synthetic_entries(max(size - len(real.entries), 0), seed=seed)
    return replace(real, entries=(*real.entries, *extra), entry_files={})


def synthetic_queries(count: int, *, seed: int = 7) -> list[str]:
    """Messages about the synthetic themes, phrased like users do (seeded, deterministic)."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(count):
        theme = rng.choice(sorted(THEMES))
        obj = rng.choice(THEMES[theme])
        template = rng.choice(QUERY_TEMPLATES)
        out.append(template.format(obj=obj, public=rng.choice(PUBLICS), theme=theme))
    return out
