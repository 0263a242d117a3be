"""Reference data for editing: gazetteer place search, the actor lexicon, the offline map.

Each data file is read through its owner's loader, on first use: the gazetteer
and the actor lexicon are NLP's (``nlp.gazetteer``, ``nlp.actors``), the map
outlines the digest's (``digest.outlines``). All are optional at run time: when
one is missing, the reviewer types the values and the page says so.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from digest.outlines import Outlines
from review import forms
from storage.models import Incident

if TYPE_CHECKING:
    from nlp.gazetteer import Entry

log = logging.getLogger(__name__)


def place_choice(entry: Entry) -> dict[str, Any]:
    """A gazetteer entry offered to the reviewer, as the place editor's JSON gives it."""
    return {
        "name": entry.name,
        "country": entry.country,
        "admin1": entry.admin1,
        "admin2": entry.admin2,
        "lat": entry.lat,
        "lon": entry.lon,
        "geonames_id": entry.geonames_id,
        "precision": entry.precision,
    }


@dataclass(frozen=True)
class OutlineLine:
    """One boundary polyline with its bounding box (to skip it cheaply)."""

    points: tuple[tuple[float, float], ...]
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def of(cls, line: list[list[float]]) -> OutlineLine:
        points = tuple((float(p[0]), float(p[1])) for p in line)
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        return cls(points, min(lons), min(lats), max(lons), max(lats))


@dataclass
class Lookups:
    """Lazily loaded reference data, one instance per app."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _gazetteer: Any = None
    _gazetteer_error: str | None = None
    _outlines: Outlines | None = None
    _outlines_error: str | None = None
    _lines: dict[str, list[tuple[str, OutlineLine]]] | None = None
    _windows: dict[tuple[float, float], list[tuple[str, str]]] = field(default_factory=dict)
    _actors: dict[str, str] | None = None

    # -- places ---------------------------------------------------------------

    def gazetteer(self) -> Any:
        """NLP's gazetteer, or None (with ``gazetteer_error`` set) if it cannot load."""
        with self._lock:
            if self._gazetteer is None and self._gazetteer_error is None:
                try:
                    from nlp.gazetteer import load_gazetteer

                    self._gazetteer = load_gazetteer()
                except (ImportError, OSError, ValueError) as exc:
                    self._gazetteer_error = f"gazetteer unavailable: {exc}"
                    log.warning("%s", self._gazetteer_error)
            return self._gazetteer

    @property
    def gazetteer_error(self) -> str | None:
        return self._gazetteer_error

    def search_places(self, query: str, country: str | None = None, limit: int = 15) -> list[Entry]:
        """Gazetteer entries whose name starts with ``query`` (accents and case ignored)."""
        gaz = self.gazetteer()
        if gaz is None:
            return []
        from nlp.textnorm import name_key

        key = name_key(query)
        if len(key) < 2:
            return []
        found: list[Any] = list(gaz.lookup(key))
        if len(found) < limit:
            for k, entries in gaz.by_key.items():
                if k.startswith(key) and k != key:
                    found.extend(entries)
                    if len(found) > limit * 20:
                        break
        unique: dict[tuple[Any, ...], Any] = {}
        for e in found:
            unique.setdefault((e.name, e.country, e.admin1, e.admin2, e.geonames_id), e)
        entries = list(unique.values())
        entries.sort(
            key=lambda e: (
                0 if country and e.country == country else 1,
                0 if name_key(e.name) == key else 1,
                -e.population,
                e.name,
            )
        )
        return entries[:limit]

    def outlines(self) -> Outlines | None:
        """Natural Earth boundary polylines shipped with the digest (None if missing).

        The digest's own data, read without matplotlib so the review UI draws the
        same borders."""
        with self._lock:
            if self._outlines is None and self._outlines_error is None:
                try:
                    self._outlines = Outlines.load()
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    self._outlines_error = f"map outlines unavailable: {exc}"
                    log.warning("%s", self._outlines_error)
            return self._outlines

    def outline_lines(self, lon: float, lat: float) -> list[tuple[str, OutlineLine]]:
        """Boundary lines (admin1, admin0, coast) of the detailed region layer when
        (lon, lat) is inside it, else of the world layer; each with its bounding box."""
        outlines = self.outlines()
        if outlines is None:
            return []
        with self._lock:
            if self._lines is None:
                layers = {"region": outlines.region_layers, "world": outlines.world_layers}
                self._lines = {
                    scope: [
                        (layer, OutlineLine.of(line))
                        for layer in ("admin1", "admin0", "coast")
                        for line in layers[scope].get(layer, [])
                        if len(line) > 1
                    ]
                    for scope in ("region", "world")
                }
            r_min_lon, r_min_lat, r_max_lon, r_max_lat = outlines.region
            inside = r_min_lon <= lon <= r_max_lon and r_min_lat <= lat <= r_max_lat
            return self._lines["region" if inside else "world"]

    def cached_lines(
        self, key: tuple[float, float], build: Callable[[], list[tuple[str, str]]]
    ) -> list[tuple[str, str]]:
        """Border lines of one map window, drawn once per window."""
        with self._lock:
            hit = self._windows.get(key)
        if hit is not None:
            return hit
        lines = build()
        with self._lock:
            if len(self._windows) > 512:
                self._windows.clear()
            self._windows[key] = lines
        return lines

    # -- actors ---------------------------------------------------------------

    def actors(self) -> dict[str, str]:
        """Canonical actor name → actor type, from the lexicon (empty if it is missing)."""
        with self._lock:
            if self._actors is None:
                self._actors = _actor_types()
            return self._actors


