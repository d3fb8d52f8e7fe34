"""Whole-directory validation: everything the serving engine needs, checked before it serves.

`load_engine` is the one way to go from a knowledge directory to a ready engine: catalogue,
vocabulary, contacts, the rules of `matching.rules` and the territory tables, every problem
collected into one `KnowledgeError` (never another exception). `aiguilleur validate` and the
bot's `/reload` both use it, so a reload never replaces good knowledge with bad.

`example_problems` is the admin's regression list (examples that do not rank their own entry
first). Asking full answers for every example is quadratic on an imported catalogue, so the
catalogue's own entries are all checked and imported aids (`kind: aide`) only through a fixed,
deterministic sample, reported without blocking.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import compiled
from .engine import Engine, PlaceFinder
from .loader import Knowledge, default_knowledge_dir, load_knowledge
from .problems import KnowledgeError, Problem
from .rules import KnowledgeRules
from .safefiles import tree_problems
from .territories import tablecache
from .territories.tablecache import Restored
from .yamlsafe import line_for

__all__ = [
    "IMPORTED_KIND",
    "IMPORTED_SAMPLE",
    "Validation",
    "example_problems",
    "load_engine",
    "validate_knowledge",
]

TERRITORIES_DIR = "territoires"
IMPORTED_KIND = "aide"
# Imported aids whose examples are checked: ≈ 300 answers, about a second at 5,000 entries.
IMPORTED_SAMPLE = 100


def _unexpected(path: Path, exc: BaseException) -> Problem:
    return Problem(str(path), None, "", f"lecture impossible ({type(exc).__name__}) : refusé")


def _places(
    directory: Path,
    problems: list[Problem],
    *,
    required: bool,
    checked: bool = False,
    restored: Restored | None = None,
) -> PlaceFinder | None:
    """The territory tables, or None when the directory has none (and none are required);
    `checked`: the directory's files are stamped as having passed every check, `restored`:
    the tables' largest maps, from their artefact (`matching.territories.tablecache`)."""
    base = directory / TERRITORIES_DIR
    if not base.exists() and not base.is_symlink():
        if required:
            problems.append(
                Problem(
                    str(base),
                    None,
                    "",
                    "tables des territoires absentes : les lieux ne seraient plus reconnus",
                )
            )
        return None
    if _blocked(directory, base):
        return None  # the loader reports those files; do not open them
    from .territories import PlaceResolver

    try:
        return PlaceResolver.load(directory, checked=checked, restored=restored)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
    except Exception as exc:  # noqa: BLE001 - a corrupt table must be a problem, not a traceback
        problems.append(_unexpected(base, exc))
    return None


def _blocked(directory: Path, base: Path) -> bool:
    """Whether `base` holds a file no reader may open (a FIFO would hang its reader; the
    loader reports it)."""
    return any(Path(p.path).is_relative_to(base) for p in tree_problems(directory))


def _anct_tables(directory: Path) -> list[Problem]:
    """The official ANCT tables against their manifest (see matching.anct.tables)."""
    from .anct.tables import check_tables

    if _blocked(directory, directory / "anct"):
        return []

    try:
        return check_tables(directory)
    except Exception as exc:  # noqa: BLE001 - a corrupt table must be a problem, not a traceback
        return [_unexpected(directory / "anct", exc)]


def _table_dates(directory: Path, today: dt.date) -> list[Problem]:
    """The date of each official table (`anct/tables.yaml`) is cited in answers (« liste ANCT
    de janvier 2021 »): a date later than today is a typo, refused like `reviewed`."""
    from .anct.manifest import MANIFEST_FILE
    from .yamlsafe import read_yaml

    path = directory / "anct" / MANIFEST_FILE
    if not path.is_file() or _blocked(directory, directory / "anct"):
        return []
    try:
        document = read_yaml(path, directory)
    except KnowledgeError:
        return []  # check_tables reports the file itself
    tables = document.data.get("tables") if isinstance(document.data, dict) else None
    problems: list[Problem] = []
    for i, table in enumerate(tables if isinstance(tables, list) else []):
        value = str(table.get("date", "")) if isinstance(table, dict) else ""
        try:
            first_day = dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
        except ValueError:
            continue  # check_tables reports a malformed date
        if first_day > today:
            where = table.get("id") if isinstance(table.get("id"), str) else f"tables[{i}]"
            problems.append(
                Problem(
                    str(path),
                    line_for(("tables", i, "date"), document.lines),
                    f"{where}.date",
                    f"date dans le futur ({value}, nous sommes le {today.isoformat()}) : indiquez la "
                    "date des données, que les réponses citent",
                )
            )
    return problems


