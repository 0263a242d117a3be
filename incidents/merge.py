"""Deciding whether a newly extracted incident is an event we already have.

Reports of one attack arrive from several outlets, in two languages, over days,
with different spellings and figures. A draft (one incident as the NLP read it
in one article) is compared with stored incidents in a space–time window:

* place — the same gazetteer entry; within ``merge_distance_km`` when both have
  coordinates (coordinates decide: two villages 40 km apart in one district are
  two places); when only one has a point, a name that is a spelling variant of
  that place (its gazetteer alternates, Sahel transliterations:
  ``nlp.placevariants``) or of a gazetteer place within the distance of it; the
  same admin2, or a variant / fuzzy-equal place name, when neither has one;
* date — within ``merge_window_days``, widened by the looser precision of the two
  (a week, a month). An unknown event date uses the article's publication date
  as a window (the event happened before it, usually within days); for a stored
  incident, the earliest publication date of its articles;
* actors — overlap of the canonical perpetrators (a bonus, not a veto: outlets
  disagree on attribution; descriptors such as "unidentified gunmen" neither agree
  nor disagree with anyone);
* figures — compatible orders of magnitude (a bonus: Moura was 203 / 300 / 500).

Vetoes: an aggregate never merges with a single incident; two different
resolved places never merge; victims on different known sides (civilians vs
soldiers — the NLP makes one record per side; ``unknown`` victims never veto)
never merge, but are linked as records of one event (``event_group``) when
everything else agrees; two known dates more than the window apart never merge,
whatever the place — unless, up to two windows apart, the place and the killed and
injured tolls are the same (one report misread a weekday); an undated report never
merges with an event after its publication or more than half a year before it, and
one published more than a month after the event only at the same place (a look back
on it); an earlier event an article only recalls, with no day of its own, merges at
any earlier date but only at the same place with the same toll; a record that says
nowhere merges only with the same toll (the same toll of five or more, in the same
country, counts for a place). The score in [0, 1] is stored with
each merge (``EvidenceMention.similarity``, ``Claim.merge_score``) and so is
its explanation (``EvidenceMention.merge_why``: each part, what it saw, and the
parts that decided), so a reviewer can judge and undo it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from rapidfuzz import fuzz
from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from nlp.actorlexicon import load_role_actors
from nlp.placevariants import close_variants, haversine_km, load_place_names, variant_key
from nlp.textnorm import fold_place as fold  # also imported from here by matching and tests
from settings import Settings
from storage.models import Article, EvidenceMention, Incident, IncidentActor

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
# An undated report: the event happened before its publication, usually within
# REPORT_LAG_DAYS, and never more than REPORT_MAX_LAG_DAYS earlier.
REPORT_LAG_DAYS = 7
REPORT_MAX_LAG_DAYS = 31
# An undated report up to REPORT_LOOK_BACK_DAYS after a dated event may look back on
# it: a weak date part, and a merge only at the same place (a gazetteer entry or a
# spelling of it).
REPORT_LOOK_BACK_DAYS = 183
RETROSPECTIVE_DATE = 0.1
RETROSPECTIVE_MIN_PLACE = 0.9
# An undated record of an earlier event its article recalls merges only at the same
# place (RETROSPECTIVE_MIN_PLACE) with the same toll (figure_score at least this).
RECALLED_MIN_FIGURES = 0.9
# Records on different sides are linked as one event only when the place and the
# date agree closely (a point or a variant of one name; within a day, or an undated
# report within a week), not merely well enough to merge.
# When one record says nowhere (its place scores no more than this), the tolls must
# agree at least this well (figure_score) for a merge.
# Dates up to this many windows apart still merge at the same place with the same
# killed and injured tolls (a weekday misread by one report), with this date score.
SLIP_FACTOR = 2
SLIPPED_DATE = 0.1
UNLOCATED_PLACE = 0.3
UNLOCATED_MIN_FIGURES = 0.5
# ... and with the very same toll of at least UNLOCATED_TOLL killed, the place part is
# worth this much (a toll that size is rarely repeated in one country within days).
UNLOCATED_TOLL = 5
UNLOCATED_SAME_TOLL_PLACE = 0.6
LINK_MIN_PLACE = 0.85
LINK_MIN_DATE = 0.75


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
    injured_min: int | None
    injured_max: int | None


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
    injured_min: int | None = None
    injured_max: int | None = None
    victims: list[str] = field(default_factory=list)
    aggregate: bool = False
    confidence: float = 0.0
    # the article's publication date: the window of an unknown event date
    published: dt.date | None = None
    # set by best_match: why it merged (EvidenceMention.merge_why), and the event
    # group of another side's record of the same event
    merge_why: dict[str, Any] | None = None
    event_group: int | None = None
    # which event of its article the analysed record belongs to (``Incident.event`` of
    # the NLP): the article's records of one event are linked as one event
    nlp_event: int | None = None
    # the NLP read the record as an earlier event the article recalls in passing
    recalled: bool = False


@dataclass(frozen=True)
class MergeScore:
    """How alike two incidents are; ``score`` None means a veto (never the same event).

    ``notes`` say what each part saw ("spelling variant Bounty ~ Bounti",
    "undated, reported 2 days after"); ``reason`` names the veto.
    """

    score: float | None
    parts: dict[str, float]
    reason: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    def decided_by(self) -> list[str]:
        """The parts that decided: the fewest, largest weighted parts whose sum
        reaches the threshold (all of them when the score falls short)."""
        ranked = sorted(self.parts, key=lambda k: WEIGHTS[k] * self.parts[k], reverse=True)
        total = 0.0
        for i, name in enumerate(ranked):
            total += WEIGHTS[name] * self.parts[name]
            if total >= MERGE_THRESHOLD:
                return ranked[: i + 1]
        return ranked

    def explain(self) -> dict[str, Any]:
        """A JSON-ready explanation (stored with a merge, shown to reviewers)."""
        if self.score is None:
            return {"veto": self.reason, "notes": dict(self.notes)}
        return {
            "score": self.score,
            "threshold": MERGE_THRESHOLD,
            "parts": {k: round(v, 3) for k, v in self.parts.items()},
            "weights": dict(WEIGHTS),
            "notes": dict(self.notes),
            "decided_by": self.decided_by(),
        }


def _has_point(x: PlaceLike) -> bool:
    return x.lat is not None and x.lon is not None and x.place_precision in ("point", "admin2")


def place_score(a: PlaceLike, b: PlaceLike, max_km: float) -> float | None:
    """1 for the same place, lower for near or vague, None for different places."""
    return place_match(a, b, max_km)[0]


def place_match(a: PlaceLike, b: PlaceLike, max_km: float) -> tuple[float | None, str]:
    """``place_score`` with what decided it."""
    if a.country and b.country and a.country != b.country:
        return None, f"countries {a.country} / {b.country}"
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return 1.0, "same gazetteer entry"
    inside = _point_in_area(a, b)
    if inside is not None:
        return inside
    if _has_point(a) and _has_point(b):
        assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
        d = haversine_km(a.lat, a.lon, b.lat, b.lon)
        if d > max_km:
            return None, f"{d:.0f} km apart"
        return 1.0 - 0.5 * d / max_km, f"{d:.0f} km apart"
    if _has_point(a) != _has_point(b):
        point, other = (a, b) if _has_point(a) else (b, a)
        found = _variant_of_point(point, other, max_km)
        if found is not None:
            return found
    na, nb = fold(a.place_name), fold(b.place_name)
    if na and nb and variant_key(na) == variant_key(nb):
        return 0.9, f"spelling variant {a.place_name} ~ {b.place_name}"
    if na and nb and (fuzz.ratio(na, nb) >= 85 or close_variants(na, nb)):
        return 0.85, f"close names {a.place_name} ~ {b.place_name}"
    if a.admin2 and b.admin2:
        if fold(a.admin2) == fold(b.admin2):
            return 0.7, f"same admin2 {a.admin2}"
        return None, f"admin2 {a.admin2} / {b.admin2}"
    if a.admin1 and b.admin1 and fold(a.admin1) != fold(b.admin1):
        return None, f"admin1 {a.admin1} / {b.admin1}"
    # Only one side says where, or only at region level: weak, never enough alone.
    if a.admin1 and b.admin1:
        return 0.4, f"same admin1 {a.admin1}"
    if a.country and a.country == b.country:
        # the same country at least: with the day, the figure and the actors, enough
        return 0.3, f"only one side located, both in {a.country}"
    return 0.2, "only one side located"


def _point_in_area(a: PlaceLike, b: PlaceLike) -> tuple[float, str] | None:
    """A village and the district it lies in ("Kani-Bonzon" and "the Bankass Circle"):
    the district's centroid may be farther than the merge distance, yet they agree,
    if weakly (a district holds many villages): the date and another part must agree
    too for a merge."""
    if (a.place_precision == "admin2") == (b.place_precision == "admin2"):
        return None
    area, point = (a, b) if a.place_precision == "admin2" else (b, a)
    if point.place_precision != "point" or not area.admin2 or not point.admin2:
        return None
    if fold(area.admin2) != fold(point.admin2):
        return None
    return 0.55, f"{point.place_name} in {area.admin2}"


def _variant_of_point(
    point: PlaceLike, other: PlaceLike, max_km: float
) -> tuple[float, str] | None:
    """An unresolved name that is a spelling of the resolved place ``point`` (its
    name or gazetteer alternates), or of a gazetteer place within ``max_km`` of it:
    the name resolves there (the incident keeps the name as written)."""
    if not other.place_name or other.place_precision not in ("unresolved", "point"):
        return None
    if other.admin1 and point.admin1 and fold(other.admin1) != fold(point.admin1):
        return None
    key = variant_key(other.place_name)
    if len(key) < 3:
        return None
    names = load_place_names()
    if key == variant_key(point.place_name) or key in names.keys_of(point.geonames_id):
        return 0.95, f"spelling variant {other.place_name} ~ {point.place_name}"
    if close_variants(other.place_name, point.place_name):
        return 0.9, f"close spelling {other.place_name} ~ {point.place_name}"
    assert point.lat is not None and point.lon is not None
    near = names.resolve_near(other.place_name, point.lat, point.lon, max_km)
    if near is None:
        return None
    place, d = near
    return (
        1.0 - 0.5 * d / max_km,
        f"{other.place_name} ~ {place.name} (gazetteer), {d:.0f} km from {point.place_name}",
    )


def _slack(precision: str) -> int:
    return PRECISION_SLACK_DAYS.get(precision, 0)


def date_score(
    a: Dated,
    b: Dated,
    window_days: int,
    a_reported: dt.date | None = None,
    b_reported: dt.date | None = None,
) -> float | None:
    """1 for the same day, falling to ~0 at the window's edge, None beyond it."""
    return date_match(a, b, window_days, a_reported, b_reported)[0]


