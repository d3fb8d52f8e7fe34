"""Knowledge loading rules that admins rely on when editing YAML by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from matching import KnowledgeError, load_knowledge

DATA = Path(__file__).resolve().parent / "data"


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "mini", tmp_path / "k")
    return tmp_path / "k"


def _problems(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(directory)
    return [str(p) for p in exc.value.problems]


def test_ids_must_be_slugs(tmp_path: Path) -> None:
    k = _copy(tmp_path)
    path = k / "catalogue" / "mini.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("id: apec-mentorat", "id: Apec Mentorat"), encoding="utf-8"
    )
    assert _problems(k) == [
        f"{path}:2: entries[0].id: identifiant invalide : minuscules, chiffres et tirets seulement (ex. « apec-mentorat »)"
    ]


def test_yes_no_words_are_not_silently_turned_into_booleans(tmp_path: Path) -> None:
    """YAML reads a bare `on` as true: validation says so instead of losing the stop word."""
    k = _copy(tmp_path)
    vocabulary = k / "vocabulaire.yaml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8").replace("stop_words: [le,", "stop_words: [on, le,"),
        encoding="utf-8",
    )
    assert _problems(k) == [
        f"{vocabulary}:5: stop_words[0]: texte attendu : mettez la valeur entre guillemets "
        "(YAML lit on, off, yes, no comme vrai ou faux)"
    ]


def test_missing_contacts_file_is_reported(tmp_path: Path) -> None:
    k = _copy(tmp_path)
    (k / "contacts.yaml").unlink()
    assert _problems(k) == [f"{k / 'contacts.yaml'}: fichier manquant"]


def test_non_utf8_file_is_reported_not_crashed(tmp_path: Path) -> None:
    k = _copy(tmp_path)
    (k / "catalogue" / "latin.yaml").write_bytes("entries: [{id: caf\xe9}]".encode("latin-1"))
    assert _problems(k) == [f"{k / 'catalogue' / 'latin.yaml'}: le fichier n'est pas encodé en UTF-8"]


def test_valid_knowledge_keeps_catalogue_order(tmp_path: Path) -> None:
    knowledge = load_knowledge(_copy(tmp_path))
    assert [e.id for e in knowledge.entries] == ["apec-mentorat", "anct-crte"]
