"""Deciding whether a newly extracted incident is an event we already have.

Reports of one attack arrive from several outlets, in two languages, over days,
with different spellings and figures. A draft (one incident as the NLP read it
in one article) is compared with stored incidents in a space–time window:

* place — the same gazetteer entry; within ``merge_distance_km`` when both have
  coordinates (coordinates decide: two villages 40 km apart in one district are
  two places); the same admin2, or a fuzzy-equal place name, when they do not;
* date — within ``merge_window_days``, widened by the looser precision of the two
  (a week, a month; an unknown date matches only on a strong place);
* actors — overlap of the canonical perpetrators (a bonus, not a veto: outlets
  disagree on attribution);
* figures — compatible orders of magnitude (a bonus: Moura was 203 / 300 / 500).

Vetoes: an aggregate never merges with a single incident; two different
resolved places never merge; victims on different sides (civilians vs
soldiers — the NLP makes one record per side) never merge; dates outside the
window never merge. The score in [0, 1] is stored with each merge
(``EvidenceMention.similarity``, ``Claim.merge_score``) so a reviewer can judge
and undo it.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz
from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from settings import Settings
from storage.models import Incident, IncidentActor

MERGE_THRESHOLD = 0.6
# Extra days of window for a looser date precision.
PRECISION_SLACK_DAYS = {"day": 0, "week": 7, "month": 31, "year": 366}
# Victim categories grouped into the sides the NLP keeps apart.
SIDES = {
    "civilians": "civilian",
    "women": "civilian",
    "children": "civilian",
    "soldiers": "security",
    "militants": "attacker",
    "peacekeepers": "peacekeeper",
}
WEIGHTS = {"place": 0.45, "date": 0.30, "actors": 0.15, "figures": 0.10}
CANDIDATE_LIMIT = 200


class Dated(Protocol):
    event_date: dt.date | None
    event_date_end: dt.date | None
    date_precision: str


class PlaceLike(Protocol):
    place_name: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    place_precision: str
    event_date: dt.date | None
    event_date_end: dt.date | None
    date_precision: str
    aggregate: bool
    victims: list[str]
    killed_min: int | None
    killed_max: int | None


@dataclass
class Draft:
    """One incident as the NLP read it in one article, before it is stored."""

    event_date: dt.date | None = None
    event_date_end: dt.date | None = None
    date_precision: str = "unknown"
    place_name: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    place_precision: str = "unresolved"
    perpetrators: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    killed_min: int | None = None
    killed_max: int | None = None
    victims: list[str] = field(default_factory=list)
    aggregate: bool = False
    confidence: float = 0.0


@dataclass(frozen=True)
class MergeScore:
    """How alike two incidents are; ``score`` None means a veto (never the same event)."""

    score: float | None
    parts: dict[str, float]
    reason: str = ""


def fold(name: str | None) -> str:
    """Case- and accent-insensitive form of a place name."""
    if not name:
        return ""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("-", " ").split())


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(1.0, a)))


def _has_point(x: PlaceLike) -> bool:
    return x.lat is not None and x.lon is not None and x.place_precision in ("point", "admin2")


def place_score(a: PlaceLike, b: PlaceLike, max_km: float) -> float | None:
    """1 for the same place, lower for near or vague, None for different places."""
    if a.country and b.country and a.country != b.country:
        return None
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return 1.0
    if _has_point(a) and _has_point(b):
        assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
        d = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if d > max_km:
            return None
        return 1.0 - 0.5 * d / max_km
    na, nb = fold(a.place_name), fold(b.place_name)
    if na and nb and fuzz.ratio(na, nb) >= 85:
        return 0.85
    if a.admin2 and b.admin2:
        return 0.7 if fold(a.admin2) == fold(b.admin2) else None
    if a.admin1 and b.admin1 and fold(a.admin1) != fold(b.admin1):
        return None
    # Only one side says where, or only at region level: weak, never enough alone.
    if a.admin1 and b.admin1:
        return 0.4
    return 0.2


def _slack(precision: str) -> int:
    return PRECISION_SLACK_DAYS.get(precision, 0)


def date_score(a: Dated, b: Dated, window_days: int) -> float | None:
    """1 for the same day, falling to ~0 at the window's edge, None beyond it."""
    if a.event_date is None or b.event_date is None:
        return 0.3
    window = window_days + max(_slack(a.date_precision), _slack(b.date_precision))
    a_end = a.event_date_end or a.event_date
    b_end = b.event_date_end or b.event_date
    # distance between the two date ranges (0 when they overlap)
    gap = max(0, (b.event_date - a_end).days, (a.event_date - b_end).days)
    if gap > window:
        return None
    return 1.0 - gap / (window + 1)