def _followups(directory: Path) -> list[Problem]:
    """The follow-up phrases of the dialogue (`relances.yaml`), read by the bot on each load."""
    from .followups import load_followups

    try:
        load_followups(directory)
    except KnowledgeError as exc:
        return list(exc.problems)
    except Exception as exc:  # noqa: BLE001 - a broken file must be a problem, not a traceback
        return [_unexpected(directory, exc)]
    return []


def load_engine(
    directory: Path | None = None,
    *,
    today: dt.date | None = None,
    require_territories: bool = False,
    reuse: bool = False,
) -> Engine:
    """A ready engine for `directory`, or KnowledgeError listing every problem of every file
    (tables included). `require_territories`: refuse a directory without territory tables
    (a reload must not silently stop recognising places). After a full load the compiled
    knowledge is stored (`matching.compiled`); `reuse`: serve it instead when it can be trusted
    (a start; `validate` and `/reload` always check everything)."""
    directory = Path(directory) if directory is not None else default_knowledge_dir()
    with _no_cycle_collection():
        return _load_engine(directory, today, require_territories, reuse)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while the engine is built, then restored as it was.

    Why: a load allocates about a million objects (tables, indexes, entries) that all stay
    alive; the collector would scan them again and again as they are created, about a tenth of
    a start, for no garbage (what a load discards, reference counting frees). The pause is
    process-wide: while a `/reload` builds in its thread, the messages served meanwhile leave
    their cyclic garbage to the first collection after it, seconds later at most."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_engine(directory: Path, today: dt.date | None, require_territories: bool, reuse: bool) -> Engine:
    problems: list[Problem] = []
    # Hashed before reading: what is stamped as checked is what was read (see the end).
    key = compiled.content_key(directory)
    stamped = reuse and key is not None and compiled.checked(directory, key)
    restored = _restored_tables(directory, key) if stamped and key is not None else None
    places = _places(directory, problems, required=require_territories, checked=stamped, restored=restored)
    trusted = stamped and not problems
    if trusted and key is not None:
        if restored is None:
            _keep_tables(directory, key, places)  # stamped by a load that could not write them
        # The ANCT tables are in the compiled file's content hash: checked when it was written.
        cached = compiled.load_cached(directory, places, key)
        if cached is not None:
            return cached
    if not trusted:
        problems.extend(_anct_tables(directory))
        problems.extend(_table_dates(directory, today or dt.date.today()))
        problems.extend(_followups(directory))
    tables = getattr(places, "tables", None)
    rules = KnowledgeRules(today or dt.date.today(), tables)
    knowledge: Knowledge | None = None
    try:
        # Files that passed every rule, unchanged since (same content hash, same code): the
        # rules need not run again (their only time-dependent one can only become truer).
        knowledge = load_knowledge(directory, check=None if trusted else rules)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
    except Exception as exc:  # noqa: BLE001 - never a traceback from loading
        problems.append(_unexpected(directory, exc))
    if problems or knowledge is None:
        raise KnowledgeError(list(dict.fromkeys(problems)))
    try:
        engine = Engine(knowledge, places)
    except KnowledgeError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise KnowledgeError([_unexpected(directory, exc)]) from exc
    if trusted and len(engine.entries) < compiled.COMPILE_MIN:
        return engine  # already stamped for these files, and too small to compile: nothing to write
    if key is None or key != compiled.content_key(directory):
        return engine  # changed while it was read: stamp nothing, the next start checks again
    engine = compiled.compile_knowledge(directory, engine, key)
    if not trusted:
        _keep_tables(directory, key, places)
    return engine


