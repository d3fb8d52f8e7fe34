"""Loads and validates the knowledge directory, reporting every problem with file and line.

One error type, `KnowledgeError`, carries all problems (like pydantic-settings' `SettingsError`),
so `aiguilleur validate` and the bot's `/reload` can show them all at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .schema import CatalogueFile, ContactsFile, Entry, Vocabulary

__all__ = ["Knowledge", "KnowledgeError", "Problem", "default_knowledge_dir", "load_knowledge"]

CATALOGUE_DIR = "catalogue"
VOCABULARY_FILE = "vocabulaire.yaml"
CONTACTS_FILE = "contacts.yaml"

M = TypeVar("M", bound=BaseModel)
# libyaml's parser when PyYAML was built with it (≈10× faster), the pure-Python one otherwise.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One validation problem, printed as ``path:line: field: message``."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge directory cannot be served; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Knowledge:
    """Validated knowledge: entries in catalogue order, vocabulary and contacts."""

    directory: Path
    entries: tuple[Entry, ...]
    vocabulary: Vocabulary
    contacts: ContactsFile
    entry_files: dict[str, tuple[str, int | None]] = field(default_factory=dict)


def default_knowledge_dir() -> Path:
    """The `knowledge/` shipped next to this package. The engine reads no configuration: the
    program (bot/) decides which directory to serve and passes it explicitly."""
    return Path(__file__).resolve().parent.parent / "knowledge"


# -- YAML with line numbers -----------------------------------------------------------------


def _scalar(node: yaml.Node) -> Any:
    """A scalar as YAML would build it; a value YAML cannot build (2026-13-01) stays text
    so that validation reports it against the field instead of crashing."""
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        return node.value


def _to_python(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    """Builds plain Python data from a YAML node while recording each location's line."""
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            result[key] = _to_python(value_node, (*loc, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*loc, i), lines) for i, item in enumerate(node.value)]
    return _scalar(node)


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int]]:
    """Parses a YAML file; raises KnowledgeError with the parser's line on syntax errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KnowledgeError([Problem(str(path), None, "", "le fichier n'est pas encodé en UTF-8")]) from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise KnowledgeError([Problem(str(path), line, "", f"YAML invalide : {reason}")]) from exc
    lines: dict[Loc, int] = {}
    data = _to_python(node, (), lines) if node is not None else None
    return data, lines


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    while True:
        if loc in lines:
            return lines[loc]
        if not loc:
            return None
        loc = loc[:-1]


def _field(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def french_message(err: Mapping[str, Any]) -> str:
    """Pydantic's error in the admins' language; unknown error types keep pydantic's text."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "champ obligatoire manquant"
    if kind == "extra_forbidden":
        return "champ inconnu (faute de frappe ?)"
    if kind == "literal_error":
        return f"valeur non permise, attendu : {str(ctx.get('expected', '?')).replace(' or ', ' ou ')}"
    if kind in ("too_short", "string_too_short"):
        unit = "élément(s)" if kind == "too_short" else "caractère(s)"
        return f"trop court : au moins {ctx.get('min_length', '?')} {unit}"
    if kind == "string_too_long":
        return f"trop long : au plus {ctx.get('max_length', '?')} caractères"
    if kind in ("string_type", "str_type"):
        if isinstance(err.get("input"), bool):
            return "texte attendu : mettez la valeur entre guillemets (YAML lit on, off, yes, no comme vrai ou faux)"
        return "texte attendu"
    if kind == "list_type":
        return "liste attendue"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "dictionnaire (clé: valeur) attendu"
    if kind.startswith("date"):
        return "date invalide, format attendu AAAA-MM-JJ"
    if kind == "string_pattern_mismatch":
        return "identifiant invalide : minuscules, chiffres et tirets seulement (ex. « apec-mentorat »)"
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    return str(err.get("msg", kind))


def _report(
    exc: ValidationError, prefix: Loc, path: Path, lines: dict[Loc, int], problems: list[Problem]
) -> None:
    for err in exc.errors(include_url=False):
        loc = (*prefix, *(p for p in err["loc"] if isinstance(p, str | int)))
        problems.append(Problem(str(path), _line_for(loc, lines), _field(loc), french_message(err)))


