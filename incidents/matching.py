""" "Already known?": matching incidents against human-coded reference events.

Reference events are ACLED / UCDP rows imported by ``civwatch acled import`` /
``ucdp import``. An incident is compared with the rows in a space–time window
(the merge window and distance of the settings) using place, date, actors and
fatalities, and labelled:

* ``novel`` — no reference row is the same event;
* ``matches`` — a row is the same event and its fatalities fall within the
  incident's killed range (or ranges overlap for UCDP's low/high);
* ``conflicts`` — a row is the same event but its fatalities do not fit the
  incident's figures (the disagreement is worth a reviewer's look).

The best row is kept in ``match_ref_id`` with its similarity ``match_score``;
``match_label_text`` renders ``matches acled:ML1234``.

``novel`` is only said of an incident the reference data covers: imported rows
of its country on or before its first day and on or after its last day
(:func:`covered`). Otherwise the label is NULL, shown everywhere as
``not checked`` (:data:`NOT_CHECKED`): with no ACLED rows for Niger, an
incident in Niger was never compared with anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from incidents.merge import PRECISION_SLACK_DAYS, date_score, fold
from nlp.placevariants import haversine_km
from settings import Settings
from storage.models import Incident, IncidentActor, ReferenceEvent

MATCH_THRESHOLD = 0.6
NOT_CHECKED = "not checked"
WEIGHTS = {"place": 0.5, "date": 0.3, "actors": 0.2}
MatchLabel = Literal["novel", "matches", "conflicts"]  # see the module docstring


@dataclass(frozen=True)
class MatchResult:
    """The outcome for one incident."""

    label: MatchLabel | None  # None: not checked (no coverage)
    ref: ReferenceEvent | None
    score: float | None


@dataclass
class _RefView:
    """A reference row seen through the attribute names the date scorer reads."""

    event_date: dt.date | None
    event_date_end: dt.date | None = None
    date_precision: str = "day"


def _place(incident: Incident, ref: ReferenceEvent, max_km: float) -> float | None:
    if incident.country and ref.country and incident.country != ref.country:
        return None
    if (
        incident.lat is not None
        and incident.lon is not None
        and ref.lat is not None
        and ref.lon is not None
        and incident.place_precision in ("point", "admin2")
    ):
        d = haversine_km(incident.lat, incident.lon, ref.lat, ref.lon)
        if d > max_km:
            return None
        return 1.0 - 0.5 * d / max_km
    name, loc = fold(incident.place_name), fold(ref.location)
    if name and loc and fuzz.ratio(name, loc) >= 85:
        return 0.9
    if incident.admin2 and ref.admin2:
        return 0.7 if fold(incident.admin2) == fold(ref.admin2) else None
    if incident.admin1 and ref.admin1:
        return 0.4 if fold(incident.admin1) == fold(ref.admin1) else None
    return None


def _actors(ours: Iterable[str], ref: ReferenceEvent) -> float:
    theirs = " ".join(a for a in (ref.actor1, ref.actor2) if a)
    names = [a for a in ours if a]
    if not names or not theirs:
        return 0.5
    folded = fold(theirs)
    hits = sum(1 for a in names if fuzz.partial_ratio(fold(a), folded) >= 85)
    return hits / len(names)


def fatalities_fit(incident: Incident, ref: ReferenceEvent) -> bool | None:
    """Whether the reference fatalities fit the incident's killed range (None: cannot tell)."""
    lo, hi = incident.killed_min, incident.killed_max
    if lo is None and hi is None:
        return None
    ref_lo = ref.fatalities_low if ref.fatalities_low is not None else ref.fatalities
    ref_hi = ref.fatalities_high if ref.fatalities_high is not None else ref.fatalities
    if ref_lo is None and ref_hi is None:
        return None
    ref_lo = ref_lo if ref_lo is not None else ref_hi
    ref_hi = ref_hi if ref_hi is not None else ref_lo
    assert ref_lo is not None and ref_hi is not None
    our_lo = lo if lo is not None else 0
    our_hi = hi  # None: open-ended
    return ref_hi >= our_lo and (our_hi is None or ref_lo <= our_hi)


