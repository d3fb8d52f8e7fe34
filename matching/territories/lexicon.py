"""Words around places: cue words that announce a place, and phrases that are never places.

Kept apart from the resolver so that a reviewer can read (and extend) the French wording
without reading the algorithm. Every entry is a folded key (see text.name_key).
"""

from __future__ import annotations

from .text import name_key


def _keys(*phrases: str) -> frozenset[str]:
    return frozenset(key for p in phrases if (key := name_key(p)))


# Cue words that announce a commune ("à Guingamp", "au Creusot", "pour la ville de Thiers").
COMMUNE_CUES = _keys(
    "à", "a", "au", "aux", "à la", "à l'", "sur", "commune de", "commune d'", "commune du",
    "ville de", "ville d'", "ville du", "mairie de", "mairie d'", "mairie du", "près de", "près d'",
    "autour de", "autour d'", "vers", "depuis", "basé à", "située à", "habitant de", "habitants de",
    "collectivité de", "agglomération de", "agglomération d'",
)  # fmt: skip

# Cue words that announce a département or a région ("en Lozère", "dans le Pas-de-Calais").
AREA_CUES = _keys(
    "en", "dans", "dans le", "dans la", "dans les", "dans l'", "département", "département de",
    "département du", "département des", "département de la", "département de l'", "département d'",
    "région", "région de", "région du", "en région", "la région", "départements", "dép", "dept", "dpt",
    "du département", "dans le département", "dans le département du", "dans la région",
)  # fmt: skip

# Words of a cue that belong to the place's span (removed from the need text with it).
PREPOSITIONS = _keys(
    "à", "au", "aux", "la", "l'", "le", "les", "de", "du", "des", "d'", "en", "dans", "sur", "près",
    "vers", "depuis", "autour",
)  # fmt: skip

# Cues before a bare département number ("dans le 59", "département 88").
NUMBER_CUES = _keys(
    "dans le", "ds le", "département", "dép", "dept", "dpt", "du département", "code département",
    "et pour le", "et le", "et dans le", "pour le", "et ds le", "dans les", "departement n",
)  # fmt: skip

# Weaker cues before a département number, used only when no date or quantity follows
# ("les jeunes du 93", "on est dans le 59" but not "du 15 au 20 mars").
LOOSE_NUMBER_CUES = _keys(
    "jeunes du", "gens du", "habitants du", "quartiers du", "communes du", "commune du", "entreprises du",
    "élus du", "territoire du", "collectivités du", "cadres du", "employeurs du", "mairie du", "mairies du",
    "villes du", "ville du", "on est du", "sommes du", "suis du", "basé dans le", "basée dans le",
    "située dans le", "situé dans le", "ici dans le",
)  # fmt: skip
DATE_WORDS = _keys(
    "au", "à", "a", "h", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre", "ans", "heures", "minutes", "mois", "jours", "semaines", "fois", "et",
    "ou", "sur", "pour", "cent", "premier", "ème", "e", "er",
)  # fmt: skip

# Cues before an INSEE code rather than a postal code.
INSEE_CUES = _keys("insee", "code insee", "code commune", "cog")

# Legal forms that announce an EPCI name ("communauté de communes du Kreiz-Breizh").
EPCI_CUES = _keys(
    "communauté de communes", "communauté d'agglomération", "communauté urbaine", "métropole",
    "agglomération", "agglo", "intercommunalité", "interco", "cc", "ca", "cu", "epci", "comcom",
    "com com", "com'com", "communauté de commune", "communauté d'agglo", "com d'agglo", "ccom",
)  # fmt: skip

# Legal-form words written after an EPCI name ("Guingamp-Paimpol Agglomération").
EPCI_SUFFIXES = _keys("agglomération", "agglo", "métropole", "communauté", "communauté de communes")

# Links between a legal form and the name ("du", "de la", …) and articles inside names.
LINKS = _keys("du", "de", "de la", "de l'", "des", "d'")
NAME_GLUE = _keys(
    "le", "la", "les", "l", "de", "du", "des", "d", "en", "sur", "sous", "et", "aux", "au", "lès", "lez"
)