def _gap_and_window(a: Dated, b: Dated, window_days: int) -> tuple[int, int]:
    """Days between two dated records' ranges (0 when they overlap), and the window
    widened by the looser of their precisions."""
    assert a.event_date is not None and b.event_date is not None
    window = window_days + max(_slack(a.date_precision), _slack(b.date_precision))
    a_end = a.event_date_end or a.event_date
    b_end = b.event_date_end or b.event_date
    return max(0, (b.event_date - a_end).days, (a.event_date - b_end).days), window


def date_match(
    a: Dated,
    b: Dated,
    window_days: int,
    a_reported: dt.date | None = None,
    b_reported: dt.date | None = None,
) -> tuple[float | None, str]:
    """``date_score`` with what decided it. ``*_reported``: the publication date
    of the report (for a stored incident, its first), the window of an unknown date."""
    if a.event_date is not None and b.event_date is not None:
        gap, window = _gap_and_window(a, b, window_days)
        if gap > window:
            return None, f"{gap} days apart (window {window})"
        return 1.0 - gap / (window + 1), f"{gap} days apart"
    if a.event_date is None and b.event_date is None:
        if a_reported is None or b_reported is None:
            return 0.3, "both undated"
        apart = abs((a_reported - b_reported).days)
        if apart > REPORT_MAX_LAG_DAYS:
            return None, f"both undated, reported {apart} days apart"
        return (
            0.6 if apart <= REPORT_LAG_DAYS else 0.3
        ), f"both undated, reported {apart} days apart"
    dated, reported = (b, a_reported) if a.event_date is None else (a, b_reported)
    assert dated.event_date is not None
    if reported is None:
        return 0.3, "one undated"
    slack = _slack(dated.date_precision)
    after = (reported - (dated.event_date_end or dated.event_date)).days
    before = (reported - dated.event_date).days
    if after < -window_days - slack:
        return None, f"undated report published {-after} days before the event"
    if before > REPORT_LOOK_BACK_DAYS + slack:
        return None, f"undated report published {before} days after the event"
    if before > REPORT_MAX_LAG_DAYS + slack:
        # a look back months later ("three months after Ogossagou"): only the same
        # place and more can tie it (see RETROSPECTIVE_MIN_PLACE)
        return RETROSPECTIVE_DATE, f"undated report published {before} days after the event"
    lag = max(0, after)
    if lag <= REPORT_LAG_DAYS + slack:
        return 0.8, f"undated, reported {lag} days after"
    return 0.5, f"undated, reported {lag} days after"


