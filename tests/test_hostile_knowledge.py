"""Hostile knowledge files are refused with a KnowledgeError naming the file (and the line when
there is one), quickly and without a traceback: the corpus is tests/data/hostile, plus the
cases that must be built on the fly (a 100 MB file, a FIFO, symlinks, a directory)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knowledge_copies import HOSTILE, mini_copy, refused

from matching import KnowledgeError, default_knowledge_dir, load_knowledge
from matching.validation import load_engine

DATA = Path(__file__).resolve().parent / "data"


_copy, _refused = mini_copy, refused


def _with(tmp_path: Path, case: str, place: str) -> tuple[Path, Path]:
    k = _copy(tmp_path)
    target = k / place
    shutil.copy(HOSTILE / case, target)
    return k, target


def test_alias_bomb_is_refused_at_the_alias_that_overflows(tmp_path: Path) -> None:
    """Aliases may not expand to more than 100,000 elements ("billion laughs")."""
    k, target = _with(tmp_path, "alias_bomb.yaml", "vocabulaire.yaml")
    assert _refused(k) == [
        f"{target}:8: synonyms.f[0]: alias « *e » : les alias du fichier dépassent 100 000 éléments "
        "une fois développés (alias qui se multiplient), refusé"
    ]


def test_alias_bomb_through_mappings_is_refused(tmp_path: Path) -> None:
    """The expansion bound counts aliased mappings as well as lists."""
    k, target = _with(tmp_path, "alias_bomb_mapping.yaml", "catalogue/bomb.yaml")
    [problem] = _refused(k)
    assert problem.startswith(f"{target}:6: e.k3: alias « *d » : les alias du fichier dépassent")


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    """An alias inside its own anchor is refused, not followed until RecursionError."""
    k, target = _with(tmp_path, "recursive_alias.yaml", "catalogue/loop.yaml")
    assert _refused(k) == [f"{target}:4: entries[0].related: alias récursif « *loop » : refusé"]


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    """Nesting is bounded (knowledge files need 6 levels)."""
    k, target = _with(tmp_path, "deep_nesting.yaml", "vocabulaire.yaml")
    [problem] = _refused(k)
    assert problem.startswith(f"{target}:2: ")
    assert "imbrication trop profonde" in problem


def test_python_tags_are_refused(tmp_path: Path) -> None:
    """Tags an unsafe loader would execute are named and refused."""
    k, target = _with(tmp_path, "python_tag.yaml", "vocabulaire.yaml")
    assert _refused(k) == [
        f"{target}:2: abbreviations: étiquette YAML non permise : !!python/object/apply:os.system"
    ]


def test_two_documents_in_one_file_are_refused(tmp_path: Path) -> None:
    """A stray `---` would hide the second half of a file: one document per file."""
    k, target = _with(tmp_path, "two_documents.yaml", "vocabulaire.yaml")
    assert _refused(k) == [f"{target}:2: un seul document YAML attendu par fichier (« --- » en trop ?)"]


def test_file_over_the_size_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A 100 MB file is refused from its size (64 MB at most per file)."""
    k = _copy(tmp_path)
    big = k / "catalogue" / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: no disk used, nothing to read
    assert _refused(k) == [f"{big}: fichier trop gros : 100,0 Mo (au plus 64,0 Mo), refusé sans le lire"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_instead_of_hanging(tmp_path: Path) -> None:
    """A FIFO is refused before anything opens it (opening one blocks until a writer comes)."""
    k = _copy(tmp_path)
    fifo = k / "catalogue" / "pipe.yaml"
    os.mkfifo(fifo)
    assert _refused(k) == [f"{fifo}: n'est pas un fichier ordinaire mais un tube nommé (FIFO) : refusé"]


def test_fifo_anywhere_in_the_directory_is_refused(tmp_path: Path) -> None:
    """Every file of the directory is checked, also those another reader would open (tables)."""
    k = _copy(tmp_path)
    (k / "territoires").mkdir()
    fifo = k / "territoires" / "communes.csv.gz"
    os.mkfifo(fifo)
    assert _refused(k) == [f"{fifo}: n'est pas un fichier ordinaire mais un tube nommé (FIFO) : refusé"]


def test_symlink_leaving_the_directory_is_refused(tmp_path: Path) -> None:
    """A symlink may not make the bot read a file outside the knowledge directory."""
    k = _copy(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("entries: []\n", encoding="utf-8")
    link = k / "catalogue" / "out.yaml"
    link.symlink_to(secret)
    assert _refused(k) == [
        f"{link}: lien symbolique vers {secret.resolve()}, en dehors du dossier de connaissances : refusé"
    ]


def test_symlinked_folder_leaving_the_directory_is_refused(tmp_path: Path) -> None:
    """The same holds when the link is a folder on the way to the file."""
    k = _copy(tmp_path)
    shutil.move(k / "catalogue", tmp_path / "elsewhere")
    (k / "catalogue").symlink_to(tmp_path / "elsewhere")
    problems = _refused(k)
    assert problems[0] == (
        f"{k / 'catalogue'}: lien symbolique vers {(tmp_path / 'elsewhere').resolve()}, "
        "en dehors du dossier de connaissances : refusé"
    )


def test_symlink_inside_the_directory_is_allowed(tmp_path: Path) -> None:
    """Links that stay inside the directory are ordinary files for the loader."""
    k = _copy(tmp_path)
    (k / "vocabulaire-commun.yaml").write_bytes((k / "vocabulaire.yaml").read_bytes())
    (k / "vocabulaire.yaml").unlink()
    (k / "vocabulaire.yaml").symlink_to("vocabulaire-commun.yaml")
    assert load_knowledge(k).vocabulary.synonyms == {"mentorat": ["mentoring"]}


def test_broken_symlink_is_reported(tmp_path: Path) -> None:
    """A dangling link is named as such, not as a missing or unreadable file."""
    k = _copy(tmp_path)
    link = k / "catalogue" / "parti.yaml"
    link.symlink_to(k / "nulle-part.yaml")
    assert _refused(k) == [f"{link}: lien symbolique cassé"]


def test_directory_named_like_a_yaml_file_is_reported(tmp_path: Path) -> None:
    """A folder called `*.yaml` is a problem to report, not an IsADirectoryError."""
    k = _copy(tmp_path)
    (k / "catalogue" / "dossier.yaml").mkdir()
    assert _refused(k) == [f"{k / 'catalogue' / 'dossier.yaml'}: est un dossier, pas un fichier"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.binary(max_size=300) | st.text(alphabet="[]{}&*!:-,|>'\"#\n abc0%@`\t?<=~", max_size=200),
    place=st.sampled_from(["vocabulaire.yaml", "contacts.yaml", "catalogue/mini.yaml", "catalogue/x.yaml"]),
)
def test_any_file_content_gives_knowledge_or_a_knowledge_error(
    tmp_path: Path, content: bytes | str, place: str
) -> None:
    """Whatever a knowledge file contains, loading never fails with another exception."""
    k = tmp_path / "fuzz"
    shutil.rmtree(k, ignore_errors=True)
    shutil.copytree(DATA / "mini", k)
    data = content.encode("utf-8") if isinstance(content, str) else content
    (k / place).write_bytes(data)
    problems: tuple[object, ...] = ()
    try:
        load_knowledge(k)
    except KnowledgeError as exc:
        problems = exc.problems
    assert all(str(k) in str(p) for p in problems)


EDITS = st.sampled_from(["delete", "duplicate", "indent", "dedent", "quote", "dash", "colon", "tab"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(min_value=0, max_value=60), EDITS), min_size=1, max_size=3))
def test_hand_editing_slips_give_knowledge_or_a_knowledge_error(
    tmp_path: Path, edits: list[tuple[int, str]]
) -> None:
    """Typical slips on a real catalogue file (lines deleted, duplicated, re-indented, stray
    quotes, dashes, colons, tabs) give a KnowledgeError with a line, never another exception."""
    k = tmp_path / "slips"
    shutil.rmtree(k, ignore_errors=True)
    shutil.copytree(DATA / "mini", k)
    path = k / "catalogue" / "mini.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, edit in edits:
        i = number % len(lines)
        line = lines[i]
        lines[i : i + 1] = {
            "delete": [],
            "duplicate": [line, line],
            "indent": ["  " + line],
            "dedent": [line[2:]],
            "quote": [line.replace(": ", ': "', 1)],
            "dash": ["  - " + line.lstrip()],
            "colon": [line + ": x"],
            "tab": ["\t" + line],
        }[edit]
    path.write_text("\n".join(lines), encoding="utf-8")
    problems: tuple[object, ...] = ()
    try:
        load_knowledge(k)
    except KnowledgeError as exc:
        problems = exc.problems
    assert all(getattr(p, "path", "").startswith(str(k)) for p in problems)
    assert all(getattr(p, "line", None) for p in problems if getattr(p, "path", "") == str(path))


def _whole(tmp_path: Path) -> Path:
    shutil.copytree(default_knowledge_dir(), tmp_path / "whole")
    return tmp_path / "whole"


def test_alias_bomb_in_the_anct_manifest_is_refused(tmp_path: Path) -> None:
    """The ANCT tables' manifest is read by the same safe reader as the catalogue."""
    k = _whole(tmp_path)
    manifest = k / "anct" / "tables.yaml"
    shutil.copy(HOSTILE / "alias_bomb.yaml", manifest)
    with pytest.raises(KnowledgeError) as exc:
        load_engine(k)
    [problem] = exc.value.problems
    assert problem.path == str(manifest)
    assert "alias qui se multiplient" in problem.message


def test_fifo_among_the_anct_tables_is_refused_without_opening_it(tmp_path: Path) -> None:
    """A table replaced by a FIFO is refused before any reader opens it (it would hang)."""
    k = _whole(tmp_path)
    table = k / "anct" / "contacts_locaux.csv"
    table.unlink()
    os.mkfifo(table)
    with pytest.raises(KnowledgeError) as exc:
        load_engine(k)
    assert [str(p) for p in exc.value.problems] == [
        f"{table}: n'est pas un fichier ordinaire mais un tube nommé (FIFO) : refusé"
    ]