def _restored_tables(directory: Path, key: str) -> Restored | None:
    """The territory tables' artefact for these files and this code, when there is a valid one."""
    target = compiled.cache_file(directory, tablecache.CACHE_NAME)
    return tablecache.read(target, key, compiled.code_version())


def _keep_tables(directory: Path, key: str, places: PlaceFinder | None) -> None:
    """Writes the territory tables' artefact for files stamped as checked (best effort: where
    nothing may be written, or the write fails, starts read the table files)."""
    tables = getattr(places, "tables", None)
    target = compiled.cache_file(directory, tablecache.CACHE_NAME)
    if tables is not None and target is not None:
        data = tablecache.dump(tables, key, compiled.code_version())
        compiled.write_file(target, lambda out: out.write(data))


def _sample_key(entry_id: str) -> bytes:
    return hashlib.blake2b(entry_id.encode("utf-8"), digest_size=8).digest()


@dataclass(frozen=True)
class Validation:
    """A directory that passed: its engine, how much of the self-check ran, and the sampled
    imported aids' examples that lead elsewhere (not blocking: see `validate_knowledge`)."""

    engine: Engine
    examples_checked: int
    aids_checked: int
    aids_total: int
    aid_misses: tuple[Problem, ...] = ()


def _checked(engine: Engine, sample: int) -> tuple[list[int], list[int], int]:
    """Indexes of the authored entries, of the `sample` imported aids checked (chosen by a hash
    of their id: the same ones every run, spread over the whole import), and the number of
    imported aids."""
    entries = engine.entries
    imported = [i for i, e in enumerate(entries) if e.kind == IMPORTED_KIND]
    chosen = sorted(sorted(imported, key=lambda i: _sample_key(entries[i].id))[:sample])
    return [i for i, e in enumerate(entries) if e.kind != IMPORTED_KIND], chosen, len(imported)


def example_problems(
    engine: Engine, *, sample: int = IMPORTED_SAMPLE, imported: bool = False
) -> list[Problem]:
    """Examples that do not rank their own entry first: the admin's regression list (entries
    written by hand; with `imported`, also a fixed sample of imported aids)."""
    authored, aids, _ = _checked(engine, sample)
    return _misses(engine, authored + aids if imported else authored)


def _misses(engine: Engine, indexes: list[int]) -> list[Problem]:
    problems: list[Problem] = []
    for index in indexes:
        entry = engine.entries[index]
        path, line = engine.knowledge.entry_files.get(entry.id, ("?", None))
        for i, example in enumerate(entry.examples):
            answer = engine.ask(example, top=3)
            got = answer.top.id if answer.top else "aucune réponse"
            if got != entry.id:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"{entry.id}.examples[{i}]",
                        f"« {example} » mène à {got} au lieu de {entry.id}",
                    )
                )
    return problems


def validate_knowledge(
    directory: Path | None = None, *, today: dt.date | None = None, sample: int = IMPORTED_SAMPLE
) -> Validation:
    """`load_engine` plus the example self-check; raises KnowledgeError with every problem.

    Examples of entries written by hand must lead to their entry. Those of imported aids are
    generated ("aide pour …") and often lead to a neighbouring aid, which the admin cannot fix
    by hand: they are sampled and returned in `aid_misses`, not raised."""
    engine = load_engine(directory, today=today)
    authored, aids, total = _checked(engine, sample)
    problems = _misses(engine, authored)
    if problems:
        raise KnowledgeError(problems)
    checked = [engine.entries[i] for i in authored + aids]
    return Validation(
        engine,
        examples_checked=sum(len(e.examples) for e in checked),
        aids_checked=len(aids),
        aids_total=total,
        aid_misses=tuple(_misses(engine, aids)),
    )
