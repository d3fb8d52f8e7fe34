"""Loads and validates the knowledge directory, reporting every problem with file and line.

One error type, `KnowledgeError`, carries all problems (like pydantic-settings' `SettingsError`),
so `aiguilleur validate` and the bot's `/reload` can show them all at once. Files are read by
`yamlsafe` (file kinds, sizes, aliases, depth, duplicate keys); one broken file never makes
problems appear in the files the admin did not touch. Rules that need more than the schema
(territory codes, dates) plug in through `check` (see `matching.validation`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .concepts import unknown_references
from .problems import KnowledgeError, Problem
from .safefiles import read_bytes, tree_problems
from .schema import CatalogueFile, ContactsFile, Entry, OrientationRule, OrientationsFile, Vocabulary
from .yamlsafe import Document, Lines, Loc, field_name, line_for, read_yaml

__all__ = [
    "Check",
    "Knowledge",
    "KnowledgeError",
    "Located",
    "Problem",
    "default_knowledge_dir",
    "french_message",
    "load_knowledge",
    "read_yaml",
]

CATALOGUE_DIR = "catalogue"
VOCABULARY_FILE = "vocabulaire.yaml"
CONTACTS_FILE = "contacts.yaml"
ORIENTATIONS_FILE = "orientations.yaml"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Knowledge:
    """Validated knowledge: entries in catalogue order, vocabulary and contacts."""

    directory: Path
    entries: Sequence[Entry]
    vocabulary: Vocabulary
    contacts: ContactsFile
    entry_files: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    orientations: tuple[OrientationRule, ...] = ()


@dataclass(frozen=True)
class Located:
    """Where a validated model sits (file, lines, location), so a rule can name the line."""

    path: str
    lines: Lines
    loc: Loc
    label: str = ""

    def problem(self, rel: Loc, message: str) -> Problem:
        """A problem at `rel` inside the model, e.g. `("perimeter", 0)`."""
        name = field_name(rel)
        if self.label:
            name = f"{self.label}{'' if name.startswith('[') else '.'}{name}" if name else self.label
        else:
            name = field_name((*self.loc, *rel))
        return Problem(self.path, line_for((*self.loc, *rel), self.lines), name, message)


# A rule run on every validated model (Entry, ContactsFile, Vocabulary) with its location.
Check = Callable[[BaseModel, Located], Iterable[Problem]]


def default_knowledge_dir() -> Path:
    """The `knowledge/` shipped next to this package. The engine reads no configuration: the
    program (bot/) decides which directory to serve and passes it explicitly."""
    return Path(__file__).resolve().parent.parent / "knowledge"


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
        if isinstance(err.get("input"), int | float):
            return (
                "texte attendu : mettez la valeur entre guillemets (YAML lit 22070 ou 01053 comme un nombre)"
            )
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


def _report(exc: ValidationError, prefix: Loc, path: Path, lines: Lines, problems: list[Problem]) -> None:
    for err in exc.errors(include_url=False):
        loc = (*prefix, *(p for p in err["loc"] if isinstance(p, str | int)))
        problems.append(Problem(str(path), line_for(loc, lines), field_name(loc), french_message(err)))


def _read(path: Path, root: Path, problems: list[Problem]) -> Document | None:
    """The parsed file, or None with its problems recorded; never raises (a hostile file
    must not take the caller down with a traceback)."""
    try:
        document = read_yaml(path, root)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        return None
    except Exception as exc:  # noqa: BLE001 - last resort (MemoryError, RecursionError…): never a traceback
        problems.append(Problem(str(path), None, "", f"illisible ({type(exc).__name__}) : fichier refusé"))
        return None
    problems.extend(document.notes)
    return document


def _validate(
    model: type[M], path: Path, root: Path, problems: list[Problem], check: Check | None
) -> M | None:
    document = _read(path, root, problems)
    if document is None:
        return None
    try:
        value = model.model_validate(document.data if document.data is not None else {})
    except ValidationError as exc:
        _report(exc, (), path, document.lines, problems)
        return None
    if check is not None:
        problems.extend(check(value, Located(str(path), document.lines, ())))
    return value


_ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*[\"']?([a-z0-9][a-z0-9-]*)[\"']?\s*(?:#.*)?$", re.MULTILINE)


def _recover_ids(path: Path, root: Path) -> set[str] | None:
    """Ids written in a file YAML cannot read, so that entries elsewhere referring to them are
    not reported too (no cascade); None when the file cannot even be read as text."""
    try:
        text = read_bytes(path, root).decode("utf-8", errors="replace")
    except KnowledgeError:
        return None
    return set(_ID_LINE.findall(text))


@dataclass
class _Catalogue:
    """What the catalogue files gave: valid entries with their origin, and every id named."""

    entries: list[Entry] = field(default_factory=list)
    origin: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    related_lines: dict[str, list[int | None]] = field(default_factory=dict)
    named: set[str] = field(default_factory=set)
    # (entry id, "answers[j]" / "not_for[j]") -> (file, line) of each concept reference.
    concept_lines: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    complete: bool = True  # False when a file's ids could not be known


def _catalogue_file(
    path: Path, root: Path, out: _Catalogue, problems: list[Problem], check: Check | None
) -> None:
    document = _read(path, root, problems)
    if document is None:
        ids = _recover_ids(path, root)
        if ids is None:
            out.complete = False
        else:
            out.named |= ids
        return
    data, lines = document.data, document.lines
    raw = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        try:
            CatalogueFile.model_validate(data if data is not None else {})
        except ValidationError as exc:
            _report(exc, (), path, lines, problems)
        return
    for key in sorted(set(data) - {"entries"}, key=str):
        problems.append(
            Problem(str(path), line_for((key,), lines), str(key), french_message({"type": "extra_forbidden"}))
        )
    for i, item in enumerate(raw):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.named.add(item["id"])
        try:
            entry = Entry.model_validate(item)
        except ValidationError as exc:
            _report(exc, ("entries", i), path, lines, problems)
            continue
        line = line_for(("entries", i), lines)
        if entry.id in out.origin:
            first_path, first_line = out.origin[entry.id]
            problems.append(
                Problem(
                    str(path),
                    line,
                    f"entries[{i}].id",
                    f"identifiant en double « {entry.id} » (déjà dans {first_path}:{first_line})",
                )
            )
            continue
        out.origin[entry.id] = (str(path), line)
        out.related_lines[entry.id] = [
            line_for(("entries", i, "related", j), lines) for j in range(len(entry.related))
        ]
        for name in ("answers", "not_for"):
            for j in range(len(getattr(entry, name))):
                out.concept_lines[(entry.id, f"{name}[{j}]")] = (
                    str(path),
                    line_for(("entries", i, name, j), lines),
                )
        out.entries.append(entry)
        if check is not None:
            problems.extend(check(entry, Located(str(path), lines, ("entries", i), entry.id)))


def _catalogue_files(directory: Path) -> Iterator[Path]:
    yield from sorted((directory / CATALOGUE_DIR).glob("*.yaml"))


def _references(catalogue: _Catalogue, problems: list[Problem]) -> None:
    """`related` ids that no catalogue file names (skipped while a file cannot be read)."""
    if not catalogue.complete:
        return
    known = catalogue.named | set(catalogue.origin)
    for entry in catalogue.entries:
        entry_path, _ = catalogue.origin[entry.id]
        for j, ref in enumerate(entry.related):
            if ref not in known:
                line = catalogue.related_lines[entry.id][j]
                problems.append(
                    Problem(entry_path, line, f"{entry.id}.related[{j}]", f"référence inconnue « {ref} »")
                )


def _orientations(
    directory: Path, catalogue: _Catalogue, problems: list[Problem]
) -> tuple[OrientationRule, ...]:
    """`orientations.yaml` when present (right doors for frequent out-of-scope needs)."""
    path = directory / ORIENTATIONS_FILE
    if not os.path.lexists(path):
        return ()
    document = _read(path, directory, problems)
    if document is None:
        return ()
    try:
        rules = OrientationsFile.model_validate(document.data if document.data is not None else {})
    except ValidationError as exc:
        _report(exc, (), path, document.lines, problems)
        return ()
    for k, rule in enumerate(rules.orientations):
        for j in range(len(rule.when)):
            catalogue.concept_lines[(rule.id, f"when[{j}]")] = (
                str(path),
                line_for(("orientations", k, "when", j), document.lines),
            )
    return tuple(rules.orientations)


def _concept_references(
    directory: Path, catalogue: _Catalogue, rules: tuple[OrientationRule, ...], vocabulary: Vocabulary
) -> list[Problem]:
    """Concepts named by entries (`answers`, `not_for`) or orientations (`when`) that the
    vocabulary does not define."""
    out = []
    for owner, name, concept in unknown_references(catalogue.entries, rules, vocabulary):
        where, line = catalogue.concept_lines.get((owner, name), (str(directory), None))
        out.append(Problem(where, line, f"{owner}.{name}", f"concept inconnu « {concept} »"))
    return out


def load_knowledge(directory: Path | None = None, *, check: Check | None = None) -> Knowledge:
    """Reads and cross-checks every knowledge file; raises KnowledgeError listing all problems."""
    directory = Path(directory) if directory is not None else default_knowledge_dir()
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), None, "", "dossier de connaissances introuvable")])
    problems: list[Problem] = tree_problems(directory)
    files = list(_catalogue_files(directory))
    if not files:
        problems.append(
            Problem(str(directory / CATALOGUE_DIR), None, "", "aucun fichier de catalogue (*.yaml)")
        )
    catalogue = _Catalogue()
    for path in files:
        _catalogue_file(path, directory, catalogue, problems, check)
    vocabulary = (
        _validate(Vocabulary, directory / VOCABULARY_FILE, directory, problems, check)
        if os.path.lexists(directory / VOCABULARY_FILE)
        else Vocabulary()
    )
    contacts = _validate(ContactsFile, directory / CONTACTS_FILE, directory, problems, check)
    _references(catalogue, problems)
    orientations = _orientations(directory, catalogue, problems)
    if vocabulary is not None:
        problems.extend(_concept_references(directory, catalogue, orientations, vocabulary))
    if problems or contacts is None or vocabulary is None:
        raise KnowledgeError(list(dict.fromkeys(problems)))
    return Knowledge(
        directory, tuple(catalogue.entries), vocabulary, contacts, catalogue.origin, orientations
    )