# "unidentified gunmen" and "suspected jihadists" say little of who acted: two reports
# that name only such descriptors, or one of them, neither agree nor disagree.
VAGUE_ACTORS = frozenset(load_role_actors()[0])


def actor_score(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.5
    named_a, named_b = sa - VAGUE_ACTORS, sb - VAGUE_ACTORS
    if named_a and named_b:
        return len(named_a & named_b) / len(named_a | named_b)
    return 1.0 if sa == sb else 0.5


def _same_total(
    draft: PlaceLike,
    draft_actors: Iterable[str],
    incident: PlaceLike,
    incident_actors: Iterable[str],
    date: float,
) -> bool:
    """One period total reprinted ("at least 32 civilians" by the army and Wagner, in an
    English copy placed in "central and northern Mali" and a French one in "nord du
    Mali"): the very same tolls, of at least UNLOCATED_TOLL killed, in the same country,
    by the same named actors, at dates that agree; the places need not."""
    toll = draft.killed_min if draft.killed_min is not None else draft.killed_max
    named = set(draft_actors) - VAGUE_ACTORS
    return (
        bool(draft.country)
        and draft.country == incident.country
        and (toll or 0) >= UNLOCATED_TOLL
        and (draft.killed_min, draft.killed_max) == (incident.killed_min, incident.killed_max)
        and bool(named)
        and named == set(incident_actors) - VAGUE_ACTORS
        and date >= RETROSPECTIVE_DATE
    )


def figure_score(a: PlaceLike, b: PlaceLike) -> float:
    pa = a.killed_min if a.killed_min is not None else a.killed_max
    pb = b.killed_min if b.killed_min is not None else b.killed_max
    if pa is None or pb is None:
        return 0.5
    if pa == pb:
        return 1.0
    lo, hi = sorted((pa, pb))
    return (lo + 1) / (hi + 1)


def _slipped_date(
    draft: PlaceLike, incident: PlaceLike, settings: Settings
) -> tuple[float, str] | None:
    """Two dates up to ``SLIP_FACTOR`` windows apart, at the same place with the same
    killed and injured tolls: one report misread a weekday ("on Monday" for a Friday
    attack), not another attack."""
    if draft.event_date is None or incident.event_date is None:
        return None
    gap, window = _gap_and_window(draft, incident, settings.merge_window_days)
    same_toll = (
        draft.killed_min is not None
        and (draft.killed_min, draft.killed_max) == (incident.killed_min, incident.killed_max)
        and (draft.injured_min, draft.injured_max) == (incident.injured_min, incident.injured_max)
    )
    place = place_match(draft, incident, settings.merge_distance_km)[0]
    if gap > SLIP_FACTOR * window or not same_toll or (place or 0) < RETROSPECTIVE_MIN_PLACE:
        return None
    return SLIPPED_DATE, f"{gap} days apart, but the same place and tolls"


def _toll_and_one_more(a: PlaceLike, b: PlaceLike) -> tuple[int, int] | None:
    """ "At least 5 soldiers killed" and, in another report, 6 (a wounded man died later):
    an open toll and a count just above it (by one, or a fifth of it) are one toll told
    at two moments. The two minimums, lower first, or None."""
    if a.killed_min is None or b.killed_min is None:
        return None
    low, high = sorted((a.killed_min, b.killed_min))
    low_max = a.killed_max if a.killed_min == low else b.killed_max
    if low_max is None and 0 < high - low <= max(1, low // 5):
        return low, high
    return None


def _sides(victims: Iterable[str]) -> set[str] | None:
    """The victims' sides; None unless every category is a known side ("unknown",
    "people" or a partial breakdown never vetoes)."""
    listed = list(victims)
    if not listed or any(v not in SIDES for v in listed):
        return None
    return {SIDES[v] for v in listed}


def score(
    draft: PlaceLike,
    draft_actors: Iterable[str],
    incident: PlaceLike,
    incident_actors: Iterable[str],
    settings: Settings,
    *,
    draft_reported: dt.date | None = None,
    incident_reported: dt.date | None = None,
    sides: bool = True,
) -> MergeScore:
    """The similarity of ``draft`` and a stored ``incident`` (None score = veto).

    ``*_reported`` default to a ``published`` attribute (a ``Draft``'s). With
    ``sides=False`` the sides veto is skipped (for linking the records of one event).
    """
    if draft_reported is None:
        draft_reported = getattr(draft, "published", None)
    if incident_reported is None:
        incident_reported = getattr(incident, "published", None)
    # An earlier event its article recalls in passing, with no day of its own: the
    # report's days say nothing of when it happened.
    draft_recalled = bool(getattr(draft, "recalled", False)) and draft.event_date is None
    incident_recalled = bool(getattr(incident, "recalled", False)) and incident.event_date is None
    if draft_recalled:
        draft_reported = None
    if incident_recalled:
        incident_reported = None
    if bool(draft.aggregate) != bool(incident.aggregate):
        return MergeScore(None, {}, "aggregate vs single incident")
    sa, sb = _sides(draft.victims or ()), _sides(incident.victims or ())
    if sides and sa is not None and sb is not None and not (sa & sb):
        return MergeScore(None, {}, "victims on different sides", {"sides": f"{sa} / {sb}"})
    # Dates first: two known dates far apart never merge, whatever the place.
    date, date_note = date_match(
        draft, incident, settings.merge_window_days, draft_reported, incident_reported
    )
    if date is None:
        slipped = _slipped_date(draft, incident, settings)
        if slipped is None:
            return MergeScore(None, {}, "dates too far apart", {"date": date_note})
        date, date_note = slipped
    place, place_note = place_match(draft, incident, settings.merge_distance_km)
    notes = {"place": place_note, "date": date_note}
    if place is None:
        return MergeScore(None, {}, "different places", notes)
    if date <= RETROSPECTIVE_DATE and place < RETROSPECTIVE_MIN_PLACE:
        return MergeScore(None, {}, "a look back elsewhere", notes)
    if (
        draft.aggregate
        and (place < 0.7 or date < 0.9)
        and not _same_total(draft, draft_actors, incident, incident_actors, date)
    ):
        # Period totals merge only when they are the same report of the same period.
        return MergeScore(None, {}, "different aggregates", notes)
    parts = {
        "place": place,
        "date": date,
        "actors": actor_score(draft_actors, incident_actors),
        "figures": figure_score(draft, incident),
    }
    if (draft_recalled or incident_recalled) and (
        place < RETROSPECTIVE_MIN_PLACE or parts["figures"] < RECALLED_MIN_FIGURES
    ):
        # "two weeks after 33 people were killed": only the same place and toll tie it
        notes["date"] = "an earlier event recalled, no day of its own"
        return MergeScore(None, parts, "a recalled event, other place or toll", notes)
    if place <= UNLOCATED_PLACE and parts["figures"] < UNLOCATED_MIN_FIGURES:
        # Nothing says where one of them happened: only the same toll can tie them.
        notes["figures"] = "tolls too far apart for records without a common place"
        return MergeScore(None, parts, "unlocated and other tolls", notes)
    toll = draft.killed_min if draft.killed_min is not None else draft.killed_max
    same_country = bool(draft.country) and draft.country == incident.country
    if same_country and place <= UNLOCATED_PLACE and (toll or 0) >= UNLOCATED_TOLL:
        # one says only the country, the other where: the same sizeable toll places them
        if parts["figures"] == 1.0:
            parts["place"] = UNLOCATED_SAME_TOLL_PLACE
            notes["place"] += f"; the same toll of {toll}"
        elif (tolls := _toll_and_one_more(draft, incident)) is not None:
            parts["place"] = UNLOCATED_SAME_TOLL_PLACE
            notes["place"] += f"; a toll of at least {tolls[0]} and one of {tolls[1]}"
    total = sum(WEIGHTS[k] * v for k, v in parts.items())
    return MergeScore(round(total, 4), parts, "", notes)


@lru_cache(maxsize=64)
def _candidates_query(aggregate: bool, country: bool, point: str, dated: bool) -> Select[Incident]:
    """The candidates query of one shape, its values bound at execution.

    Built once per shape: constructing the statement cost more than running it.
    ``point`` is "" (no point), "box", "box+entry" (a gazetteer id too), each may end
    in "+district" (the same admin2 too).
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
        near = [in_box, unpointed]
        if "entry" in point:
            near.append(Incident.geonames_id == bindparam("geonames_id"))
        if "district" in point:
            # a village and its district's centroid may lie farther apart than the box
            near.append(Incident.admin2 == bindparam("admin2"))
        conditions.append(or_(*near))
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
        if draft.admin2:
            point += "+district"
            params["admin2"] = draft.admin2
    if draft.event_date is not None:
        reach = dt.timedelta(
            days=settings.merge_window_days
            + _slack(draft.date_precision)
            + PRECISION_SLACK_DAYS["month"]
        )
        params["date_lo"] = draft.event_date - reach
        params["date_hi"] = (draft.event_date_end or draft.event_date) + reach
    elif draft.published is not None and not draft.recalled:
        # An undated report: events before its publication (a month's lag, a
        # month's precision slack), or just after (the window). An earlier event
        # recalled in passing may be years old: only its place and toll tie it.
        params["date_lo"] = draft.published - dt.timedelta(
            days=REPORT_MAX_LAG_DAYS + PRECISION_SLACK_DAYS["year"]
        )
        params["date_hi"] = draft.published + dt.timedelta(days=settings.merge_window_days)
    stmt = _candidates_query(bool(draft.aggregate), bool(draft.country), point, "date_lo" in params)
    return list(session.scalars(stmt, params))


def first_reported(session: Session, incident_ids: list[int]) -> dict[int, dt.date]:
    """The earliest publication date of each incident's articles (the window of
    an undated incident)."""
    if not incident_ids:
        return {}
    rows = session.execute(
        select(EvidenceMention.incident_id, func.min(Article.published_at))
        .join(Article, Article.id == EvidenceMention.article_id)
        .where(EvidenceMention.incident_id.in_(incident_ids))
        .group_by(EvidenceMention.incident_id)
    )
    return {iid: when.date() for iid, when in rows if when is not None}


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

    Sets ``draft.merge_why`` (the explanation of the merge) and, when the only
    thing that keeps the draft from an incident is the victims' side,
    ``draft.event_group`` (linking the incident into the group as well): the
    records of one event, one per side.
    """
    exclude = exclude or set()
    prefer = prefer or set()
    draft.merge_why = None
    found = candidates(session, draft, settings)
    if not found:
        return None
    actors = incident_perpetrators(session, [c.id for c in found])
    reported = first_reported(session, [c.id for c in found if c.event_date is None])
    best: tuple[Incident, MergeScore] | None = None
    side: tuple[Incident, float] | None = None
    for incident in found:
        when = reported.get(incident.id)
        theirs = actors[incident.id]
        result = score(
            draft, draft.perpetrators, incident, theirs, settings, incident_reported=when
        )
        if result.score is None:
            # This article's other records: the NLP links those of one event itself
            # (incidents/writer.py) and told the others apart.
            if result.reason == "victims on different sides" and incident.id not in exclude:
                other = score(
                    draft, draft.perpetrators, incident, theirs, settings,
                    incident_reported=when, sides=False,
                )  # fmt: skip
                ok = (
                    other.score is not None
                    and other.score >= MERGE_THRESHOLD
                    and other.parts["place"] >= LINK_MIN_PLACE
                    and other.parts["date"] >= LINK_MIN_DATE
                )
                if ok and (side is None or (other.score or 0.0) > side[1]):
                    side = (incident, other.score or 0.0)
            continue
        if incident.id in exclude:
            continue
        threshold = MERGE_THRESHOLD - 0.2 if incident.id in prefer else MERGE_THRESHOLD
        if result.score < threshold:
            continue
        if best is None or result.score > (best[1].score or 0.0):
            best = (incident, result)
    if side is not None:
        anchor = side[0]
        if anchor.event_group is None:
            anchor.event_group = anchor.id
        draft.event_group = anchor.event_group
    if best is None:
        return None
    incident, result = best
    if draft.event_group is not None and incident.event_group is None:
        incident.event_group = draft.event_group
    draft.merge_why = result.explain()
    assert result.score is not None
    return incident, result.score


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
