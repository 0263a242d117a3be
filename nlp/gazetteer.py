"""The place gazetteer: GeoNames extract + curated overlay + countries, and disambiguation.

Loading is memoised per data directory (``load_gazetteer``); the object is
read-only afterwards, so one instance serves every pipeline of a process.
Names are looked up by ``textnorm.name_key`` (accent-, case- and
hyphen-insensitive); ``Gazetteer.choose`` picks one candidate using the
document's focus countries, feature class, population and co-mentioned places.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nlp.countries import load_countries
from nlp.result import GazetteerSource, PlacePrecision
from nlp.textnorm import compact_key, name_key

DATA_DIR = Path(__file__).resolve().parent / "data"

# How much a feature code says "this is the place a reporter means" when
# several share a name: seats of government beat hamlets.
_FEATURE_WEIGHT = {
    "P.PPLC": 3.0,
    "P.PPLA": 2.5,
    "P.PPLA2": 2.0,
    "P.PPLA3": 1.2,
    "P.PPLA4": 1.0,
    "P.PPL": 0.5,
    "A.ADM1": 1.0,
    "A.ADM2": 0.8,
    "A.ADM3": 0.3,
    "A.PCLI": 3.0,
    "overlay": 2.0,
    "region": 4.5,
}


@dataclass(frozen=True)
class Entry:
    """One gazetteer feature (a GeoNames row, an overlay row or a country)."""

    name: str
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    feature: str
    population: int
    source: GazetteerSource

    @property
    def precision(self) -> PlacePrecision:
        """How precisely this entry locates an event."""
        if self.feature == "region":
            return "region"
        if self.feature == "A.PCLI":
            return "country"
        if self.feature == "A.ADM1":
            return "admin1"
        if self.feature in ("A.ADM2", "A.ADM3"):
            return "admin2"
        # A settlement is a point even when the overlay does not know where
        # exactly it lies (lat/lon then stay null).
        if self.lat is not None or self.feature == "overlay" or self.feature.startswith("P."):
            return "point"
        if self.admin2:
            return "admin2"
        if self.admin1:
            return "admin1"
        return "country" if self.country else "region"


@dataclass(frozen=True)
class Anchors:
    """Admin areas of places resolved without ambiguity in one document."""

    admin1: frozenset[tuple[str | None, str | None]]
    admin2: frozenset[tuple[str | None, str | None]]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Anchors:
        """The anchor sets of ``entries``."""
        items = list(entries)
        return cls(
            frozenset((e.country, e.admin1) for e in items if e.admin1),
            frozenset((e.country, e.admin2) for e in items if e.admin2),
        )


@dataclass
class Gazetteer:
    """Read-only name index. Build with :func:`load_gazetteer`."""

    by_key: dict[str, list[Entry]] = field(default_factory=dict)
    by_compact: dict[str, list[Entry]] = field(default_factory=dict)
    admin1_by_key: dict[str, list[Entry]] = field(default_factory=dict)
    admin2_by_key: dict[str, list[Entry]] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)  # name key -> ISO2
    country_entries: dict[str, Entry] = field(default_factory=dict)  # ISO2 -> entry
    nationalities: dict[str, str] = field(default_factory=dict)  # key -> ISO2
    prefixes: set[str] = field(default_factory=set)  # every word-prefix of every key
    # Curated names written in lower case ("tri-border area"): matched uncapitalised.
    lowercase_keys: set[str] = field(default_factory=set)
    lowercase_firsts: set[str] = field(default_factory=set)
    stop_keys: frozenset[str] = frozenset()
    needs_context: frozenset[str] = frozenset()
    first_names: frozenset[str] = frozenset()
    cues: dict[str, object] = field(default_factory=dict)
    admin1_affixes: tuple[str, ...] = ()  # "region de ", " region": place_cues.json
    admin2_affixes: tuple[str, ...] = ()  # "cercle de ", " department": place_cues.json
    region_hints: dict[tuple[str, str], str] = field(default_factory=dict)

    # -- lookup -------------------------------------------------------------

    def lookup(self, key: str) -> list[Entry]:
        """Entries whose name or alternate name has this ``name_key``."""
        found = self.by_key.get(key)
        if found:
            return found
        return self.by_compact.get(key.replace(" ", ""), [])

    def with_regions(self, key: str, candidates: list[Entry]) -> list[Entry]:
        """Add the multi-country region an admin name may also mean ("Sahel Region")."""
        if not any(e.feature == "A.ADM1" for e in candidates):
            return candidates
        core = _strip_affixes(key, self.admin1_affixes)
        regions = [e for e in self.by_key.get(core, []) if e.feature == "region"]
        return [*candidates, *regions] if regions else candidates

    def country_entry(self, iso2: str, written: str) -> Entry:
        """The country as an entry (with its GeoNames row when the extract has one)."""
        known = self.country_entries.get(iso2)
        if known is not None:
            return known
        return Entry(written, iso2, None, None, None, None, None, "A.PCLI", 0, "country")

    def admin_lookup(self, key: str, level: int) -> list[Entry]:
        """ADM1 (level 1) or ADM2 (level 2) entries by their core name ("mopti", "seno")."""
        index = self.admin1_by_key if level == 1 else self.admin2_by_key
        return index.get(key, []) or index.get(key.replace(" ", ""), [])

    # -- disambiguation -----------------------------------------------------

    def choose(
        self,
        candidates: Sequence[Entry],
        key: str,
        focus: Iterable[str],
        context_countries: Mapping[str, float] | None = None,
        anchors: Anchors | Sequence[Entry] = (),
    ) -> Entry:
        """Pick the most plausible entry for a mention.

        Focus countries and countries named in the document weigh most, then
        the feature (capital > admin seat > village), population, a shared
        admin1/admin2 with places resolved unambiguously in the same document,
        and whether the written form is the entry's main name.
        """
        if len(candidates) == 1:
            return candidates[0]
        focus_set = set(focus)
        ctx = context_countries or {}
        top = max(ctx.values(), default=0.0) or 1.0
        if not isinstance(anchors, Anchors):
            anchors = Anchors.of(anchors)
        anchor_admin1 = anchors.admin1
        anchor_admin2 = anchors.admin2

        def score(e: Entry) -> float:
            s = _FEATURE_WEIGHT.get(e.feature, 0.5)
            if e.source == "overlay" and e.feature != "region":
                s += 1.0
            if e.country in focus_set:
                s += 3.0
            if e.country:
                # In proportion to how much the document is about that country.
                s += 2.0 * ctx.get(e.country, 0.0) / top
            if not e.feature.startswith("A.") and e.population > 0:
                s += math.log10(e.population + 1) / 3
            if (e.country, e.admin2) in anchor_admin2:
                s += 2.0
            elif (e.country, e.admin1) in anchor_admin1:
                s += 1.5
            if name_key(e.name) == key:
                s += 0.5
            return s

        return max(candidates, key=score)


def _read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [
            line.rstrip("\n") for line in fh if line.strip() and not line.lstrip().startswith("#")
        ]


def _strip_affixes(key: str, affixes: Sequence[str]) -> str:
    for affix in affixes:
        if affix.endswith(" ") and key.startswith(affix):
            return key[len(affix) :].strip()
        if affix.startswith(" ") and key.endswith(affix):
            return key[: -len(affix)].strip()
    return key


def _optional_float(text: str) -> float | None:
    return float(text) if text else None


def _add(index: dict[str, list[Entry]], key: str, entry: Entry) -> None:
    bucket = index.setdefault(key, [])
    if entry not in bucket:
        bucket.append(entry)


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: str = "") -> Gazetteer:
    """Load (once per process and directory) the gazetteer from ``data_dir``.

    ``data_dir`` defaults to ``nlp/data`` beside this module. The extract
    is ``gazetteer.tsv.gz`` (see ``nlp/tools/build_gazetteer.py``).
    """
    root = Path(data_dir) if data_dir else DATA_DIR
    gaz = Gazetteer()

    stop: set[str] = set()
    for word in _read_lines(root / "place_stoplist.txt"):
        stop.add(name_key(word))
    try:
        from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
        from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP
    except ImportError:  # pragma: no cover - spaCy is a hard dependency
        EN_STOP, FR_STOP = set(), set()
    stop.update(name_key(w) for w in EN_STOP | FR_STOP)
    first_names = {name_key(w) for w in _read_lines(root / "first_names.txt")}
    ambiguous = {name_key(w) for w in _read_lines(root / "place_ambiguous.txt")}
    gaz.stop_keys = frozenset(stop)
    gaz.first_names = frozenset(first_names)
    gaz.needs_context = frozenset(first_names | ambiguous)
    cues = json.loads((root / "place_cues.json").read_text(encoding="utf-8"))
    gaz.cues = cues
    gaz.admin1_affixes = tuple(cues["admin1_affixes"])
    gaz.admin2_affixes = tuple(cues["admin2_affixes"])
    for line in _read_lines(root / "region_hints.tsv"):
        cc, direction, admin1 = line.split("\t")
        gaz.region_hints[(cc, direction)] = admin1

    def index_names(entry: Entry, names: Iterable[str]) -> None:
        for written in names:
            key = name_key(written)
            if len(key) < 3 or key in gaz.stop_keys or key.isdigit():
                continue
            _add(gaz.by_key, key, entry)
            if " " in key:
                _add(gaz.by_compact, key.replace(" ", ""), entry)
        if entry.feature == "A.ADM1":
            for written in names:
                core = _strip_affixes(name_key(written), gaz.admin1_affixes)
                _add(gaz.admin1_by_key, core, entry)
        elif entry.feature in ("A.ADM2", "A.ADM3"):
            for written in names:
                core = _strip_affixes(name_key(written), gaz.admin2_affixes)
                _add(gaz.admin2_by_key, core, entry)

    pcli: dict[str, Entry] = {}
    with gzip.open(root / "gazetteer.tsv.gz", "rt", encoding="utf-8") as fh:
        rows = (line for line in fh if not line.startswith("#"))
        reader = csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)  # header
        for gid, name, cc, a1, a2, lat, lon, feature, pop, alts in reader:
            entry = Entry(
                name, cc or None, a1 or None, a2 or None, float(lat), float(lon),
                int(gid), feature, int(pop or 0), "geonames",
            )  # fmt: skip
            if feature == "A.PCLI":
                pcli[cc] = entry
                continue  # countries are matched through countries.tsv
            index_names(entry, [name, *alts.split("|")] if alts else [name])

    for line in _read_lines(root / "sahel_overlay.tsv"):
        f = line.split("\t")
        name, alts, cc, a1, a2, lat, lon, feature, pop, gid = f[:10]
        entry = Entry(
            name, cc or None, a1 or None, a2 or None, _optional_float(lat),
            _optional_float(lon), int(gid) if gid else None,
            "region" if feature == "region" else "overlay", int(pop or 0), "overlay",
        )  # fmt: skip
        names = [name, *alts.split("|")] if alts else [name]
        # The overlay is curated: its names are indexed even when short or common.
        for written in names:
            key = name_key(written)
            if written[:1].islower():
                gaz.lowercase_keys.add(key)
                gaz.lowercase_firsts.add(key.split(" ", 1)[0])
            _add(gaz.by_key, key, entry)
            if " " in key:
                _add(gaz.by_compact, key.replace(" ", ""), entry)

    for country in load_countries(root / "countries.tsv"):
        iso2 = country.iso2
        for written in country.names:
            gaz.countries[name_key(written)] = iso2
        for written in country.nationality_words:
            gaz.nationalities[name_key(written)] = iso2
        row = pcli.get(iso2)
        if row is not None:
            gaz.country_entries[iso2] = Entry(
                country.names[0], iso2, None, None, row.lat, row.lon, row.geonames_id,
                "A.PCLI", row.population, "country",
            )  # fmt: skip

    for key in (*gaz.by_key, *gaz.by_compact, *gaz.countries, *gaz.nationalities):
        words = key.split(" ")
        for i in range(1, len(words) + 1):
            gaz.prefixes.add(" ".join(words[:i]))
    return gaz


__all__ = ["Anchors", "Entry", "Gazetteer", "compact_key", "load_gazetteer"]
