"""Storing analyses: merging across outlets, languages and days; aggregates and an
unrelated attack kept apart; reviewer-safe re-processing; duplicates; threading.

The analysis dicts stand for NLP output on texts written for these tests (see
helpers.py), so the expected incidents are known by construction; they are read
as the NLP's typed result (``nlp.result.doc_result_from_dict``) before storing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from incidents.ledger import refresh_incident
from incidents.process import Processor, ProcessStats
from nlp.result import doc_result_from_dict
from settings import Settings
from storage import Database, audit, workqueue
from storage.models import (
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    JobRun,
    ReferenceEvent,
    Review,
)
from tests.incidents.helpers import BANDIAGARA, KORO, add_article, incident, lease

T1 = (
    "Gunmen attacked the weekly market in Bandiagara on Sunday, killing 19 civilians, "
    "local officials said. JNIM claimed the attack."
)
T2 = (
    "Au moins 22 civils ont été tués dimanche lors de l'attaque du marché de Bandiagara, "
    "selon des sources locales."
)
T3 = "The toll of last week's market attack in Bandiagara rose to 25 dead, the governor said."
T4 = (
    "In its quarterly note the UN mission recorded 248 civilians killed in the Mopti "
    "region between January and March."
)
T5 = "Seven villagers were killed on Tuesday near Koro when their bus hit an explosive device."


def analyses() -> dict[str, tuple[str, dict[str, Any]]]:
    """url -> (text, analysis) for the five reports."""
    fr_place = dict(BANDIAGARA, name="Bandiagara")
    return {
        "http://outlet-a.test/market-attack": (
            T1,
            {
                "lang": "en",
                "incidents": [
                    incident(
                        T1,
                        "killing 19 civilians",
                        killed=(19, 19),
                        location=BANDIAGARA,
                        date="2024-03-10",
                        perpetrators=["JNIM"],
                        victims=["civilians"],
                        claimant="local officials",
                    )
                ],
            },
        ),
        "http://outlet-b.test/attaque-bandiagara": (
            T2,
            {
                "lang": "fr",
                "incidents": [
                    incident(
                        T2,
                        "Au moins 22 civils ont été tués",
                        killed=(22, None),
                        location=fr_place,
                        date="2024-03-10",
                        victims=["civilians"],
                        claimant="sources locales",
                    )
                ],
            },
        ),
        "http://outlet-c.test/toll-rises": (
            T3,
            {
                "lang": "en",
                "incidents": [
                    incident(
                        T3,
                        "rose to 25 dead",
                        killed=(25, 25),
                        location=BANDIAGARA,
                        date=None,
                        claimant="the governor",
                    )
                ],
            },
        ),
        "http://un.test/quarterly-note": (
            T4,
            {
                "lang": "en",
                "incidents": [
                    incident(
                        T4,
                        "248 civilians killed",
                        killed=(248, 248),
                        victims=["civilians"],
                        location={
                            "name": "Mopti",
                            "country": "ML",
                            "admin1": "Mopti",
                            "lat": 14.5,
                            "lon": -4.2,
                            "precision": "admin1",
                        },
                        date="2024-01-01",
                        date_end="2024-03-31",
                        aggregate=True,
                    )
                ],
            },
        ),
        "http://outlet-a.test/koro-bus": (
            T5,
            {
                "lang": "en",
                "incidents": [
                    incident(
                        T5,
                        "Seven villagers were killed",
                        killed=(7, 7),
                        location=KORO,
                        date="2024-03-12",
                        victims=["civilians"],
                    )
                ],
            },
        ),
    }


PUBLISHED = {
    "http://outlet-a.test/market-attack": dt.date(2024, 3, 11),
    "http://outlet-b.test/attaque-bandiagara": dt.date(2024, 3, 11),
    "http://outlet-c.test/toll-rises": dt.date(2024, 3, 16),
    "http://un.test/quarterly-note": dt.date(2024, 4, 5),
    "http://outlet-a.test/koro-bus": dt.date(2024, 3, 13),
}


def run(
    db: Database,
    settings: Settings,
    version: str,
    results: dict[int, Any],
    *,
    reprocess: bool = False,
) -> ProcessStats:
    proc = Processor(db, settings, nlp_version=version, worker_id="w")
    stats = ProcessStats()
    for article_id in lease(db, "w", version, reprocess=reprocess):
        result = results.get(article_id)
        if isinstance(result, dict):
            result = doc_result_from_dict(result)
        proc.store(article_id, result, stats, reprocess=reprocess)
    return stats


def setup_five(db: Database) -> dict[str, int]:
    ids = {}
    for url, (text, _) in analyses().items():
        ids[url] = add_article(db, text, url=url, published=PUBLISHED[url])
    return ids


def results_for(ids: dict[str, int]) -> dict[int, Any]:
    return {ids[url]: analysis for url, (_, analysis) in analyses().items()}


def incident_of(db: Database, article_id: int) -> list[int]:
    with db.sessions() as s:
        return sorted(
            set(
                s.scalars(
                    select(EvidenceMention.incident_id).where(
                        EvidenceMention.article_id == article_id
                    )
                )
            )
        )


def test_five_reports_make_three_incidents(db: Database, settings: Settings) -> None:
    ids = setup_five(db)
    stats = run(db, settings, "v1", results_for(ids))
    assert (stats.articles, stats.new_incidents, stats.merged, stats.claims) == (5, 3, 2, 5)
    urls = list(ids)
    bandiagara = incident_of(db, ids[urls[0]])
    assert bandiagara == incident_of(db, ids[urls[1]]) == incident_of(db, ids[urls[2]])
    assert incident_of(db, ids[urls[3]]) != bandiagara  # the aggregate stays apart
    assert incident_of(db, ids[urls[4]]) not in (bandiagara, incident_of(db, ids[urls[3]]))
    with db.sessions() as s:
        inc = s.get(Incident, bandiagara[0])
        assert inc is not None
        # claims 19 / at least 22 / 25: lowest minimum, open-ended maximum
        assert (inc.killed_min, inc.killed_max, inc.civilians_killed) == (19, None, 19)
        assert inc.event_date == dt.date(2024, 3, 10)
        assert inc.status == "candidate"
        scores = list(
            s.scalars(
                select(EvidenceMention.similarity).where(
                    EvidenceMention.incident_id == inc.id, EvidenceMention.similarity.is_not(None)
                )
            )
        )
        assert len(scores) == 2 and all(x is not None and 0.6 <= x <= 1 for x in scores)
        agg = s.get(Incident, incident_of(db, ids[urls[3]])[0])
        assert agg is not None and agg.aggregate and agg.killed_min == 248
        assert {a.status for a in s.scalars(select(Article))} == {"processed"}
        # the second report revised the maximum (19 -> open-ended): one audit row
        rows = [(r.incident_id, r.action, r.before, r.after) for r in s.scalars(select(Review))]
        assert rows == [(inc.id, "pipeline_update", {"killed_max": 19}, {"killed_max": None})]


def test_rerun_does_nothing(db: Database, settings: Settings) -> None:
    ids = setup_five(db)
    run(db, settings, "v1", results_for(ids))
    again = run(db, settings, "v1", results_for(ids))
    assert again.articles == 0
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 3
        assert s.scalar(select(func.count()).select_from(Claim)) == 5


def test_reprocessing_keeps_reviewer_decisions(db: Database, settings: Settings) -> None:
    ids = setup_five(db)
    urls = list(ids)
    run(db, settings, "v1", results_for(ids))
    b_id = incident_of(db, ids[urls[0]])[0]
    koro_id = incident_of(db, ids[urls[4]])[0]
    with db.sessions.begin() as s:
        b = s.get(Incident, b_id)
        koro = s.get(Incident, koro_id)
        assert b is not None and koro is not None
        b.status = "confirmed"
        b.place_name = "Bandiagara town market"
        b.locked_fields = ["place_name"]
        b.reviewed_at = dt.datetime.now(dt.UTC)
        s.add(Claim(incident_id=b_id, kind="killed", min=21, max=21, origin="reviewer"))
        s.add(
            IncidentActor(
                incident_id=b_id, actor="Katiba Macina", role="perpetrator", origin="reviewer"
            )
        )
        koro.status, koro.merged_into = "merged", b_id  # a reviewer's (odd) merge
        audit.record(
            s, incident_id=koro_id, user_id=None, action=audit.MERGE, after={"merged_into": b_id}
        )
        s.flush()
        refresh_incident(s, b, "conservative")
        assert (b.killed_min, b.killed_max) == (21, 21)
    with db.sessions() as s:
        machine_before = s.scalar(
            select(func.count()).select_from(Claim).where(Claim.origin == "machine")
        )
    stats = run(db, settings, "v2", results_for(ids), reprocess=True)
    assert stats.articles == 5 and stats.new_incidents == 0
    with db.sessions() as s:
        b = s.get(Incident, b_id)
        koro = s.get(Incident, koro_id)
        assert b is not None and koro is not None
        assert b.status == "confirmed" and b.place_name == "Bandiagara town market"
        assert (b.killed_min, b.killed_max) == (21, 21)  # the reviewer's figure still wins
        assert not b.new_evidence  # the same articles again are not new evidence
        assert (koro.status, koro.merged_into) == ("merged", b_id)
        assert incident_of(db, ids[urls[4]]) == [koro_id]
        assert s.scalar(select(func.count()).select_from(Incident)) == 3
        assert (
            s.scalar(select(func.count()).select_from(Claim).where(Claim.origin == "machine"))
            == machine_before
        )
        assert (
            s.scalar(select(func.count()).select_from(Claim).where(Claim.origin == "reviewer")) == 1
        )
        assert set(
            s.scalars(select(IncidentActor.actor).where(IncidentActor.incident_id == b_id))
        ) == {"JNIM", "Katiba Macina"}
        assert set(s.scalars(select(Claim.nlp_version).where(Claim.origin == "machine"))) == {"v2"}
        assert [r.action for r in audit.trail(s, koro_id)] == ["merge"]


def test_new_evidence_for_confirmed_incident_is_flagged(db: Database, settings: Settings) -> None:
    ids = setup_five(db)
    run(db, settings, "v1", results_for(ids))
    b_id = incident_of(db, ids["http://outlet-a.test/market-attack"])[0]
    with db.sessions.begin() as s:
        b = s.get(Incident, b_id)
        assert b is not None
        b.status = "confirmed"
    text = (
        "Months later a UN report found that at least 30 civilians were killed and 40 "
        "injured in the 10 March attack on Bandiagara market."
    )
    late = add_article(db, text, url="http://un.test/report-june", published=dt.date(2024, 6, 20))
    result = {
        "lang": "en",
        "incidents": [
            incident(
                text,
                "at least 30 civilians were killed and 40 injured",
                killed=(30, None),
                injured=(40, 40),
                location=BANDIAGARA,
                date="2024-03-10",
                victims=["civilians"],
            )
        ],
    }
    stats = run(db, settings, "v1", {late: result})
    assert stats.reviewed_flagged == 1 and stats.new_incidents == 0
    with db.sessions() as s:
        b = s.get(Incident, b_id)
        assert b is not None
        assert b.status == "confirmed" and b.new_evidence
        assert (b.injured_min, b.injured_max) == (40, 40)
        actions = [(r.action, r.after) for r in audit.trail(s, b_id)]
        assert ("pipeline_update", {"injured_min": 40, "injured_max": 40}) in actions
        assert any(
            a == "pipeline_new_evidence" and after["article_id"] == late for a, after in actions
        )


def test_duplicate_article_adds_evidence_only(db: Database, settings: Settings) -> None:
    ids = setup_five(db)
    original = ids["http://outlet-a.test/market-attack"]
    copy = add_article(
        db,
        "Wire copy. " + T1,
        url="http://syndicator.test/copy",
        status="duplicate",
        duplicate_of=original,
    )
    stats = run(db, settings, "v1", results_for(ids))
    # the copy comes after its original (id order) in the same run
    assert stats.evidence_only == 1 and stats.new_incidents == 3
    assert incident_of(db, copy) == incident_of(db, original)
    with db.sessions() as s:
        mention = s.scalars(select(EvidenceMention).where(EvidenceMention.article_id == copy)).one()
        art = s.get(Article, copy)
        assert art is not None and art.status == "duplicate" and art.nlp_version == "v1"
        assert art.text[mention.start : mention.end] == "killing 19 civilians"


def test_bad_analysis_is_named_failure(db: Database, settings: Settings) -> None:
    good = add_article(db, T5, url="http://t/good")
    bad = add_article(db, "Some text.", url="http://t/bad")
    empty = add_article(db, "   ", url="http://t/empty")
    weird = {
        "lang": "en",
        "incidents": [
            {
                "killed": {"min": 9, "max": 3},
                "location": "not a dict",
                "evidence": [{"start": 50, "end": 9999}],
            }
        ],
    }
    results: dict[int, Any] = {good: weird, bad: ValueError("parser exploded")}
    stats = run(db, settings, "v1", results)
    assert stats.failed == 1 and stats.skipped["no_text"] == 1 and stats.articles == 2
    with db.sessions() as s:
        a_bad = s.get(Article, bad)
        assert a_bad is not None and a_bad.status == "failed"
        assert "parser exploded" in (a_bad.status_reason or "")
        # never written as processed: no NLP version, one attempt counted, queued again
        assert (a_bad.nlp_version, a_bad.nlp_attempts, a_bad.lease_owner) == (None, 1, None)
        assert workqueue.pending_count(s, "v1") == 1
        inc = s.scalars(select(Incident)).one()
        assert (inc.killed_min, inc.killed_max) == (3, 9)  # swapped range kept, not lost
        a_empty = s.get(Article, empty)
        assert a_empty is not None and a_empty.status_reason == "no text"


def test_duplicate_waits_for_its_original(db: Database, settings: Settings) -> None:
    original = add_article(db, T1, url="http://t/original")
    copy = add_article(db, T1, url="http://t/copy", status="duplicate", duplicate_of=original)
    proc = Processor(db, settings, nlp_version="v1", worker_id="w")
    stats = ProcessStats()
    # only the copy is leased (the original is taken by another worker meanwhile)
    with db.sessions.begin() as s:
        s.get(Article, original).lease_owner = "other"  # type: ignore[union-attr]
        s.get(Article, original).lease_expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)  # type: ignore[union-attr]
    assert lease(db, "w", "v1") == [copy]
    proc.store(copy, None, stats)
    assert stats.skipped["original_not_processed"] == 1 and stats.articles == 0
    with db.sessions() as s:
        art = s.get(Article, copy)
        assert art is not None and art.nlp_version is None and art.lease_owner is None


def test_run_rematches_after_reference_import(db: Database, settings: Settings) -> None:
    ids = setup_five(db)
    run(db, settings, "v1", results_for(ids))
    koro_id = incident_of(db, ids["http://outlet-a.test/koro-bus"])[0]
    proc = Processor(db, settings, nlp_version="v1", worker_id="w2")
    assert proc.run().rematched == 0  # no reference events imported: nothing to compare
    with db.sessions.begin() as s:
        s.add(
            ReferenceEvent(
                dataset="acled",
                external_id="ML9",
                event_date=dt.date(2024, 3, 12),
                country="ML",
                location="Koro",
                lat=14.064,
                lon=-3.07539,
                fatalities=7,
            )
        )
    stats = proc.run()  # nothing to process, but a new import since the last run
    assert stats.articles == 0 and stats.rematched == 3
    with db.sessions() as s:
        koro = s.get(Incident, koro_id)
        assert koro is not None and koro.match_label == "matches"
        assert [j.status for j in s.scalars(select(JobRun).order_by(JobRun.id))] == ["ok", "ok"]
    assert proc.run().rematched == 0  # no import since
