"""The processing stage codes what a reviewer checks, with the real NLP: ACLED
event type suggested from the trigger lexicons, actor type and text as written,
and "Already in ACLED?" = not checked (never "novel") until reference rows cover
the incident's country and dates; the exports and the digest say the same."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from digest.build import Period, build_digest
from digest.profiles import Profile
from digest.render import render
from incidents.export import write_csv, write_json
from incidents.matching import covered, match_all
from incidents.process import Processor
from settings import Settings
from storage import Database
from storage.models import EvidenceMention, Incident, IncidentActor, ReferenceEvent
from tests.incidents.helpers import add_article

DRONE = (
    "Eight civilians were killed on Sunday in a drone strike by the Malian army on a wedding "
    "in Tinzaouatene, residents said."
)
BONI = (
    "Une trentaine de civils ont été tués dimanche par des hommes armés dans une attaque contre "
    "le village de Diallassagou, selon des sources locales."
)


@pytest.fixture(scope="module")
def analyzer() -> Iterator[object]:
    from nlp.analyze import Analyzer

    yield Analyzer()


def _incident_of(db: Database, article_id: int) -> Incident:
    with db.sessions() as s:
        iid = s.scalar(
            select(EvidenceMention.incident_id).where(EvidenceMention.article_id == article_id)
        )
        incident = s.get(Incident, iid)
        assert incident is not None
        return incident


def _actors(db: Database, incident_id: int) -> dict[str, tuple[str | None, str | None]]:
    with db.sessions() as s:
        rows = s.scalars(select(IncidentActor).where(IncidentActor.incident_id == incident_id))
        return {r.actor: (r.actor_type, r.as_written) for r in rows}


def test_processing_codes_event_type_actors_and_not_checked(
    db: Database, settings: Settings, analyzer: object
) -> None:
    published = dt.date(2024, 5, 13)
    drone_id = add_article(db, DRONE, url="http://a.test/drone", published=published)
    boni_id = add_article(db, BONI, url="http://b.test/boni", published=published, language="fr")
    stats = Processor(db, settings, analyzer=analyzer).run(batch_size=4)  # type: ignore[arg-type]
    assert stats.failed == 0 and stats.new_incidents == 2

    drone = _incident_of(db, drone_id)
    assert (drone.event_type, drone.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert _actors(db, drone.id)["Malian Armed Forces (FAMa)"] == ("state_forces", "Malian army")
    boni = _incident_of(db, boni_id)
    assert (boni.event_type, boni.sub_event_type) == ("Violence against civilians", "Attack")
    assert _actors(db, boni.id)["unidentified gunmen"][1] == "hommes armés"
    assert _actors(db, boni.id)["civilians"] == ("civilians", "civils")

    # no reference data imported: nothing was compared, so nothing is "novel"
    assert drone.match_label is None and boni.match_label is None
    with db.sessions() as s:
        out = io.StringIO()
        write_csv(s, out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert {r["match_label"] for r in rows} == {"not checked"}
        assert {r["event_type"] for r in rows} == {
            "Explosions/Remote violence",
            "Violence against civilians",
        }
        out = io.StringIO()
        write_json(s, out)
        assert {r["match"]["text"] for r in json.loads(out.getvalue())} == {"not checked"}
        now = dt.datetime.now(dt.UTC)
        period = Period(now - dt.timedelta(hours=2), now + dt.timedelta(hours=1), now.date(), "UTC")
        content = build_digest(s, settings, Profile(), period, now=now)
        text = render(content, names={}).text
    assert "Already in ACLED? not checked" in text
    assert "not in ACLED/UCDP" not in text
    # the machine totals say they are candidates, beside the figures
    assert "killed, 0 injured, 0 abducted (candidate, unverified)" in text

    # ACLED rows of Mali around the event: now the comparison was made
    with db.sessions.begin() as s:
        for n, day in enumerate((dt.date(2024, 5, 1), dt.date(2024, 5, 31))):
            s.add(
                ReferenceEvent(
                    dataset="acled",
                    external_id=f"MLI{n}",
                    event_date=day,
                    country="ML",
                    location="Bamako",
                    lat=12.65,
                    lon=-8.0,
                    fatalities=1,
                )
            )
        s.flush()
        assert covered(s, s.get(Incident, boni.id))  # type: ignore[arg-type]
        counts = match_all(s, settings)
    assert counts == {"novel": 2}
    assert _incident_of(db, boni_id).match_label == "novel"


def test_coverage_needs_the_country_and_both_ends_of_the_dates(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add_all(
            [
                ReferenceEvent(
                    dataset="acled", external_id="A", event_date=dt.date(2024, 1, 5), country="ML"
                ),
                ReferenceEvent(
                    dataset="acled", external_id="B", event_date=dt.date(2024, 6, 5), country="ML"
                ),
            ]
        )
        s.flush()

        def incident(**kw: object) -> Incident:
            values: dict[str, object] = {"country": "ML", "event_date": dt.date(2024, 3, 1)}
            return Incident(**{**values, **kw})

        assert covered(s, incident())
        assert not covered(s, incident(country="NE"))  # no rows for Niger at all
        assert not covered(s, incident(country=None))
        assert not covered(s, incident(event_date=None))
        assert not covered(s, incident(event_date=dt.date(2024, 7, 1)))  # after the last row
        assert not covered(s, incident(event_date=dt.date(2023, 12, 1)))  # before the first
        # a range must be covered to its end
        assert not covered(s, incident(event_date_end=dt.date(2024, 6, 20)))


def test_a_reviewer_coding_is_never_overwritten_by_reprocessing(
    db: Database, settings: Settings, analyzer: object
) -> None:
    from incidents import decisions
    from review import editform
    from storage.models import User

    article = add_article(db, DRONE, url="http://a.test/drone", published=dt.date(2024, 5, 13))
    Processor(db, settings, analyzer=analyzer, nlp_version="t1").run()  # type: ignore[arg-type]
    incident = _incident_of(db, article)
    assert incident.event_type == "Explosions/Remote violence"
    with db.sessions.begin() as s:
        user = User(username="rita", password_hash="x", role="reviewer")
        s.add(user)
        s.flush()
        # the reviewer finds no event type fits yet: cleared, and so locked
        decisions.edit(
            s,
            incident.id,
            None,
            user,
            editform.parse_edit_form({"event_type": "", "sub_event_type": ""}),
        )
    Processor(db, settings, analyzer=analyzer, nlp_version="t2").run(  # type: ignore[arg-type]
        reprocess=True
    )
    again = _incident_of(db, article)
    assert again.id == incident.id
    assert (again.event_type, again.sub_event_type) == (None, None)
    assert {"event_type", "sub_event_type"} <= set(again.locked_fields)
