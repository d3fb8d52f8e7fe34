"""Safe YAML for hand-edited knowledge files: aliases, depth, tags, duplicate keys, lines.

Why not `yaml.safe_load`: it expands aliases without bound (a 272-byte "billion laughs" file
costs seconds and gigabytes), recurses on a self-referencing alias, keeps the last of two
duplicate keys silently, and forgets line numbers. Here one pass over the parser's events
(libyaml's when available) builds plain Python data and the line of every location, counts
what aliases expand to, bounds nesting, and reports every problem as a `KnowledgeError`
with file and line, in French. Files are read through `safefiles` (regular files inside
the knowledge directory, below a size cap, opened without blocking).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import KnowledgeError, Problem
from .safefiles import MAX_FILE_BYTES, read_bytes
from .yamlmessages import syntax_message

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "Document",
    "Lines",
    "Loc",
    "field_name",
    "line_for",
    "parse_yaml",
    "read_yaml",
]

Loc = tuple[str | int, ...]
Lines = dict[Loc, int]

# Knowledge files nest 6 levels (entries → entry → facts → fact → source → label).
MAX_DEPTH = 50
# Nodes that aliases may add in all: generous for reuse, fatal to exponential expansion.
MAX_ALIAS_NODES = 100_000
# Emitters (PyYAML: 80 by default, our import: 110) wrap long text only past this width.
WRAP_WIDTH = 80

# libyaml's parser when PyYAML was built with it (≈ 10× faster), the pure-Python one otherwise.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVERS: dict[str | None, list[tuple[str, Any]]] = yaml.SafeLoader.yaml_implicit_resolvers
_WILDCARD = _RESOLVERS.get(None, [])
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"
STR, SEQ, MAP, MERGE = _TAG + "str", _TAG + "seq", _TAG + "map", _TAG + "merge"
_BUILDERS: dict[str, Any] = {
    _TAG + "null": lambda node: None,
    _TAG + "bool": _CONSTRUCTOR.construct_yaml_bool,
    _TAG + "int": _CONSTRUCTOR.construct_yaml_int,
    _TAG + "float": _CONSTRUCTOR.construct_yaml_float,
    _TAG + "timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}
# First characters of the plain scalars an implicit resolver may turn into something else than text.
_RESOLVED_STARTS = frozenset(k for k in _RESOLVERS if k) | ({""} if "" in _RESOLVERS else set())
_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DOCUMENT_START, _STREAM_END = yaml.DocumentStartEvent, yaml.StreamEndEvent
# Implicit tags that only mean something to YAML 1.1 tools: read as text.
_AS_TEXT = {STR, MERGE, _TAG + "value"}


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


# -- YAML ----------------------------------------------------------------------------------


@dataclass
class Document:
    """A parsed YAML file: plain data, the line of every location, and `notes`, problems
    found while reading that do not prevent validating the data (a merged list item)."""

    data: Any
    lines: Lines
    notes: list[Problem] = field(default_factory=list)


def field_name(loc: Loc) -> str:
    """`("entries", 0, "id")` → `entries[0].id`, as admins read it."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_for(loc: Loc, lines: Lines) -> int | None:
    """Line of a location, or of its nearest ancestor that has one."""
    while True:
        if loc in lines:
            return lines[loc]
        if not loc:
            return None
        loc = loc[:-1]


class _Fatal(Exception):
    """Stops the pass: what follows cannot be read safely."""


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_line", "key_lines", "line", "loc", "size")

    def __init__(self, container: Any, loc: Loc, line: int, anchor: str | None) -> None:
        self.container = container
        self.loc = loc
        self.line = line
        self.anchor = anchor
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.key_lines: dict[Any, int] = {}


_NO_KEY = object()


