""" "Already known?" on reference rows constructed for the test."""

from __future__ import annotations

import datetime as dt

from incidents.matching import match_all, match_incident, match_label_text
from settings import Settings
from storage import Database
from storage.models import Incident, IncidentActor, ReferenceEvent


def _incident(**kw: object) -> Incident:
    values: dict[str, object] = dict(
        event_date=dt.date(2024, 3, 10),
        date_precision="day",
        place_name="Bandiagara",
        country="ML",
        admin1="Mopti",
        lat=14.35005,
        lon=-3.61038,
        place_precision="point",
        killed_min=19,
        killed_max=25,
    )
    values.update(kw)
    return Incident(**values)


def _ref(ext: str, **kw: object) -> ReferenceEvent:
    values: dict[str, object] = dict(
        dataset="acled",
        external_id=ext,
        event_date=dt.date(2024, 3, 10),
        country="ML",
        admin1="Mopti",
        location="Bandiagara",
        lat=14.35,
        lon=-3.61,
        actor1="JNIM: Group for Support of Islam and Muslims",
        actor2="Civilians (Mali)",
        fatalities=21,
    )
    values.update(kw)
    return ReferenceEvent(**values)


def test_novel_matches_conflicts(db: Database, settings: Settings) -> None:
    with db.sessions.begin() as s:
        same = _incident()
        conflicting = _incident(event_date=dt.date(2024, 5, 2), killed_min=40, killed_max=None)
        elsewhere = _incident(
            place_name="Koro", lat=14.064, lon=-3.07539, event_date=dt.date(2024, 3, 12)
        )
        s.add_all([same, conflicting, elsewhere])
        s.flush()
        s.add(IncidentActor(incident_id=same.id, actor="JNIM", role="perpetrator"))
        s.add_all(
            [
                _ref("ML100"),
                # the same place a day later (within the window), but only 12 dead vs "at least 40"
                _ref("ML200", event_date=dt.date(2024, 5, 3), fatalities=12),
                # the same place two months earlier: outside every window
                _ref("ML300", event_date=dt.date(2024, 1, 2)),
            ]
        )
        s.flush()
        r1 = match_incident(s, same, settings)
        r2 = match_incident(s, conflicting, settings)
        # Koro is 66 km from every Bandiagara row: novel
        r3 = match_incident(s, elsewhere, settings)
        assert r1.label == "matches" and r1.ref is not None and r1.ref.external_id == "ML100"
        assert r1.score is not None and r1.score > 0.9
        assert r2.label == "conflicts" and r2.ref is not None and r2.ref.external_id == "ML200"
        assert r3.label == "novel" and r3.ref is None
        assert (same.match_label, same.match_ref_id) == ("matches", r1.ref.id)
        assert match_label_text("matches", r1.ref) == "matches acled:ML100"
        assert match_label_text("conflicts", r2.ref) == "conflicts with acled:ML200"
        assert match_label_text(None, None) == "not checked"


def test_ucdp_range_and_aggregates(db: Database, settings: Settings) -> None:
    with db.sessions.begin() as s:
        inc = _incident(killed_min=30, killed_max=None)
        agg = _incident(aggregate=True)
        s.add_all([inc, agg])
        s.add(_ref("U1", dataset="ucdp", fatalities=20, fatalities_low=20, fatalities_high=35))
        s.flush()
        # UCDP 20..35 overlaps "at least 30"
        assert match_incident(s, inc, settings).label == "matches"
        # a period total is never "the same event" as a reference row
        assert match_incident(s, agg, settings).label == "novel"
        assert match_all(s, settings) == {"matches": 1, "novel": 1}