def _validate(model: type[M], path: Path, problems: list[Problem]) -> tuple[M | None, dict[Loc, int]]:
    try:
        data, lines = read_yaml(path)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        return None, {}
    try:
        return model.model_validate(data if data is not None else {}), lines
    except ValidationError as exc:
        _report(exc, (), path, lines, problems)
        return None, lines


def _catalogue_entries(path: Path, problems: list[Problem]) -> tuple[list[tuple[int, Entry]], dict[Loc, int]]:
    """Valid entries of one catalogue file; each invalid entry is reported, the others kept."""
    try:
        data, lines = read_yaml(path)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        return [], {}
    raw = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        try:
            CatalogueFile.model_validate(data if data is not None else {})
        except ValidationError as exc:
            _report(exc, (), path, lines, problems)
        return [], lines
    extra = sorted(set(data) - {"entries"})
    for key in extra:
        problems.append(
            Problem(
                str(path), _line_for((key,), lines), str(key), french_message({"type": "extra_forbidden"})
            )
        )
    entries: list[tuple[int, Entry]] = []
    for i, item in enumerate(raw):
        try:
            entries.append((i, Entry.model_validate(item)))
        except ValidationError as exc:
            _report(exc, ("entries", i), path, lines, problems)
    return entries, lines


def _catalogue_files(directory: Path) -> Iterator[Path]:
    yield from sorted((directory / CATALOGUE_DIR).glob("*.yaml"))


def load_knowledge(directory: Path | None = None) -> Knowledge:
    """Reads and cross-checks every knowledge file; raises KnowledgeError listing all problems."""
    directory = Path(directory) if directory is not None else default_knowledge_dir()
    problems: list[Problem] = []
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), None, "", "dossier de connaissances introuvable")])
    files = list(_catalogue_files(directory))
    if not files:
        problems.append(
            Problem(str(directory / CATALOGUE_DIR), None, "", "aucun fichier de catalogue (*.yaml)")
        )
    entries: list[Entry] = []
    origin: dict[str, tuple[str, int | None]] = {}
    related_lines: dict[str, list[int | None]] = {}
    for path in files:
        valid, lines = _catalogue_entries(path, problems)
        for i, entry in valid:
            line = _line_for(("entries", i), lines)
            if entry.id in origin:
                first_path, first_line = origin[entry.id]
                problems.append(
                    Problem(
                        str(path),
                        line,
                        f"entries[{i}].id",
                        f"identifiant en double « {entry.id} » (déjà dans {first_path}:{first_line})",
                    )
                )
                continue
            origin[entry.id] = (str(path), line)
            related_lines[entry.id] = [
                _line_for(("entries", i, "related", j), lines) for j in range(len(entry.related))
            ]
            entries.append(entry)
    vocabulary = _optional(Vocabulary, directory / VOCABULARY_FILE, problems)
    contacts, _ = (
        _validate(ContactsFile, directory / CONTACTS_FILE, problems)
        if (directory / CONTACTS_FILE).exists()
        else (None, {})
    )
    if contacts is None and not (directory / CONTACTS_FILE).exists():
        problems.append(Problem(str(directory / CONTACTS_FILE), None, "", "fichier manquant"))
    known = set(origin)
    for entry in entries:
        entry_path, _ = origin[entry.id]
        for j, ref in enumerate(entry.related):
            if ref not in known:
                line = related_lines[entry.id][j]
                problems.append(
                    Problem(entry_path, line, f"{entry.id}.related[{j}]", f"référence inconnue « {ref} »")
                )
    if problems or contacts is None:
        raise KnowledgeError(problems)
    return Knowledge(directory, tuple(entries), vocabulary or Vocabulary(), contacts, origin)


def _optional(model: type[M], path: Path, problems: list[Problem]) -> M | None:
    if not path.exists():
        return None
    value, _ = _validate(model, path, problems)
    return value