class _Builder:
    """Consumes parser events into plain data, with lines, limits and duplicate keys."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.lines: Lines = {}
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.expanded = 0
        self.documents = 0
        self.root: Any = None
        self._text_lines: list[str] | None = None
        self.last_quoted: Any = None  # the last quoted scalar written on several lines

    def problem(self, line: int | None, loc: Loc, message: str) -> Problem:
        return Problem(self.path, line, field_name(loc), message)

    def next_loc(self) -> Loc:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.loc, len(top.container))
        if top.key is _NO_KEY:
            return (*top.loc, "<clé>")
        key = top.key
        return (*top.loc, key if isinstance(key, str | int) else str(key))

    def feed(self, get_event: Callable[[], Any]) -> None:
        """The event loop; scalars in a container take an inlined fast path (most events)."""
        stack, lines, no_key, plain_starts = self.stack, self.lines, _NO_KEY, _RESOLVED_STARTS
        while True:
            event = get_event()
            kind = event.__class__
            if kind is _SCALAR:
                line = event.start_mark.line + 1
                value = event.value
                if event.end_mark.line >= line:  # on several lines
                    if event.style == '"' or event.style == "'":
                        self.last_quoted = event
                    value = self.scalar(event, line)
                elif event.tag is not None or (event.implicit[0] and value[:1] in plain_starts):
                    value = self.scalar(event, line)
                if event.anchor is None and stack:
                    top = stack[-1]
                    container = top.container
                    if container.__class__ is list:
                        top.size += 1
                        lines[(*top.loc, len(container))] = line
                        container.append(value)
                        continue
                    key = top.key
                    if key is no_key:
                        if value.__class__ is str and value not in top.key_lines:
                            top.size += 1
                            top.key_lines[value] = line
                            top.key, top.key_line = value, line
                            continue
                    elif key.__class__ is str:
                        top.size += 1
                        lines[(*top.loc, key)] = line
                        container[key] = value
                        top.key = no_key
                        continue
                self.done(value, line, event.anchor, 1)
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                self.open(event, {} if kind is _MAPPING_START else [])
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                frame = stack.pop()
                if frame.key is not no_key:  # libyaml never ends a mapping on a key; be safe
                    frame.container[frame.key] = None
                self.done(frame.container, frame.line, frame.anchor, frame.size)
            elif kind is _ALIAS:
                self.alias(event)
            elif kind is _DOCUMENT_START:
                self.documents += 1
                if self.documents > 1:
                    line = event.start_mark.line + 1
                    message = "un seul document YAML attendu par fichier (« --- » en trop ?)"
                    self.problems.append(self.problem(line, (), message))
                    raise _Fatal
            elif kind is _STREAM_END or event is None:
                return

    def open(self, event: Any, container: Any) -> None:
        line = event.start_mark.line + 1
        tag = event.tag
        expected = MAP if isinstance(container, dict) else SEQ
        loc = self.next_loc()
        if tag is not None and tag != "!" and tag != expected:
            self.problems.append(self.problem(line, loc, f"étiquette YAML non permise : {_short(tag)}"))
        if len(self.stack) >= MAX_DEPTH:
            self.problems.append(
                self.problem(line, loc, f"imbrication trop profonde : plus de {MAX_DEPTH} niveaux, refusé")
            )
            raise _Fatal
        self.lines[loc] = line
        self.stack.append(_Frame(container, loc, line, event.anchor))

    def scalar(self, event: Any, line: int) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted: always text
            tag = STR
            for candidate, regexp in _RESOLVERS.get(value[:1] if value else "", []) + _WILDCARD:
                if regexp.match(value):
                    tag = candidate
                    break
            if (
                not event.style
                and event.end_mark.line > event.start_mark.line
                and self.stack
                and isinstance(self.stack[-1].container, list)
            ):
                self.merged_items(event)
        if tag in _AS_TEXT:
            return value
        build = _BUILDERS.get(tag)
        if build is None:
            self.problems.append(
                self.problem(line, self.next_loc(), f"étiquette YAML non permise : {_short(tag)}")
            )
            return value
        try:
            return build(yaml.ScalarNode(tag, value))
        except (ValueError, OverflowError, yaml.YAMLError):
            # A value YAML cannot build (2026-13-01) stays text: validation then reports it
            # against its field ("date invalide") instead of crashing.
            return value

    def merged_items(self, event: Any) -> None:
        """A list item continued on a line starting with "- " is nearly always the next item
        indented too far, silently glued to this one. Emitters also wrap long items before a
        " - ", but only past their width: a wrapped line of 80 characters or more is not flagged."""
        if self._text_lines is None:
            self._text_lines = self.text.split("\n")
        lines = self._text_lines
        first, last = event.start_mark.line, event.end_mark.line
        for number in range(first + 1, min(last, len(lines) - 1) + 1):
            stripped = lines[number].lstrip()
            if (stripped.startswith("- ") or stripped == "-") and len(
                lines[number - 1].rstrip()
            ) < WRAP_WIDTH:
                self.notes.append(
                    self.problem(
                        number + 1,
                        self.next_loc(),
                        f"« {stripped[:40]} » est collé à la ligne {first + 1} : élément de liste trop "
                        "indenté ? Alignez son tiret sur celui des autres éléments",
                    )
                )

    def alias(self, event: Any) -> None:
        name = event.anchor
        line = event.start_mark.line + 1
        loc = self.next_loc()
        if any(frame.anchor == name for frame in self.stack):
            self.problems.append(self.problem(line, loc, f"alias récursif « *{name} » : refusé"))
            raise _Fatal
        if name not in self.anchors:
            self.problems.append(
                self.problem(line, loc, f"alias « *{name} » sans ancre « &{name} » avant lui")
            )
            raise _Fatal
        value, size = self.anchors[name]
        self.expanded += size
        if self.expanded > MAX_ALIAS_NODES:
            self.problems.append(
                self.problem(
                    line,
                    loc,
                    f"alias « *{name} » : les alias du fichier dépassent {f'{MAX_ALIAS_NODES:_}'.replace('_', ' ')} "
                    "éléments une fois développés (alias qui se multiplient), refusé",
                )
            )
            raise _Fatal
        self.done(value, line, None, size)

    def done(self, value: Any, line: int, anchor: str | None, size: int) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.lines[()] = line
            self.root = value
            return
        top = self.stack[-1]
        top.size += size
        container = top.container
        if isinstance(container, list):
            self.lines[(*top.loc, len(container))] = line
            container.append(value)
            return
        if top.key is _NO_KEY:
            if isinstance(value, list | dict):
                self.problems.append(
                    self.problem(line, top.loc, "clé complexe (liste ou dictionnaire) refusée")
                )
                value = str(value)
            if value in top.key_lines:
                self.problems.append(
                    self.problem(
                        line,
                        (*top.loc, value if isinstance(value, str | int) else str(value)),
                        f"clé en double : déjà ligne {top.key_lines[value]} (YAML garderait seulement la "
                        "dernière, la première serait perdue)",
                    )
                )
            else:
                top.key_lines[value] = line
            top.key, top.key_line = value, line
            return
        key = top.key
        self.lines[(*top.loc, key if isinstance(key, str | int) else str(key))] = line
        container[key] = value
        top.key = _NO_KEY


def parse_yaml(text: str, path: str) -> Document:
    """Plain data and lines of one YAML document; raises KnowledgeError listing syntax errors,
    duplicate keys, unknown tags, alias expansion, recursion and nesting beyond the limits."""
    builder = _Builder(text, path)
    parser = _LOADER(text)
    try:
        builder.feed(parser.get_event)
    except _Fatal:
        pass
    except yaml.MarkedYAMLError as exc:
        line, message = syntax_message(exc, text)
        quoted = builder.last_quoted
        if line is not None and quoted is not None and quoted.end_mark.line + 1 == line:
            # A quote left open swallows the lines below it until the next quote character.
            line, message = (
                quoted.start_mark.line + 1,
                f"guillemet ouvert ici et refermé seulement ligne {line} : ",
            )
            message += "guillemet fermant oublié ?"
        builder.problems.append(Problem(path, line, "", f"YAML invalide : {message}"))
    except yaml.YAMLError as exc:
        builder.problems.append(Problem(path, None, "", f"YAML invalide : {exc}"))
    finally:
        parser.dispose()
    if builder.problems:
        raise KnowledgeError(builder.problems)
    return Document(builder.root, builder.lines, builder.notes)


def read_yaml(path: Path, root: Path | None = None, *, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Reads and parses a knowledge file inside `root` (default: its own folder); raises
    KnowledgeError with file and line."""
    data = read_bytes(path, root if root is not None else path.parent, max_bytes=max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = "le fichier n'est pas encodé en UTF-8 (enregistrez-le en UTF-8)"
        raise KnowledgeError([Problem(str(path), line, "", message)]) from None
    return parse_yaml(text, str(path))
