"""The store's files: never a foreign file, private (0600), and the salt of the user keys.

The salt is generated once into `<db>.salt` (mode 0600) unless settings give one; a file that
holds no usable salt stops the bot rather than making keys guessable or orphaning every row.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import sqlite3
import stat
from pathlib import Path

__all__ = ["SaltError", "load_or_create_salt", "private_file", "refuse_non_database"]

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"


def refuse_non_database(path: Path) -> None:
    """Raises before anything touches `path` (its permissions included) when it exists and is
    not an SQLite database: a store path set to the wrong file (`AIGUILLEUR_DB=/etc/passwd`)
    must leave that file as it was. An empty file is a new database, as for SQLite."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(st.st_mode):  # a FIFO would block whoever opens it
        raise sqlite3.DatabaseError("file is not a database (not a regular file)")
    if not st.st_size:
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        header = os.read(fd, len(SQLITE_HEADER))
    finally:
        os.close(fd)
    if header != SQLITE_HEADER:
        raise sqlite3.DatabaseError("file is not a database")


def private_file(path: Path) -> None:
    """Creates `path` with mode 0600, or restricts an existing one (and its -wal / -shm) to 0600."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            log.warning("%s had permissions %o; restricting them to 0600.", file.name, mode)
            file.chmod(0o600)


MIN_SALT_FILE_CHARS = 32


class SaltError(ValueError):
    """The salt file next to the base cannot be used (empty, too short, not text): the user keys
    would be guessable, or would change and orphan every row."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: salt file is empty, too short or not ASCII text")
        self.path = path


def load_or_create_salt(path: Path) -> bytes:
    """The salt stored in `path`, created once (mode 0600, never overwritten) when missing;
    raises SaltError when the file holds no usable salt."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        private_file(path)
        try:
            salt = path.read_text(encoding="ascii").strip()
        except UnicodeDecodeError:
            raise SaltError(path) from None
        if len(salt) < MIN_SALT_FILE_CHARS:
            raise SaltError(path) from None
        return salt.encode()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        value = secrets.token_hex(32)
        handle.write(value + "\n")
    return value.encode()