def actor_score(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.5
    return len(sa & sb) / len(sa | sb)


def figure_score(a: PlaceLike, b: PlaceLike) -> float:
    pa = a.killed_min if a.killed_min is not None else a.killed_max
    pb = b.killed_min if b.killed_min is not None else b.killed_max
    if pa is None or pb is None:
        return 0.5
    if pa == pb:
        return 1.0
    lo, hi = sorted((pa, pb))
    return (lo + 1) / (hi + 1)


def _sides(victims: Iterable[str]) -> set[str]:
    return {SIDES[v] for v in victims if v in SIDES}


def score(
    draft: PlaceLike,
    draft_actors: Iterable[str],
    incident: PlaceLike,
    incident_actors: Iterable[str],
    settings: Settings,
) -> MergeScore:
    """The similarity of ``draft`` and a stored ``incident`` (None score = veto)."""
    if bool(draft.aggregate) != bool(incident.aggregate):
        return MergeScore(None, {}, "aggregate vs single incident")
    sa, sb = _sides(draft.victims or ()), _sides(incident.victims or ())
    if sa and sb and not (sa & sb):
        return MergeScore(None, {}, "victims on different sides")
    place = place_score(draft, incident, settings.merge_distance_km)
    if place is None:
        return MergeScore(None, {}, "different places")
    date = date_score(draft, incident, settings.merge_window_days)
    if date is None:
        return MergeScore(None, {}, "dates too far apart")
    if draft.aggregate and (place < 0.7 or date < 0.9):
        # Period totals merge only when they are the same report of the same period.
        return MergeScore(None, {}, "different aggregates")
    parts = {
        "place": place,
        "date": date,
        "actors": actor_score(draft_actors, incident_actors),
        "figures": figure_score(draft, incident),
    }
    total = sum(WEIGHTS[k] * v for k, v in parts.items())
    return MergeScore(round(total, 4), parts)


@lru_cache(maxsize=32)
def _candidates_query(aggregate: bool, country: bool, point: str, dated: bool) -> Select[Incident]:
    """The candidates query of one shape, its values bound at execution.

    Built once per shape: constructing the statement cost more than running it.
    ``point`` is "" (no point), "box" or "box+entry" (a gazetteer id too).
    """
    conditions = [Incident.status != "merged", Incident.aggregate.is_(aggregate)]
    if country:
        conditions.append(or_(Incident.country == bindparam("country"), Incident.country.is_(None)))
    if point:
        # A point only merges with the same gazetteer entry, a point within the
        # distance, or a place without a point: a bounding box keeps the far ones
        # out in SQL (indexes and fewer rows loaded).
        in_box = and_(
            Incident.lat.between(bindparam("lat_lo"), bindparam("lat_hi")),
            Incident.lon.between(bindparam("lon_lo"), bindparam("lon_hi")),
        )
        unpointed = or_(
            Incident.lat.is_(None),
            Incident.lon.is_(None),
            Incident.place_precision.not_in(("point", "admin2")),
        )
        if point == "box+entry":
            conditions.append(
                or_(in_box, unpointed, Incident.geonames_id == bindparam("geonames_id"))
            )
        else:
            conditions.append(or_(in_box, unpointed))
    if dated:
        day = Incident.event_date.type
        conditions.append(
            or_(
                Incident.event_date.is_(None),
                and_(
                    Incident.event_date >= bindparam("date_lo", type_=day),
                    Incident.event_date <= bindparam("date_hi", type_=day),
                ),
            )
        )
    return select(Incident).where(*conditions).order_by(Incident.id.desc()).limit(CANDIDATE_LIMIT)


def candidates(session: Session, draft: Draft, settings: Settings) -> list[Incident]:
    """Stored incidents (not merged away) that could be ``draft``'s event."""
    params: dict[str, object] = {}
    if draft.country:
        params["country"] = draft.country
    point = ""
    if draft.lat is not None and draft.lon is not None and _has_point(draft):
        dlat = settings.merge_distance_km / 111.0
        dlon = dlat / max(0.05, math.cos(math.radians(draft.lat)))
        params.update(
            lat_lo=draft.lat - dlat,
            lat_hi=draft.lat + dlat,
            lon_lo=draft.lon - dlon,
            lon_hi=draft.lon + dlon,
        )
        point = "box"
        if draft.geonames_id is not None:
            point = "box+entry"
            params["geonames_id"] = draft.geonames_id
    if draft.event_date is not None:
        reach = dt.timedelta(
            days=settings.merge_window_days
            + _slack(draft.date_precision)
            + PRECISION_SLACK_DAYS["month"]
        )
        params["date_lo"] = draft.event_date - reach
        params["date_hi"] = (draft.event_date_end or draft.event_date) + reach
    stmt = _candidates_query(
        bool(draft.aggregate), bool(draft.country), point, draft.event_date is not None
    )
    return list(session.scalars(stmt, params))


def incident_perpetrators(session: Session, incident_ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {i: set() for i in incident_ids}
    if not incident_ids:
        return out
    rows = session.execute(
        select(IncidentActor.incident_id, IncidentActor.actor).where(
            IncidentActor.incident_id.in_(incident_ids), IncidentActor.role == "perpetrator"
        )
    )
    for incident_id, actor in rows:
        out[incident_id].add(actor)
    return out


def best_match(
    session: Session,
    draft: Draft,
    settings: Settings,
    *,
    exclude: set[int] | None = None,
    prefer: set[int] | None = None,
) -> tuple[Incident, float] | None:
    """The stored incident ``draft`` should merge into, with its score, or None.

    ``exclude``: incidents that must not be chosen (those this article already
    produced: the NLP decided they are distinct). ``prefer``: incidents this
    article was attached to before re-processing; they need a lower score.
    """
    exclude = exclude or set()
    prefer = prefer or set()
    found = [c for c in candidates(session, draft, settings) if c.id not in exclude]
    if not found:
        return None
    actors = incident_perpetrators(session, [c.id for c in found])
    best: tuple[Incident, float] | None = None
    for incident in found:
        result = score(draft, draft.perpetrators, incident, actors[incident.id], settings)
        if result.score is None:
            continue
        threshold = MERGE_THRESHOLD - 0.2 if incident.id in prefer else MERGE_THRESHOLD
        if result.score < threshold:
            continue
        if best is None or result.score > best[1]:
            best = (incident, result.score)
    return best


def lock_keys(drafts: Iterable[Draft], settings: Settings) -> list[tuple[str, bool]]:
    """The advisory locks a transaction takes before merging ``drafts``:
    ``(key, exclusive)`` pairs, coarse keys first.

    Two workers that could create the same event must serialise their
    search-then-create, so that the second finds the first's incident:

    * a draft with a point (which merges only within ``merge_distance_km``, or
      with an incident that has no point) holds its country *shared*, its own
      grid cell (cells of ``merge_distance_km``) *exclusively*, and the other
      cells its distance box touches *shared*. A point within the distance of
      ours lies in one of those cells, and holds its own cell exclusively, so
      the two serialise; reports of distant places run in parallel;
    * a draft without a point (it may merge with anything in its country)
      holds its country *exclusively*, serialising with every draft there. An
      incident without a point is therefore only ever created under the
      country's exclusive lock, which every pointed draft waits for.

    A draft with no country uses "?" as its country: it could in principle race
    with a located draft of the same event, but such a draft merges only on a
    strong name/date/actor match — a reviewer can merge the rare pair by hand.
    """
    keys: dict[str, bool] = {}
    cell_deg = settings.merge_distance_km / 111.0
    for draft in drafts:
        country = f"country:{draft.country or '?'}"
        if draft.lat is None or draft.lon is None or not _has_point(draft):
            keys[country] = True
            continue
        keys.setdefault(country, False)
        own = f"cell:{math.floor(draft.lat / cell_deg)}:{math.floor(draft.lon / cell_deg)}"
        keys[own] = True
        # 10 % margin: the box must contain every point within the distance
        dlat = 1.1 * settings.merge_distance_km / 111.0
        dlon = dlat / max(0.05, math.cos(math.radians(draft.lat)))
        for r in range(
            math.floor((draft.lat - dlat) / cell_deg), math.floor((draft.lat + dlat) / cell_deg) + 1
        ):
            for c in range(
                math.floor((draft.lon - dlon) / cell_deg),
                math.floor((draft.lon + dlon) / cell_deg) + 1,
            ):
                keys.setdefault(f"cell:{r}:{c}", False)
    # Country keys before cell keys, each sorted: one global order, no cycles.
    return sorted(keys.items(), key=lambda kv: (not kv[0].startswith("country:"), kv[0]))
