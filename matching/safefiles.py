"""Safe access to the files of the knowledge directory: regular files inside it only.

Why: a FIFO named like a table hangs whoever opens it (and SIGTERM with it), a symlink can
make the bot read a file outside the directory, a directory named `*.yaml` crashed the
loader, and a 100 MB file cost seconds before being refused. Every reader of knowledge files
(YAML, territory tables) goes through `read_bytes`, and `tree_problems` sweeps the whole
directory once per load.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .problems import KnowledgeError, Problem

__all__ = ["MAX_FILE_BYTES", "file_problem", "read_bytes", "tree_problems"]

# A 5,000-aid import is ≈ 10 MB; 64 MB leaves room for 30,000 aids in one file while a 100 MB
# file is refused from its size alone, before anything is read.
MAX_FILE_BYTES = 64 * 1024 * 1024


_KINDS = {
    stat.S_IFIFO: "un tube nommé (FIFO)",
    stat.S_IFSOCK: "une socket",
    stat.S_IFCHR: "un périphérique",
    stat.S_IFBLK: "un périphérique",
}


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " Mo"


def _kind_problem(mode: int, size: int, max_bytes: int | None) -> str | None:
    if stat.S_ISDIR(mode):
        return "est un dossier, pas un fichier"
    if not stat.S_ISREG(mode):
        return f"n'est pas un fichier ordinaire mais {_KINDS.get(stat.S_IFMT(mode), 'un fichier spécial')} : refusé"
    if max_bytes is not None and size > max_bytes:
        return (
            f"fichier trop gros : {_megabytes(size)} (au plus {_megabytes(max_bytes)}), refusé sans le lire"
        )
    return None


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def file_problem(path: Path, root: Path, max_bytes: int | None = MAX_FILE_BYTES) -> Problem | None:
    """Why `path` must not be read as a knowledge file, or None: it must be a regular file
    (no FIFO, device or directory) under `max_bytes`, inside `root` once symlinks are followed."""
    where = str(path)
    try:
        is_link = path.is_symlink()
        real = path.resolve(strict=True)
    except FileNotFoundError:
        return Problem(where, None, "", "lien symbolique cassé" if path.is_symlink() else "fichier manquant")
    except (OSError, RuntimeError) as exc:
        return Problem(where, None, "", f"illisible : {getattr(exc, 'strerror', None) or 'lien en boucle'}")
    if not _inside(real, root.resolve()):
        outside = "lien symbolique vers" if is_link or real != path.absolute() else "fichier"
        return Problem(where, None, "", f"{outside} {real}, en dehors du dossier de connaissances : refusé")
    try:
        st = os.stat(real)
    except OSError as exc:
        return Problem(where, None, "", f"illisible : {exc.strerror}")
    kind = _kind_problem(st.st_mode, st.st_size, max_bytes)
    return Problem(where, None, "", kind) if kind else None


def read_bytes(path: Path, root: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a knowledge file, checked by `file_problem` first and again on the open
    descriptor (the file may change in between); raises KnowledgeError."""
    problem = file_problem(path, root, max_bytes)
    if problem is not None:
        raise KnowledgeError([problem])
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path.resolve(), flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise KnowledgeError([Problem(str(path), None, "", f"illisible : {exc.strerror}")]) from None
    try:
        st = os.fstat(fd)
        message = _kind_problem(st.st_mode, st.st_size, max_bytes)
        chunks: list[bytes] = []
        total = 0
        while message is None:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                message = _kind_problem(st.st_mode, total, max_bytes)
    finally:
        os.close(fd)
    if message is not None:
        raise KnowledgeError([Problem(str(path), None, "", message)])
    return b"".join(chunks)


def tree_problems(root: Path) -> list[Problem]:
    """Everything in the knowledge directory that no reader may open: FIFOs, devices,
    sockets, broken symlinks and symlinks leaving the directory (hidden folders skipped)."""
    problems: list[Problem] = []
    real_root = root.resolve()
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in [*dirs, *sorted(files)]:
            path = Path(top) / name
            try:
                st = path.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode) or not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
                problem = file_problem(path, real_root, None)
                if problem is not None and not problem.message.startswith("est un dossier"):
                    problems.append(problem)
    return problems
