"""YAML syntax errors in the admins' language, with the line that helps most.

libyaml and PyYAML's pure-Python parser word their errors slightly differently; both are
matched by a distinctive fragment. An unknown error keeps its English text after a French
lead, so nothing is lost.
"""

from __future__ import annotations

import yaml

__all__ = ["syntax_message"]

# (fragment of the parser's problem, French explanation); first match wins.
_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("unexpected end of stream", "fin du fichier inattendue"),
    (
        "did not find expected key",
        "clé attendue ici : indentation incorrecte, ou guillemet mal fermé plus haut ?",
    ),
    ("expected <block end>", "indentation incorrecte : cette ligne ne s'aligne sur aucun bloc au-dessus"),
    (
        "mapping values are not allowed",
        "« : » inattendu : une valeur qui contient « : » doit être entre guillemets, ou l'indentation est "
        "incorrecte",
    ),
    (
        "block sequence entries are not allowed",
        "élément de liste « - » inattendu ici : indentation incorrecte ?",
    ),
    ("expected '-' indicator", "élément de liste « - » attendu : indentation incorrecte ?"),
    ("could not find expected ':'", "« : » attendu après la clé (ou guillemet mal fermé ?)"),
    ("tab character", "tabulation dans l'indentation : indentez avec des espaces"),
    ("'\\t'", "tabulation dans l'indentation : indentez avec des espaces"),
    (
        "cannot start any token",
        "caractère qui ne peut pas commencer une valeur (tabulation, « @ », « ` » ou « % ») : mettez la valeur "
        "entre guillemets",
    ),
    ("expected ',' or ']'", "« , » ou « ] » attendu : liste entre crochets mal fermée ?"),
    ("expected ',' or '}'", "« , » ou « } » attendu : dictionnaire entre accolades mal fermé ?"),
    ("unknown escape character", "« \\ » suivi d'un caractère inconnu entre guillemets doubles : doublez-le"),
    ("invalid Unicode character escape", "code Unicode invalide après « \\u » entre guillemets doubles"),
    ("expected node content", "valeur attendue"),
    ("expected the node content", "valeur attendue"),
    (
        "alphabetic or numeric character",
        "nom d'ancre ou d'alias invalide après « & » ou « * » : mettez la valeur entre guillemets",
    ),
    ("undefined alias", "alias « * » sans ancre « & » correspondante"),
    ("undefined tag handle", "étiquette « ! » inconnue : mettez la valeur entre guillemets"),
    ("unexpected ':'", "« : » inattendu : mettez la valeur entre guillemets"),
    ("document indicator", "marqueur de document « --- » ou « ... » inattendu"),
    ("document start", "un seul document YAML attendu par fichier (« --- » en trop ?)"),
    ("comment or a line break", "fin de ligne ou commentaire attendu après la valeur"),
    ("comment or line break", "fin de ligne ou commentaire attendu après la valeur"),
    ("control characters are not allowed", "caractère de contrôle interdit dans le fichier"),
    ("special characters are not allowed", "caractère interdit dans le fichier"),
    ("maximum nesting depth", "imbrication trop profonde, refusé"),
    ("indentation indicator equal to 0", "indicateur d'indentation 0 interdit après « | » ou « > »"),
)


def _french(problem: str) -> str:
    for fragment, french in _PROBLEMS:
        if fragment in problem:
            return french
    return f"erreur de syntaxe ({problem})"


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n", mark.line + 1)
    return lines[mark.line][mark.column : mark.column + 1] if mark.line < len(lines) else ""


def syntax_message(exc: yaml.MarkedYAMLError, text: str = "") -> tuple[int | None, str]:
    """The line to show and the French message for a parser error.

    An unclosed quote is reported where the quote opens (the parser only notices at the end
    of the file or many lines later); otherwise at the parser's line, naming the block it was in."""
    problem = str(exc.problem or exc)
    mark, context_mark = exc.problem_mark, exc.context_mark
    line = mark.line + 1 if mark is not None else None
    context_line = context_mark.line + 1 if context_mark is not None else None
    context = exc.context or ""
    if "quoted scalar" in context and context_line is not None:
        if "end of stream" in problem:
            return context_line, "guillemet ouvert ici et jamais fermé"
        return context_line, f"valeur entre guillemets invalide : {_french(problem)}"
    message = _french(problem)
    if "flow" in context and context_line is not None and line is not None and context_line < line:
        # A bracket left open: the parser only notices lines later, at the next key.
        opener, closer = ("[", "]") if "sequence" in context else ("{", "}")
        return (
            context_line,
            f"« {opener} » ouvert ici, jamais refermé (« {closer} » attendu avant la ligne {line})",
        )
    if _char_at(text, mark) == "\t":
        message = _french("tab character")
    if context_line is not None and line is not None and context_line < line and "block" in context:
        message += f" (dans le bloc commencé ligne {context_line})"
    return line, message