def candidate_refs(
    session: Session, incident: Incident, settings: Settings
) -> list[ReferenceEvent]:
    if incident.event_date is None:
        return []
    slack = settings.merge_window_days + PRECISION_SLACK_DAYS.get(incident.date_precision, 0)
    start = incident.event_date - dt.timedelta(days=slack)
    end = (incident.event_date_end or incident.event_date) + dt.timedelta(days=slack)
    conditions = [ReferenceEvent.event_date >= start, ReferenceEvent.event_date <= end]
    if incident.country:
        conditions.append(
            or_(ReferenceEvent.country == incident.country, ReferenceEvent.country.is_(None))
        )
    return list(session.scalars(select(ReferenceEvent).where(and_(*conditions)).limit(500)))


def covered(session: Session, incident: Incident) -> bool:
    """Whether imported reference rows cover ``incident``'s country and dates."""
    if not incident.country or incident.event_date is None:
        return False
    last = incident.event_date_end or incident.event_date
    same_country = ReferenceEvent.country == incident.country
    before = session.scalar(
        select(ReferenceEvent.id)
        .where(same_country, ReferenceEvent.event_date <= incident.event_date)
        .limit(1)
    )
    if before is None:
        return False
    after = session.scalar(
        select(ReferenceEvent.id).where(same_country, ReferenceEvent.event_date >= last).limit(1)
    )
    return after is not None


def match_incident(session: Session, incident: Incident, settings: Settings) -> MatchResult:
    """Compare ``incident`` with the reference rows and store the label on it
    (None, "not checked", when the reference data does not cover it)."""
    perpetrators = list(
        session.scalars(select(IncidentActor.actor).where(IncidentActor.incident_id == incident.id))
    )
    best: tuple[ReferenceEvent, float] | None = None
    if not incident.aggregate:
        for ref in candidate_refs(session, incident, settings):
            place = _place(incident, ref, settings.merge_distance_km)
            if place is None:
                continue
            date = date_score(incident, _RefView(ref.event_date), settings.merge_window_days)
            if date is None:
                continue
            total = (
                WEIGHTS["place"] * place
                + WEIGHTS["date"] * date
                + WEIGHTS["actors"] * _actors(perpetrators, ref)
            )
            if total >= MATCH_THRESHOLD and (best is None or total > best[1]):
                best = (ref, round(total, 4))
    if best is None:
        result = MatchResult("novel" if covered(session, incident) else None, None, None)
    else:
        ref, value = best
        fit = fatalities_fit(incident, ref)
        result = MatchResult("conflicts" if fit is False else "matches", ref, value)
    new = (result.label, result.ref.id if result.ref else None, result.score)
    if (incident.match_label, incident.match_ref_id, incident.match_score) != new:
        incident.match_label, incident.match_ref_id, incident.match_score = new
    return result


def match_label_text(label: str | None, ref: ReferenceEvent | None) -> str:
    """``novel``, ``matches acled:123``, ``conflicts with ucdp:456`` or ``not checked``."""
    if not label:
        return NOT_CHECKED
    if label == "novel" or ref is None:
        return label
    joiner = "matches" if label == "matches" else "conflicts with"
    return f"{joiner} {ref.dataset}:{ref.external_id}"


def match_all(session: Session, settings: Settings, *, batch: int = 500) -> dict[str, int]:
    """Re-match every live incident (after a reference import). Counts per label."""
    counts: dict[str, int] = {}
    last = 0
    while True:
        rows = list(
            session.scalars(
                select(Incident)
                .where(Incident.id > last, Incident.status != "merged")
                .order_by(Incident.id)
                .limit(batch)
            )
        )
        if not rows:
            return counts
        for incident in rows:
            label = match_incident(session, incident, settings).label or NOT_CHECKED
            counts[label] = counts.get(label, 0) + 1
        last = rows[-1].id
        session.flush()