def _actor_types() -> dict[str, str]:
    # NLP's own loader, so the review UI reads the lexicon exactly as the pipeline
    # does (nlp.actorlexicon loads no spaCy).
    try:
        from nlp.actorlexicon import load_actor_lexicon

        lexicon = load_actor_lexicon()
    except (ImportError, OSError, ValueError) as exc:
        log.warning("actor lexicon unavailable: %s", exc)
        return {}
    return {name: entry.type for name, entry in lexicon.by_canonical.items()}


# --- the offline map --------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    incident_id: int
    label: str


@dataclass(frozen=True)
class MapView:
    """An SVG-ready map: borders, the incident and nearby resolved incidents."""

    width: int
    height: int
    point: MapPoint
    others: list[MapPoint]
    lines: list[tuple[str, str]]  # (layer, SVG points)
    caption: str


MAP_WIDTH = 360
MAP_SPAN_LON = 8.0  # degrees shown around the incident
MAP_SPAN_LAT = 6.0
MAP_GRID = 0.5  # degrees: window centres snap to this grid
MAP_DAYS = 90  # other incidents shown: within this many days of the incident


def build_map(
    session: Session, incident: Incident, lookups: Lookups, max_others: int = 150
) -> MapView | None:
    """A map window around ``incident`` (None if it has no coordinates)."""
    if incident.lat is None or incident.lon is None:
        return None
    # The window's centre is snapped to a grid so that the drawn borders of one
    # window serve every incident near it (they are cached per window).
    c_lon = round(incident.lon / MAP_GRID) * MAP_GRID
    c_lat = round(incident.lat / MAP_GRID) * MAP_GRID
    min_lon, max_lon = c_lon - MAP_SPAN_LON / 2, c_lon + MAP_SPAN_LON / 2
    min_lat, max_lat = c_lat - MAP_SPAN_LAT / 2, c_lat + MAP_SPAN_LAT / 2
    # Equirectangular, corrected for latitude so shapes are not stretched.
    aspect = math.cos(math.radians(max(-80.0, min(80.0, c_lat))))
    height = int(MAP_WIDTH * MAP_SPAN_LAT / (MAP_SPAN_LON * aspect))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (
            round((lon - min_lon) / MAP_SPAN_LON * MAP_WIDTH, 1),
            round((max_lat - lat) / MAP_SPAN_LAT * height, 1),
        )

    bbox = (min_lon, min_lat, max_lon, max_lat)
    px, py = xy(incident.lon, incident.lat)
    point = MapPoint(px, py, incident.id, incident.place_name or "")
    stmt = (
        select(Incident.id, Incident.lat, Incident.lon, Incident.place_name)
        .where(
            Incident.id != incident.id,
            Incident.lat.between(min_lat, max_lat),
            Incident.lon.between(min_lon, max_lon),
            Incident.status.in_(("candidate", "confirmed")),
        )
        .order_by(Incident.id.desc())
        .limit(max_others)
    )
    if incident.event_date is not None:
        # Nearby in time too: the indexed date range keeps this cheap on big tables.
        # clamped: no stored date can make the window overflow
        stmt = stmt.where(
            Incident.event_date.between(*forms.date_window(incident.event_date, MAP_DAYS))
        )
    others = []
    for oid, lat, lon, name in session.execute(stmt):
        if lat is None or lon is None:
            continue
        ox, oy = xy(lon, lat)
        others.append(MapPoint(ox, oy, int(oid), name or ""))
    lines = lookups.cached_lines(
        (c_lon, c_lat), lambda: _border_lines(lookups, c_lon, c_lat, xy, bbox)
    )
    outlines = lookups.outlines()
    caption = f"{MAP_SPAN_LON:g}°×{MAP_SPAN_LAT:g}° around the place"
    if outlines is not None:
        caption += "; borders: Natural Earth (public domain)"
    return MapView(MAP_WIDTH, height, point, others, lines, caption)


def _border_lines(
    lookups: Lookups,
    lon: float,
    lat: float,
    xy: Callable[[float, float], tuple[float, float]],
    bbox: tuple[float, float, float, float],
) -> list[tuple[str, str]]:
    min_lon, min_lat, max_lon, max_lat = bbox
    lines: list[tuple[str, str]] = []
    for layer, line in lookups.outline_lines(lon, lat):
        if line.max_lon < min_lon or line.min_lon > max_lon:
            continue
        if line.max_lat < min_lat or line.min_lat > max_lat:
            continue
        kept: list[str] = []
        last: tuple[float, float] | None = None
        for p_lon, p_lat in line.points:
            x, y = xy(p_lon, p_lat)
            # Points closer than a pixel to the previous one add bytes, not detail.
            if last is None or abs(x - last[0]) + abs(y - last[1]) >= 1.5:
                kept.append(f"{x},{y}")
                last = (x, y)
        if len(kept) > 1:
            lines.append((layer, " ".join(kept)))
    return lines
