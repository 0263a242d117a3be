"""Rebuild focus_places.tsv from a GeoNames-derived gazetteer (not run at crawl time).

    python pipelines/data/build_focus_places.py GAZETTEER.tsv > pipelines/data/focus_places.tsv

Keeps first-level and second-level divisions and the towns a news report is
likely to name (capitals of divisions, or 15,000+ inhabitants). Place data ©
GeoNames (https://www.geonames.org), CC BY 4.0.
"""

from __future__ import annotations

import csv
import sys

MIN_POPULATION = 15_000
PREFIXES = (
    "Province du ",
    "Province de la ",
    "Province des ",
    "Province de l'",
    "Cercle de ",
    "Cercle d’ ",
    "Cercle d'",
    "Département de ",
    "Département d'",
)
# Names that are ordinary words (or other well-known places) in news text.
AMBIGUOUS = {
    "Centre",
    "Est",
    "Nord",
    "Southwest",
    "Cascades",
    "Say",
    "San",
    "Manga",
    "Mani",
    "Toma",
    "Fara",
    "Bama",
    "Centre-Est",
    "Centre-Nord",
    "Centre-Ouest",
    "Centre-Sud",
    "High-Basins",
    "Léo",
    "Réo",
    "Dano",
    "Kindi",
    "Bla",
    "Koro",
    "Nara",
    "Kita",
    "Tita",
    "Kati",
    "Loga",
    "Mayahi",
    "Tibiri",
}


def main(path: str) -> None:
    seen: set[tuple[str, str]] = set()
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    print("# Focus-country places for the relevance pre-filter.")
    print("# Place data © GeoNames (https://www.geonames.org), CC BY 4.0.")
    print("# Built by build_focus_places.py. country\tkind\tname\tadmin1")
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            code, klass = row["feature_code"], row["feature_class"]
            pop = int(row["population"] or 0)
            if klass == "A" and code in ("ADM1", "ADM2"):
                kind = code.lower()
            elif klass == "P" and (code in ("PPLC", "PPLA", "PPLA2") or pop >= MIN_POPULATION):
                kind = "town"
            else:
                continue
            name = row["name"].strip()
            for prefix in PREFIXES:
                name = name.removeprefix(prefix)
            for suffix in (" Region", " Cercle", " Province", " Département", " Department"):
                name = name.removesuffix(suffix)
            key = (row["country_code"], name)
            if len(name) < 3 or key in seen or name in AMBIGUOUS:
                continue
            seen.add(key)
            out.writerow([row["country_code"], kind, name, row["admin1_name"]])


if __name__ == "__main__":
    main(sys.argv[1])