# Programme names and need phrases that contain commune-like words: never a place.
BLOCKED_PHRASES = _keys(
    "centre-ville", "centres-villes", "centre ville", "centres villes", "centre-bourg", "centre bourg",
    "centres-bourgs", "cœur de ville", "coeur de ville", "cœurs de ville", "action cœur de ville",
    "petites villes de demain", "petite ville de demain", "villes moyennes", "ville moyenne",
    "territoire d'industrie", "territoires d'industrie", "territoires d'industries",
    "france services", "maison france services", "espace france services", "france ruralités",
    "villages d'avenir", "village d'avenir", "avenir montagnes", "avenir montagne",
    "politique de la ville", "contrat de ville", "contrats de ville", "quartiers prioritaires",
    "quartier prioritaire", "quartiers de la politique de la ville", "jeunes diplômés", "jeune diplômé",
    "jeunes diplômées", "job dating", "job meeting", "jobdating", "banque des territoires",
    "conseillers numériques", "conseiller numérique", "cités de l'emploi", "cité de l'emploi",
    "maison de santé", "salle des fêtes", "hôtel de ville", "hôtel de région", "hôtel du département",
    "conseil régional", "conseil départemental", "conseil municipal", "grand public",
    "union européenne", "l'union européenne", "massif central",
    "pôle emploi", "france travail", "mission locale", "ville de demain", "villes de demain",
    "à la recherche", "à la une", "à la place", "à la fois", "à la carte", "en ligne", "en place",
    "en cours", "en charge", "en fait", "en vue", "en plus", "en tant que", "en lien", "sur place",
    "sur mesure", "au niveau", "au sein", "au plus", "au moins", "au cas", "au bout",
    "sens unique", "sens interdit", "double sens", "bon sens", "tour de rôle", "tours de rôle",
    "fonds vert",
)  # fmt: skip

# Need words that end a telegraphic request ("selection pvd somme", "job dating cadres tours"):
# a notable town's or a département's name right after one, ending the message or a clause,
# is the place even in lower case (no determiner, no noun it could qualify).
NEED_TAIL = _keys(
    "pvd", "acv", "crte", "ti", "vta", "qpv", "cnfs", "ami", "amo", "cadres", "recrutement", "recrut",
    "emploi", "manager", "commerce", "mentorat", "parrainage", "tiers lieu", "gpec",
)  # fmt: skip

# Capitalised words that name institutions or programmes, not places, even mid-sentence.
INSTITUTION_WORDS = _keys(
    "maire", "mairie", "préfet", "préfecture", "région", "département", "commune", "communes",
    "ville", "villes", "centre", "poste", "europe", "france", "conseil", "état", "république",
    "président", "agglo", "métropole", "communauté", "services", "industrie", "avenir", "montagne",
    "montagnes", "village", "villages", "quartier", "quartiers", "bourg", "cœur", "action", "programme",
    "plan", "contrat", "emploi", "apec", "anct", "job", "mentor", "pont", "plus", "nord", "sud", "est",
    "ouest", "grand", "saint", "sainte", "mont", "val", "port", "bois", "lac", "mer", "charge",
    "part", "temps", "terme", "mesure", "place", "ligne", "vue", "face", "cause", "force", "rue", "paix",
    # need vocabulary often written in Title Case ("Salon Compétences Cadres")
    "cadre", "cadres", "compétences", "talents", "talent", "jeunes", "diplômés", "salon", "forum",
    "emplois", "recrutement", "mentorat", "parrainage", "industriels", "entreprises", "entreprise",
    "territoire", "territoires", "cohésion", "ruralité", "ruralités", "transition", "relance",
    "union", "européenne", "européen", "anact", "gare", "massif", "pays", "bassin",
    # bodies and meetings written in Title Case ("le Comité de Pilotage", "la Mission Locale")
    "comité", "commission", "mission", "bureau", "agence", "office", "association", "fédération",
    "club", "réseau", "direction", "pilotage", "assemblée", "conférence", "délégation", "fondation",
    "institut", "groupement", "cabinet", "syndicat", "chambre", "réunion", "séminaire", "atelier",
    # countries and mountain ranges: not communes, never département names either
    "espagne", "italie", "allemagne", "belgique", "suisse", "luxembourg", "andorre", "monaco",
    "pyrénées", "alpes", "morvan", "cévennes", "vosges du nord", "camargue",
)  # fmt: skip
# Their plurals ("la Conférence des Maires", "les Préfets") are no misspelt commune name either
# (an exact name keeps its reading: Saintes, Monts, Ponts are towns).
INSTITUTION_PLURALS = frozenset(
    w + "s" for w in INSTITUTION_WORDS if " " not in w and not w.endswith(("s", "x", "z"))
)

# Verbs of a town speaking as the subject ("Perpignan recrute", "Vannes cherche"): a
# capitalised word opening a sentence before one of them is read as a place even when misspelt.
SUBJECT_VERBS = _keys(
    "recrute", "recrutent", "cherche", "cherchent", "veut", "veulent", "souhaite", "souhaitent",
    "organise", "organisent", "lance", "lancent", "prépare", "préparent", "embauche", "embauchent",
    "voudrait", "voudraient", "aimerait", "envisage", "candidate",
)  # fmt: skip

# Words right after a number that make it a quantity, not a postal code ("20000 habitants").
QUANTITY_WORDS = _keys(
    "habitants", "habitant", "hab", "euros", "euro", "eur", "k", "m", "km", "m2", "ha", "personnes",
    "emplois", "postes", "salariés", "jeunes", "cadres", "entreprises", "élèves", "logements", "ans",
    "mois", "jours", "heures", "places", "communes", "agents", "participants", "visiteurs",
)  # fmt: skip

