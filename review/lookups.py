"""Reference data for editing: gazetteer place search, the actor lexicon, the offline map.

The gazetteer is NLP's (``nlp.gazetteer``), loaded on first use; the actor
lexicon is read straight from ``nlp/data/actors.jsonl``. Both are optional at
run time: when missing, the reviewer types the values and the page says so.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Incident

log = logging.getLogger(__name__)

NLP_DATA = Path(__file__).resolve().parents[1] / "nlp" / "data"
ACTOR_LEXICON = NLP_DATA / "actors.jsonl"


@dataclass(frozen=True)
class PlaceChoice:
    """A gazetteer entry offered to the reviewer."""

    name: str
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    precision: str
    population: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "lat": self.lat,
            "lon": self.lon,
            "geonames_id": self.geonames_id,
            "precision": self.precision,
        }


@dataclass
class Lookups:
    """Lazily loaded reference data, one instance per app."""

    actor_lexicon_path: Path = ACTOR_LEXICON
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _gazetteer: Any = None
    _gazetteer_error: str | None = None
    _bboxes: dict[str, tuple[float, float, float, float]] | None = None
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

    def search_places(
        self, query: str, country: str | None = None, limit: int = 15
    ) -> list[PlaceChoice]:
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
        return [
            PlaceChoice(
                e.name,
                e.country,
                e.admin1,
                e.admin2,
                e.lat,
                e.lon,
                e.geonames_id,
                e.precision,
                e.population,
            )
            for e in entries[:limit]
        ]

    def country_bbox(self, country: str) -> tuple[float, float, float, float] | None:
        """(min_lon, min_lat, max_lon, max_lat) of the gazetteer's places in ``country``."""
        gaz = self.gazetteer()
        if gaz is None:
            return None
        with self._lock:
            if self._bboxes is None:
                boxes: dict[str, list[float]] = {}
                for entries in gaz.by_key.values():
                    for e in entries:
                        if e.country is None or e.lat is None or e.lon is None:
                            continue
                        box = boxes.setdefault(e.country, [e.lon, e.lat, e.lon, e.lat])
                        box[0] = min(box[0], e.lon)
                        box[1] = min(box[1], e.lat)
                        box[2] = max(box[2], e.lon)
                        box[3] = max(box[3], e.lat)
                self._bboxes = {k: (v[0], v[1], v[2], v[3]) for k, v in boxes.items()}
            return self._bboxes.get(country)

    # -- actors ---------------------------------------------------------------

    def actors(self) -> dict[str, str]:
        """Canonical actor name → actor type, from the lexicon (empty if it is missing)."""
        with self._lock:
            if self._actors is None:
                self._actors = _read_actor_lexicon(self.actor_lexicon_path)
            return self._actors


def _read_actor_lexicon(path: Path) -> dict[str, str]:
    actors: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return actors
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("//"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s:%d: not JSON, skipped", path, number)
            continue
        if not isinstance(row, dict):
            continue
        name = row.get("canonical") or row.get("name") or row.get("id")
        if isinstance(name, str) and name:
            kind = row.get("type") or row.get("actor_type") or ""
            actors[name] = str(kind)
    return actors


# --- the offline map --------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    incident_id: int
    label: str


@dataclass(frozen=True)
class MapView:
    """An SVG-ready map: the incident and nearby resolved incidents in a bounding box."""

    width: int
    height: int
    point: MapPoint
    others: list[MapPoint]
    caption: str


MAP_WIDTH = 320


def build_map(
    session: Session, incident: Incident, lookups: Lookups, max_others: int = 150
) -> MapView | None:
    """A map of ``incident`` within its country (or a box around it); None if unplaced."""
    if incident.lat is None or incident.lon is None:
        return None
    bbox = lookups.country_bbox(incident.country) if incident.country else None
    if bbox is None:
        bbox = (incident.lon - 2, incident.lat - 2, incident.lon + 2, incident.lat + 2)
        caption = "±2° around the place"
    else:
        caption = f"{incident.country}: extent of its gazetteer places"
    min_lon, min_lat, max_lon, max_lat = bbox
    pad_lon = max((max_lon - min_lon) * 0.05, 0.2)
    pad_lat = max((max_lat - min_lat) * 0.05, 0.2)
    min_lon, max_lon = min(min_lon, incident.lon) - pad_lon, max(max_lon, incident.lon) + pad_lon
    min_lat, max_lat = min(min_lat, incident.lat) - pad_lat, max(max_lat, incident.lat) + pad_lat
    span_lon, span_lat = max_lon - min_lon, max_lat - min_lat
    height = max(120, min(400, int(MAP_WIDTH * span_lat / span_lon)))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (
            round((lon - min_lon) / span_lon * MAP_WIDTH, 1),
            round((max_lat - lat) / span_lat * height, 1),
        )

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
    if incident.country:
        stmt = stmt.where(Incident.country == incident.country)
    others = []
    for oid, lat, lon, name in session.execute(stmt):
        if lat is None or lon is None:
            continue
        ox, oy = xy(lon, lat)
        others.append(MapPoint(ox, oy, int(oid), name or ""))
    return MapView(MAP_WIDTH, height, point, others, caption)
