"""Build the shipped gazetteer extract ``nlp/data/gazetteer.tsv.gz`` from GeoNames dumps.

Usage::

    .venv/bin/python -m nlp.tools.build_gazetteer [/work/shared/fixtures/gazetteer/geonames]

Mali, Burkina Faso and Niger are taken in full (feature classes P and A); the
neighbours (Mauritania, Senegal, Guinea, Côte d'Ivoire) only cheaply: capitals,
admin seats, populated places of 10,000 or more, and admin areas. Admin1 codes
are mapped to the pre-2023 region names of ``nlp/data/admin1_names.tsv``; rows
whose admin1 code is unknown (``00``, GeoNames' 2025 Burkina codes ``x..``) get
the admin1 of their nearest neighbour with a known code, within half a degree.

Place data © GeoNames (https://www.geonames.org), CC BY 4.0.
"""

from __future__ import annotations

import gzip
import math
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_SOURCE = Path("/work/shared/fixtures/gazetteer/geonames")
OUTPUT = DATA_DIR / "gazetteer.tsv.gz"

FULL_COUNTRIES = ("ML", "BF", "NE")
NEIGHBOURS = ("MR", "SN", "GN", "CI")
NEIGHBOUR_MIN_POPULATION = 10_000
NEIGHBOUR_P_CODES = {"PPLC", "PPLA", "PPLA2"}
A_CODES = {"ADM1", "ADM2", "ADM3", "PCLI"}
MAX_ALTERNATES = 20
# Ménaka (ML) was carved from Gao; GeoNames still codes most of its places as
# Gao. East of this longitude (and south of Kidal) a Gao row is in Ménaka.
MENAKA_MIN_LON = 1.8
MENAKA_MAX_LAT = 17.0
NIAMEY = (13.51366, 2.1098)


@dataclass
class Row:
    geonameid: int
    name: str
    country: str
    admin1_code: str
    admin2_code: str
    lat: float
    lon: float
    feature: str
    population: int
    alternates: list[str]
    admin1: str = ""
    admin2: str = ""


def _is_latin(name: str) -> bool:
    # Arabic, Cyrillic, Tifinagh… spellings never occur in our English/French text.
    return all(ord(ch) < 0x250 or ch in "’ʼ‘" for ch in name)


def _keep_alternate(name: str) -> bool:
    if len(name) < 2 or not _is_latin(name):
        return False
    if any(ch.isdigit() for ch in name):
        return False
    # Airport and postal codes ("BKO") would match acronyms in text.
    return not (name.isupper() and len(name) <= 4)


def _open(path: Path) -> Iterator[str]:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            yield from fh
    else:
        with path.open(encoding="utf-8") as fh:
            yield from fh


def _read_dump(path: Path, full: bool) -> Iterator[Row]:
    for line in _open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 15:
            continue
        fclass, fcode = f[6], f[7]
        if fclass == "A":
            if fcode not in A_CODES:
                continue
        elif fclass == "P":
            pop = int(f[14] or 0)
            if not full and fcode not in NEIGHBOUR_P_CODES and pop < NEIGHBOUR_MIN_POPULATION:
                continue
        else:
            continue
        alts = [a for a in f[3].split(",") if a and _keep_alternate(a)]
        seen = {f[1], f[2]}
        uniq = [a for a in alts if not (a in seen or seen.add(a))]  # type: ignore[func-returns-value]
        yield Row(
            geonameid=int(f[0]),
            name=f[1],
            country=f[8],
            admin1_code=f[10],
            admin2_code=f[11],
            lat=float(f[4]),
            lon=float(f[5]),
            feature=f"{fclass}.{fcode}",
            population=int(f[14] or 0),
            alternates=([f[2]] if f[2] != f[1] else []) + uniq[:MAX_ALTERNATES],
        )


def _read_table(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _open(path):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        table[f[0]] = f[1]
    return table


def _grid_key(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat * 4), math.floor(lon * 4))


