"""Reading the territory tables safely: a missing, corrupt or hostile table is refused.

Why a module of its own: the tables are files an admin can replace (or break); before this,
a truncated communes file loaded silently and "Guingamp" no longer resolved. Every problem
raises `KnowledgeError` with the file and line, so `validate` and `/reload` refuse the
directory and keep serving the last good knowledge. Checks stay cheap (one regular
expression per table) so that loading remains fast.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Collection
from pathlib import Path

from ..loader import KnowledgeError, Problem

MAX_BYTES = 32 * 1024 * 1024  # a table, once decompressed; the real ones are under 4 MB

# One group, the département: findall() then yields every line's département in one pass.
COMMUNE_LINE = re.compile(
    r"^[0-9][0-9AB][0-9]{3},[^,\n]+,([0-9]{2,3}|2A|2B),[0-9]*,[0-9]*,[a-z0-9][a-z0-9 ]*,[^\n]*$",
    re.M,
)
POSTAL_LINE = re.compile(r"^([0-9]{5}),[0-9][0-9AB][0-9]{3}(?: [0-9][0-9AB][0-9]{3})*$", re.M)
_INDEX_LINE = re.compile(r"^[a-z0-9][a-z0-9 ]*\t[0-9][0-9AB][0-9]{3}(?: [0-9][0-9AB][0-9]{3})*$", re.M)


class TableReader:
    """Reads the files of one `territoires/` directory, raising `KnowledgeError` on any defect."""

    def __init__(self, base: Path, *, checked: bool = False) -> None:
        """`checked`: these exact files passed every check with this code (the content hash
        stamp of `matching.compiled`), so the one-pass line patterns need not run again; the
        checks that keep a reader safe (regular file, inside the folder, size, UTF-8) always do."""
        self.base = base
        self.checked = checked

    def path(self, name: str) -> Path:
        return self.base / name

    def exists(self, name: str) -> bool:
        path = self.path(name)
        return path.exists() or path.is_symlink()

    def fail(self, name: str, message: str, line: int | None = None) -> KnowledgeError:
        return KnowledgeError([Problem(str(self.path(name)), line, "", message)])

    def text(self, name: str) -> str:
        """The decoded content of a regular file inside the directory."""
        path = self.path(name)
        if not self.exists(name):
            raise self.fail(
                name, "table des territoires absente (reconstruire avec scripts/build_territories.py)"
            )
        try:
            inside = path.resolve().is_relative_to(self.base.resolve())
        except OSError as exc:
            raise self.fail(name, f"fichier illisible ({exc.strerror})") from exc
        if not inside:
            raise self.fail(
                name, "lien symbolique vers un fichier hors du dossier des connaissances : refusé"
            )
        if not path.is_file():
            raise self.fail(name, "ce n'est pas un fichier ordinaire : refusé")
        if path.stat().st_size > MAX_BYTES:
            raise self.fail(name, "fichier trop volumineux pour une table des territoires")
        data = path.read_bytes()
        if name.endswith(".gz"):
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                    data = handle.read(MAX_BYTES + 1)
            except (OSError, EOFError, zlib.error) as exc:
                raise self.fail(name, f"fichier compressé illisible ou tronqué ({exc})") from exc
            if len(data) > MAX_BYTES:
                raise self.fail(name, "table trop volumineuse une fois décompressée")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise self.fail(name, "caractère non UTF-8", line) from exc

    def _lines(self, name: str) -> list[str]:
        lines = self.text(name).split("\n")
        if lines and not lines[-1]:
            lines.pop()
        return lines

    def _header(self, name: str, first: str, header: tuple[str, ...]) -> None:
        found = tuple(first.lstrip("\ufeff").split(","))
        if found[: len(header)] != header:
            raise self.fail(name, f"en-tête attendu « {','.join(header)} », trouvé « {first[:80]} »", 1)

    def rows(self, name: str, header: tuple[str, ...], line: re.Pattern[str]) -> tuple[list[str], list[str]]:
        """Data lines of a table written without quoting (the build script guarantees it), each
        matching `line`, and the values of that pattern's group (one pass over the table; none
        when the table is `checked`)."""
        lines = self._lines(name)
        if len(lines) < 2:
            raise self.fail(name, "table vide")
        self._header(name, lines[0], header)
        data = lines[1:]
        if self.checked:
            return data, []
        groups: list[str] = line.findall("\n".join(data))
        if len(groups) != len(data):
            for number, text in enumerate(data, start=2):
                if not line.fullmatch(text):
                    raise self.fail(name, f"ligne mal formée : « {text[:80]} »", number)
        return data, groups

    def known(
        self, name: str, data: list[str], values: list[str], allowed: Collection[str], what: str
    ) -> None:
        """Every value (one per line) is among `allowed`, else the first unknown one's line."""
        unknown = set(values).difference(allowed)
        if unknown:
            number = next(i for i, value in enumerate(values, start=2) if value in unknown)
            raise self.fail(name, f"{what} inconnu dans « {data[number - 2][:60]} »", number)

    def index(self, name: str) -> list[str]:
        """Lines of a key<TAB>codes index."""
        lines = self._lines(name)
        if not self.checked and len(_INDEX_LINE.findall("\n".join(lines))) != len(lines):
            for number, line in enumerate(lines, start=1):
                if not _INDEX_LINE.fullmatch(line):
                    raise self.fail(name, f"ligne mal formée : « {line[:80]} »", number)
        return lines

    def csv(
        self,
        name: str,
        header: tuple[str, ...],
        *,
        required: bool = True,
        codes: Collection[str] | None = None,
    ) -> list[list[str]]:
        """Rows of a quoted CSV table (admin-editable ones included); `codes`, when given, are
        the known values of its code column ("commune" or "code")."""
        if not required and not self.exists(name):
            return []
        rows = list(csv.reader(io.StringIO(self.text(name))))
        if not rows:
            raise self.fail(name, "table vide")
        self._header(name, ",".join(rows[0]), header)
        column = header.index("commune") if "commune" in header else header.index("code")
        out: list[list[str]] = []
        for number, row in enumerate(rows[1:], start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < len(header):
                raise self.fail(name, f"ligne incomplète : {len(header)} colonnes attendues", number)
            row = [cell.strip() for cell in row]
            if not row[0] or (codes is not None and row[column] not in codes):
                raise self.fail(name, f"code inconnu : « {row[column]} »", number)
            out.append(row)
        return out
