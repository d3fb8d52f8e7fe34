"""Which knowledge directory the program reads, and whether an admin may edit it.

One documented order, the same for every command and for the bot:
1. `--knowledge-dir DIR`;
2. `AIGUILLEUR_KNOWLEDGE_DIR` (environment, then `.env`);
3. `./knowledge` when the current directory holds a knowledge directory (a checkout of the project,
   or a copy made by `aiguilleur init-knowledge knowledge`), like `.env` and `./aiguilleur.db`;
4. the knowledge shipped with the program. In a checkout (`pip install -e .`) that is the
   checkout's `knowledge/`, which the admin edits. In an installed wheel it is a copy inside
   site-packages: it is read, never written (`aiguilleur init-knowledge DIR` makes a copy to edit).

Every command says on stderr which directory it read and why, so nobody edits one directory while
the program reads another.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from matching import default_knowledge_dir

from .settings import Settings

__all__ = [
    "KnowledgeDir",
    "KnowledgeDirError",
    "copy_knowledge",
    "is_source_tree",
    "looks_like_knowledge",
    "resolve_knowledge_dir",
]

ENV_NAME = "AIGUILLEUR_KNOWLEDGE_DIR"
# Files an admin edits or the engine reads; the rest (caches, Python files) is never copied.
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.py", "*.pyc", ".*")


class KnowledgeDirError(Exception):
    """The knowledge directory cannot be used as asked (in French, for an `Error: …` line)."""


def looks_like_knowledge(directory: Path) -> bool:
    """A knowledge directory has a catalogue, contacts and a vocabulary (an unrelated folder does not)."""
    return (
        (directory / "catalogue").is_dir()
        and (directory / "contacts.yaml").is_file()
        and (directory / "vocabulaire.yaml").is_file()
    )


def is_source_tree(directory: Path) -> bool:
    """True when `directory` is the `knowledge/` of a checkout (its project file beside it)."""
    return (directory.parent / "pyproject.toml").is_file()


@dataclass(frozen=True)
class KnowledgeDir:
    """A resolved knowledge directory: where it is, why this one, and whether it is the packaged copy."""

    path: Path
    origin: str
    packaged: bool = False

    def describe(self) -> str:
        """The stderr line every command prints, e.g. « Connaissances : /srv/k (AIGUILLEUR_KNOWLEDGE_DIR, fichier .env) »."""
        if self.packaged:
            return (
                f"Connaissances : {self.path} (copie installée avec le programme, en lecture seule ; "
                "« aiguilleur init-knowledge DOSSIER » en fait une copie à modifier)"
            )
        return f"Connaissances : {self.path} ({self.origin})"

    def writable(self, what: str) -> Path:
        """The directory, for a command that writes `what` into it; never the packaged copy."""
        if self.packaged:
            raise KnowledgeDirError(
                f"{what} : les connaissances installées avec le programme ({self.path}) ne se modifient pas. "
                "Copiez-les avec « aiguilleur init-knowledge DOSSIER », puis indiquez ce dossier "
                f"(--knowledge-dir DOSSIER, ou {ENV_NAME}=DOSSIER dans .env)."
            )
        return self.path


def resolve_knowledge_dir(
    option: Path | None, settings: Settings, *, cwd: Path | None = None, bundled: Path | None = None
) -> KnowledgeDir:
    """The directory to read, in the documented order (`cwd` and `bundled` are for tests)."""
    if option is not None:
        return KnowledgeDir(option, "--knowledge-dir")
    if settings.knowledge_dir is not None:
        where = settings.origin("knowledge_dir")
        return KnowledgeDir(settings.knowledge_dir, f"{ENV_NAME}, {where}" if where else ENV_NAME)
    local = (cwd or Path.cwd()) / "knowledge"
    if looks_like_knowledge(local):
        return KnowledgeDir(local, "dossier knowledge/ du répertoire courant")
    shipped = bundled or default_knowledge_dir()
    if is_source_tree(shipped):
        return KnowledgeDir(shipped, "fournies avec le programme, dans ce dépôt")
    return KnowledgeDir(shipped, "copie installée avec le programme", packaged=True)


def copy_knowledge(target: Path, source: Path | None = None) -> int:
    """Copies the shipped knowledge (or `source`) into a new or empty `target`; returns the file count."""
    source = source or default_knowledge_dir()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise KnowledgeDirError(
            f"{target} existe déjà et n'est pas un dossier vide : choisissez un nouveau dossier"
        )
    if target.resolve() == source.resolve():
        raise KnowledgeDirError(f"{target} est déjà le dossier des connaissances fournies")
    shutil.copytree(source, target, ignore=_SKIPPED, dirs_exist_ok=True)
    return sum(1 for p in target.rglob("*") if p.is_file())