def _fill_admin1(rows: list[Row]) -> int:
    """Give rows with an unknown admin1 the admin1 of their nearest known neighbour."""
    grid: dict[tuple[str, int, int], list[Row]] = defaultdict(list)
    for r in rows:
        if r.admin1:
            grid[(r.country, *_grid_key(r.lat, r.lon))].append(r)
    filled = 0
    for r in rows:
        if r.admin1 or r.feature in ("A.PCLI", "A.ADM1"):
            continue
        gy, gx = _grid_key(r.lat, r.lon)
        best: tuple[float, Row] | None = None
        for dy in (-2, -1, 0, 1, 2):
            for dx in (-2, -1, 0, 1, 2):
                for other in grid.get((r.country, gy + dy, gx + dx), ()):
                    d = (other.lat - r.lat) ** 2 + (other.lon - r.lon) ** 2
                    if d <= 0.25 and (best is None or d < best[0]):
                        best = (d, other)
        if best is not None:
            r.admin1 = best[1].admin1
            filled += 1
    return filled


def build(source: Path, output: Path = OUTPUT) -> dict[str, int]:
    """Read the dumps in ``source`` and write the extract; return row counts."""
    admin1_names = _read_table(DATA_DIR / "admin1_names.tsv")
    geonames_admin1 = _read_table(source / "admin1CodesASCII.sahel.txt")
    admin2_names = _read_table(source / "admin2Codes.sahel.txt")

    rows: list[Row] = []
    for cc in FULL_COUNTRIES:
        rows.extend(_read_dump(source / f"{cc}.txt", full=True))
    for cc in NEIGHBOURS:
        rows.extend(_read_dump(source / f"{cc}.txt.gz", full=False))

    for r in rows:
        code = f"{r.country}.{r.admin1_code}"
        if r.country in FULL_COUNTRIES:
            r.admin1 = admin1_names.get(code, "")
        else:
            r.admin1 = geonames_admin1.get(code, "")
        r.admin2 = admin2_names.get(f"{code}.{r.admin2_code}", "") if r.admin2_code else ""
        if r.feature == "A.ADM2":
            r.admin2 = r.name
        if (
            r.country == "ML"
            and r.admin1 == "Gao"
            and r.lon >= MENAKA_MIN_LON
            and r.lat <= MENAKA_MAX_LAT
        ):
            r.admin1 = "Ménaka"
        # The 2014 Niger dump codes some Tillabéri rows with Niamey's code.
        far_from_niamey = (r.lat - NIAMEY[0]) ** 2 + (r.lon - NIAMEY[1]) ** 2 > 0.3**2
        if r.country == "NE" and r.admin1 == "Niamey" and far_from_niamey:
            r.admin1 = ""
    filled = _fill_admin1(rows)

    output.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(output, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(
            "# Place data © GeoNames (https://www.geonames.org), CC BY 4.0; "
            "built by nlp/tools/build_gazetteer.py\n"
        )
        out.write(
            "geonameid\tname\tcountry\tadmin1\tadmin2\tlat\tlon\tfeature\tpopulation\talternates\n"
        )
        for r in sorted(rows, key=lambda x: x.geonameid):
            out.write(
                f"{r.geonameid}\t{r.name}\t{r.country}\t{r.admin1}\t{r.admin2}\t"
                f"{r.lat:.5f}\t{r.lon:.5f}\t{r.feature}\t{r.population}\t"
                f"{'|'.join(r.alternates)}\n"
            )
    return {
        "rows": len(rows),
        "admin1_filled_by_neighbour": filled,
        "admin1_unknown": sum(1 for r in rows if not r.admin1 and r.feature != "A.PCLI"),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_SOURCE
    counts = build(source)
    size = OUTPUT.stat().st_size
    print(f"wrote {OUTPUT} ({size / 1e6:.2f} MB): {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
