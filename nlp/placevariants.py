"""One village, many spellings: folding Sahel place names to a variant key.

Outlets transliterate the same Fulfulde, Songhai, Tamasheq or Mooré name in
their own way: "Bounty" / "Bounti", "Diallassagou" / "Dialassagou",
"Ouagadougou" / "Wagadugu", "Kani-Bonzon" / "Kanibonzon". :func:`variant_key`
maps the usual differences to one form:

* accents and case (é / e), hyphens, apostrophes and spaces dropped;
* "ou" → "u" (French spelling of /u/; covers the "-ou" / "-u" endings), "w" → "u"
  before a vowel only at the start ("Wagadugu");
* "y" → "i";
* doubled letters → one ("ss", "ll", "nn").

:func:`close_variants` adds a fuzzy comparison of the keys (one letter off in a
long name: "Fambita" / "Fombita"). It is meant for names already known to be
near each other (merging compares places within the merge distance), never
for resolving a name against a whole country.

:class:`PlaceNames` indexes the gazetteer's names and alternate names by
GeoNames id and by grid cell, so a name can be checked against the names of
one entry ("Fambeta" is an alternate of Fambita) or against the places within
a distance of a point. It reads the same data files as ``nlp.gazetteer``.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from nlp.textnorm import fold_casefold

DATA_DIR = Path(__file__).resolve().parent / "data"
CELL_DEG = 0.25  # grid of about 28 km
# Keys shorter than this are compared exactly only: "Gao" and "Kao" are not one place.
FUZZY_MIN_LEN = 5
FUZZY_RATIO = 85

_NOT_LETTER = re.compile(r"[^a-z]+")
_DOUBLE = re.compile(r"([a-z])\1+")


def variant_key(name: str | None) -> str:
    """The spelling-insensitive key of a place name ("" for none)."""
    if not name:
        return ""
    s = _NOT_LETTER.sub("", fold_casefold(name))
    if s.startswith("w") and len(s) > 1 and s[1] in "aeiou":
        s = "u" + s[1:]
    s = s.replace("ou", "u").replace("y", "i")
    return _DOUBLE.sub(r"\1", s)


def close_variants(a: str | None, b: str | None) -> bool:
    """Whether two written names may be one place's spellings."""
    ka, kb = variant_key(a), variant_key(b)
    if not ka or not kb:
        return False
    return ka == kb or _fuzzy_key(ka, kb)


@dataclass(frozen=True)
class NamedPlace:
    """A gazetteer place with the variant keys of all its names."""

    geonames_id: int | None
    name: str
    country: str | None
    lat: float
    lon: float
    keys: frozenset[str]


@dataclass
class PlaceNames:
    """Variant keys of the gazetteer's places, by GeoNames id and by grid cell."""

    by_id: dict[int, NamedPlace] = field(default_factory=dict)
    by_cell: dict[tuple[int, int], list[NamedPlace]] = field(default_factory=dict)

    def add(self, place: NamedPlace) -> None:
        if place.geonames_id is not None:
            self.by_id[place.geonames_id] = place
        cell = (math.floor(place.lat / CELL_DEG), math.floor(place.lon / CELL_DEG))
        self.by_cell.setdefault(cell, []).append(place)

    def keys_of(self, geonames_id: int | None) -> frozenset[str]:
        """The variant keys of one entry's names (empty when unknown)."""
        place = self.by_id.get(geonames_id) if geonames_id is not None else None
        return place.keys if place is not None else frozenset()

    def near(self, lat: float, lon: float, km: float) -> Iterator[tuple[NamedPlace, float]]:
        """Places within ``km`` of a point, with their distance."""
        dlat = km / 111.0
        dlon = dlat / max(0.05, math.cos(math.radians(lat)))
        for r in range(
            math.floor((lat - dlat) / CELL_DEG), math.floor((lat + dlat) / CELL_DEG) + 1
        ):
            for c in range(
                math.floor((lon - dlon) / CELL_DEG), math.floor((lon + dlon) / CELL_DEG) + 1
            ):
                for place in self.by_cell.get((r, c), ()):
                    d = haversine_km(lat, lon, place.lat, place.lon)
                    if d <= km:
                        yield place, d

    def resolve_near(
        self, written: str, lat: float, lon: float, km: float
    ) -> tuple[NamedPlace, float] | None:
        """The nearest place within ``km`` of a point that ``written`` may be a
        spelling of (exact variant keys first, then fuzzy ones)."""
        key = variant_key(written)
        if not key:
            return None
        exact: list[tuple[float, NamedPlace]] = []
        fuzzy: list[tuple[float, NamedPlace]] = []
        for place, d in self.near(lat, lon, km):
            if key in place.keys:
                exact.append((d, place))
            elif any(_fuzzy_key(key, k) for k in place.keys):
                fuzzy.append((d, place))
        best = min(exact or fuzzy, default=None, key=lambda t: t[0])
        return (best[1], best[0]) if best is not None else None


def _fuzzy_key(ka: str, kb: str) -> bool:
    if min(len(ka), len(kb)) < FUZZY_MIN_LEN or ka[0] != kb[0]:
        return False
    return fuzz.ratio(ka, kb) >= FUZZY_RATIO


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _keys(names: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (variant_key(n) for n in names) if len(k) >= 3)


@lru_cache(maxsize=2)
def load_place_names(data_dir: str = "") -> PlaceNames:
    """Settlements and admin areas of the gazetteer extract and the Sahel overlay
    (loaded once per process)."""
    root = Path(data_dir) if data_dir else DATA_DIR
    index = PlaceNames()
    with gzip.open(root / "gazetteer.tsv.gz", "rt", encoding="utf-8") as fh:
        rows = (line for line in fh if not line.startswith("#"))
        reader = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)  # header
        for gid, name, cc, _a1, _a2, lat, lon, feature, _pop, alts in reader:
            if feature == "A.PCLI":
                continue
            names = [name, *alts.split("|")] if alts else [name]
            index.add(NamedPlace(int(gid), name, cc or None, float(lat), float(lon), _keys(names)))
    overlay = root / "sahel_overlay.tsv"
    if overlay.exists():
        for line in overlay.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            f = line.split("\t")
            if len(f) < 10 or f[0] == "name" or not f[5] or not f[6]:
                continue
            name, alts, cc, lat, lon, gid = f[0], f[1], f[2], f[5], f[6], f[9]
            names = [name, *alts.split("|")] if alts else [name]
            try:
                point = (float(lat), float(lon))
            except ValueError:
                continue
            gid_int = int(gid) if gid.strip().isdigit() else None
            known = index.by_id.get(gid_int) if gid_int is not None else None
            keys = _keys(names) | (known.keys if known is not None else frozenset())
            index.add(NamedPlace(gid_int, name, cc or None, point[0], point[1], keys))
    return index


__all__ = [
    "NamedPlace",
    "PlaceNames",
    "close_variants",
    "haversine_km",
    "load_place_names",
    "variant_key",
]