# Words that open a follow-up naming only a place ("et pour Brest ?", "et dans le 62 ?"): the
# rest of such a short message is read as a place, as an answer to "quelle commune ?" is.
FOLLOW_UP_OPENERS = _keys("et pour", "et à", "et a", "et au", "et sur", "et dans", "et en", "et pour la ville de",
                          "et chez", "et du côté de", "et pour le", "et pour la", "et pour les", "et")  # fmt: skip

# Determiners and quantifiers: before a lower-case ordinary word they make it a noun or an
# adjective of the sentence ("les tours", "le sens", "un gap"), never a town.
DETERMINERS = _keys(
    "le", "la", "les", "l", "un", "une", "des", "du", "ce", "cet", "cette", "ces", "mon", "ma", "mes",
    "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs", "quel",
    "quelle", "quels", "quelles", "plusieurs", "chaque", "aucun", "aucune", "tout", "tous", "toute",
    "toutes", "bon", "bons", "bonne", "bonnes", "deux", "trois", "quelques", "certains", "certaines",
    "pas de", "plein de", "beaucoup de", "peu de", "trop de", "sans", "très", "plus", "moins", "si",
    "en", "de", "d",
)  # fmt: skip

# Names of notable towns that are also frequent French words (measured: their frequency in
# French text, wordfreq 3.1, exceeds by far what the town's size explains). Written in lower
# case they are read as the word, unless a cue word announces a place ("à Tours").
FREQUENT_WORDS = _keys(
    "sens", "tours", "orange", "vienne", "digne", "lourdes", "plaisir", "union", "passage", "port",
    "garde", "croix", "fontaine", "avion", "riche", "robert", "marin", "vif", "grenade", "fleche",
    "madeleine", "die", "falaise", "trinité", "havre", "moule", "grasse", "nice", "mans", "saintes",
    "vire",
)  # fmt: skip

# Nouns after which "de" announces a place ("le centre-ville de vannes", "l'agglo de quimper").
PLACE_NOUNS = _keys(
    "commune", "communes", "ville", "villes", "mairie", "centre ville", "centre", "agglo", "agglomération",
    "secteur", "bassin", "territoire", "quartier", "quartiers", "habitants", "élus", "maire", "préfecture",
    "sous préfecture", "région", "zone", "pays", "périphérie", "environs", "coeur", "bourg", "banlieue",
)  # fmt: skip

# Nouns of places inside a commune ("le quartier des Fontanilles", "la cité des Tilleuls"): the
# name after them is theirs, so a spelling slip is never read there as a commune's name.
# With an article ("quartier des", "zone du") the name is the locality's; "les quartiers de
# Marseille" keeps Marseille. After a street noun, any name is the street's ("rue de Paris").
LOCALITY_NOUNS = _keys(
    "quartier", "quartiers", "cité", "cités", "résidence", "lotissement", "zone", "parc", "lieu-dit",
    "lieu dit", "hameau", "faubourg", "îlot",
)  # fmt: skip
STREET_NOUNS = _keys("rue", "avenue", "boulevard", "bd", "allée", "impasse", "chemin", "quai", "square")

# Words before a number that announce an amount, not a postal code ("budget de 35000").
AMOUNT_WORDS = _keys(
    "de", "d", "plus", "moins", "environ", "pour", "budget", "montant", "total", "entre", "et", "jusqu",
    "env", "quelque", "sur", "par", "x", "soit", "coût", "prix", "aide", "subvention", "enveloppe",
)  # fmt: skip


# Former régions (before 2016) and usual abbreviations people still write.
REGION_ALIASES: dict[str, str] = {
    "paca": "93",
    "provence": "93",
    "cote d azur": "93",
    "idf": "11",
    "ile de france": "11",
    "aura": "84",
    "auvergne": "84",
    "rhone alpes": "84",
    "bfc": "27",
    "bourgogne": "27",
    "franche comte": "27",
    "alsace": "44",
    "lorraine": "44",
    "champagne ardenne": "44",
    "picardie": "32",
    "nord pas de calais": "32",
    "aquitaine": "75",
    "limousin": "75",
    "poitou charentes": "75",
    "midi pyrenees": "76",
    "languedoc roussillon": "76",
    "languedoc": "76",
    "basse normandie": "28",
    "haute normandie": "28",
    "centre val de loire": "24",
    "region centre": "24",
    "reunion": "04",
    "region sud": "93",
}

# Départements people write without their hyphens' full form, or by a short name.
DEPARTEMENT_ALIASES: dict[str, str] = {
    "reunion": "974",
    "belfort": "90",
    "seine st denis": "93",
    "corse du sud": "2A",
    "haute corse": "2B",
}
