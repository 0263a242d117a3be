"""A realistic day of civwatch data, built through the ORM, for the digest tests.

All text here is written for these tests (no article text is copied from
anywhere). The clock is fixed: the digest period of the default profile
(send_at 07:00, UTC) is 2026-11-24 07:00 → 2026-11-25 07:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from storage.models import Article, Incident, Source
from tests.factory import Rows

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
PERIOD_START = dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
PERIOD_END = dt.datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
IN_PERIOD = dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
BEFORE = dt.datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
HOSTILE_TITLE = '<script>alert("x")</script> Raid\r\nBcc: victim@evil.example'
HOSTILE_PLACE = '<img src=x onerror=alert(1)> "Ber" & co\r\nX-Injected: yes'


@dataclass
class Scenario:
    """Ids of what was created, so tests can assert on them."""

    ids: dict[str, int] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)


def _at(hours: float) -> dt.datetime:
    return IN_PERIOD + dt.timedelta(hours=hours)


def populate(session: Session, base: str = "http://news.test") -> Scenario:
    """Sources, articles, incidents with claims/actors/evidence, and an audit trail."""
    sc = Scenario()
    rows = Rows(session)
    wire = rows.source("sahel_wire", "Sahel Wire", f"{base}/feed")
    rows.source(
        "radio_mopti",
        "Radio Mopti",
        f"{base}/radio",
        kind="listing",
        health="failing",
        health_reason="HTTP 503 on the listing page",
        consecutive_failures=4,
        last_success_at=dt.datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
    )
    rows.source("quiet_feed", "Quiet Feed", f"{base}/quiet", health="ok", zero_article_runs=5)
    healthy = rows.source("un_news", "UN News", f"{base}/un", kind="un_news", health="ok")
    reviewer = rows.user("awa")
    sc.ids["reviewer"] = reviewer.id

    def article(key: str, title: str, source: Source) -> Article:
        url = f"{base}/{key}"
        a = rows.article(
            url,
            source=source,
            title=title,
            text="(text not needed by the digest)",
            language="en",
            published_at=_at(-2),
            status="processed",
        )
        sc.ids[key] = a.id
        sc.urls[key] = url
        return a

    a1 = article("ogossagou-army", "Army reports attack near Ogossagou", wire)
    a2 = article("ogossagou-locals", "Villagers count their dead", healthy)
    a3 = article("ogossagou-un", "UN mission statement on central Mali", healthy)
    a4 = article("farabougou", "Clashes around Farabougou", wire)
    a5 = article("djibo", "Convoy ambushed outside Djibo", wire)
    a6 = article("tera", "Abductions reported near Tera", wire)
    a7 = article("moura", "Soldiers and foreign troops in Moura market", healthy)
    a8 = article("hostile", HOSTILE_TITLE, wire)
    a9 = article("quarter", "Quarterly civilian toll", healthy)
    a10 = article("followup", "Second report on the Segou clash", healthy)

    ref = rows.reference(
        "MLI9999",
        event_date=dt.date(2026, 11, 23),
        country="ML",
        admin1="Segou",
        location="Farabougou",
        fatalities=5,
    )

    def incident(key: str, created: dt.datetime, **values: object) -> Incident:
        inc = rows.incident(created_at=created, updated_at=created, **values)
        sc.ids[key] = inc.id
        return inc

    def claim(inc: Incident, art: Article | None, kind: str, lo: int | None, hi: int | None,
              claimant: str | None = None, category: str | None = "civilians") -> None:  # fmt: skip
        rows.claim(inc, art, kind, lo, hi, claimant=claimant, victim_category=category)

    actor, evidence = rows.actor, rows.evidence

    # --- new in the period -------------------------------------------------
    ogo = incident(
        "ogossagou",
        _at(0),
        event_date=dt.date(2026, 11, 23),
        date_precision="day",
        place_name="Ogossagou",
        country="ML",
        admin1="Mopti",
        admin2="Bankass",
        lat=14.33,
        lon=-3.65,
        place_precision="point",
        killed_min=19,
        killed_max=22,
        injured_min=7,
        injured_max=7,
        civilians_killed=19,
        victims=["civilians"],
        confidence=0.82,
        match_label="novel",
    )
    claim(ogo, a1, "killed", 19, 19, "the army")
    claim(ogo, a2, "killed", 22, 22, "local sources")
    claim(ogo, a3, "killed", 20, 22, "the UN mission")
    claim(ogo, a2, "injured", 7, 7)
    actor(ogo, "Dan Na Ambassagou", "militia", "perpetrator")
    actor(ogo, "civilians", "civilians", "target")
    evidence(ogo, a2, "Gunmen attacked the village of Ogossagou on Monday, killing 22 people.")
    evidence(ogo, a1, "The army said 19 people died in the attack.")

    far = incident(
        "farabougou",
        _at(1),
        event_date=dt.date(2026, 11, 23),
        date_precision="day",
        place_name="Farabougou",
        country="ML",
        admin1="Ségou",
        lat=14.25,
        lon=-5.93,
        place_precision="point",
        killed_min=5,
        killed_max=5,
        injured_min=3,
        injured_max=3,
        confidence=0.7,
        match_label="matches",
        match_ref_id=ref.id,
    )
    claim(far, a4, "killed", 5, 5, None, "soldiers")
    claim(far, a4, "injured", 3, 3, None, "soldiers")
    actor(far, "JNIM", "armed_group", "perpetrator")
    actor(far, "Malian Armed Forces", "state_forces", "target")
    evidence(far, a4, "Five soldiers were killed when their post near Farabougou was attacked.")

    djibo = incident(
        "djibo",
        _at(2),
        event_date=dt.date(2026, 11, 22),
        date_precision="week",
        place_name="Djibo",
        country="BF",
        admin1="Sahel",
        lat=14.10,
        lon=-1.63,
        place_precision="point",
        killed_min=40,
        killed_max=None,
        confidence=0.65,
    )
    claim(djibo, a5, "killed", 40, None, "a local official")
    actor(djibo, "JNIM", "armed_group", "perpetrator")
    evidence(djibo, a5, "At least 40 people were killed when a supply convoy was ambushed.")

    tera = incident(
        "tera",
        _at(3),
        event_date=dt.date(2026, 11, 24),
        date_precision="day",
        place_name="Téra",
        country="NE",
        admin1="Tillabéri",
        lat=14.01,
        lon=0.75,
        place_precision="point",
        abducted_min=12,
        abducted_max=12,
        confidence=0.6,
    )
    claim(tera, a6, "abducted", 12, 12, "residents")
    actor(tera, "Islamic State Sahel Province", "armed_group", "perpetrator")
    evidence(tera, a6, "Twelve villagers were abducted by gunmen near Tera, residents said.")

    moura = incident(
        "moura",
        _at(4),
        event_date=dt.date(2026, 11, 24),
        date_precision="day",
        place_name="Moura",
        country="ML",
        admin1="Mopti",
        admin2="Djenné",
        lat=14.17,
        lon=-4.30,
        place_precision="point",
        killed_min=30,
        killed_max=30,
        civilians_killed=30,
        victims=["civilians"],
        confidence=0.75,
        match_label="novel",
    )
    claim(moura, a7, "killed", 30, 30, "witnesses")
    actor(moura, "Malian Armed Forces", "state_forces", "perpetrator")
    actor(moura, "Africa Corps", "foreign_forces", "perpetrator")
    evidence(moura, a7, "Witnesses said soldiers and foreign troops killed 30 men at the market.")

    hostile = incident(
        "hostile",
        _at(5),
        event_date=None,
        date_precision="unknown",
        place_name=HOSTILE_PLACE,
        country="ML",
        admin1="Tombouctou",
        place_precision="admin1",
        killed_min=2,
        killed_max=2,
        confidence=0.3,
    )
    claim(hostile, a8, "killed", 2, 2, "<b>someone</b>")
    actor(hostile, "<i>Unknown gunmen</i>", "armed_group", "perpetrator")
    evidence(hostile, a8, 'Two people were killed. <a href="javascript:alert(1)">click</a>')

    agg = incident(
        "quarter",
        _at(6),
        event_date=dt.date(2026, 7, 1),
        event_date_end=dt.date(2026, 9, 30),
        date_precision="month",
        place_name="Mali",
        country="ML",
        place_precision="country",
        killed_min=248,
        killed_max=248,
        aggregate=True,
        confidence=0.9,
    )
    claim(agg, a9, "killed", 248, 248, "the UN mission")
    evidence(agg, a9, "The mission recorded 248 civilians killed in the third quarter.")

    # created in the period but not listed: rejected, and outside every filter
    incident(
        "rejected_new",
        _at(1),
        status="rejected",
        place_name="Gao",
        country="ML",
        admin1="Gao",
        killed_min=1,
        killed_max=1,
    )
    incident(
        "senegal",
        _at(2),
        place_name="Ziguinchor",
        country="SN",
        admin1="Ziguinchor",
        lat=12.58,
        lon=-16.27,
        killed_min=1,
        killed_max=1,
        confidence=0.5,
    )
    # created just after the period: belongs to tomorrow's digest
    incident(
        "tomorrow",
        PERIOD_END + dt.timedelta(minutes=5),
        place_name="Kidal",
        country="ML",
        admin1="Kidal",
        killed_min=4,
        killed_max=4,
    )

    # --- known incidents that changed in the period -------------------------
    segou_old = incident(
        "segou_old",
        BEFORE,
        event_date=dt.date(2026, 11, 20),
        date_precision="day",
        place_name="Niono",
        country="ML",
        admin1="Ségou",
        lat=14.25,
        lon=-5.99,
        place_precision="point",
        killed_min=12,
        killed_max=12,
        confidence=0.7,
        status="confirmed",
    )
    claim(segou_old, a10, "killed", 12, 12, "the mayor")
    evidence(segou_old, a10, "The mayor of Niono said twelve people had died.")
    bf_old = incident(
        "bf_old",
        BEFORE,
        event_date=dt.date(2026, 11, 19),
        place_name="Arbinda",
        country="BF",
        admin1="Sahel",
        killed_min=3,
        killed_max=3,
    )
    ne_old = incident(
        "ne_old",
        BEFORE,
        event_date=dt.date(2026, 11, 18),
        place_name="Ouallam",
        country="NE",
        admin1="Tillabéri",
        killed_min=6,
        killed_max=6,
        status="rejected",
    )
    dup = incident(
        "dup_old",
        BEFORE,
        event_date=dt.date(2026, 11, 20),
        place_name="Niono",
        country="ML",
        admin1="Ségou",
        status="merged",
        merged_into=segou_old.id,
    )
    senegal_old = incident(
        "senegal_old", BEFORE, place_name="Bignona", country="SN", admin1="Ziguinchor"
    )
    edited_old = incident(
        "edited_old",
        BEFORE,
        event_date=dt.date(2026, 11, 17),
        place_name="Diafarabé",
        country="ML",
        admin1="Mopti",
    )
    session.flush()

    def review(inc: Incident, action: str, at: dt.datetime, user: int | None,
               before: dict, after: dict, note: str | None = None) -> None:  # fmt: skip
        # Explicit created_at: the clock is fixed.
        rows.review(inc, action, before, after, created_at=at, user_id=user, note=note)

    review(
        segou_old,
        "pipeline_update",
        _at(0.5),
        None,
        {"killed_min": 7, "killed_max": 7},
        {"killed_min": 12, "killed_max": 12},
    )
    review(segou_old, "confirm", _at(2.5), reviewer.id, {"status": "candidate"},
           {"status": "confirmed"})  # fmt: skip
    review(dup, "merge", _at(2.6), reviewer.id, {"status": "candidate"},
           {"status": "merged", "merged_into": segou_old.id})  # fmt: skip
    # the second row incidents.decisions writes for a merge: on the target, with its figures
    review(segou_old, "merge", _at(2.6), reviewer.id, {"killed_max": 12},
           {"killed_max": 14, "merged_from": dup.id})  # fmt: skip
    review(bf_old, "pipeline_new_evidence", _at(3), None, {}, {"article_id": a5.id})
    review(ne_old, "reject", _at(3.5), reviewer.id, {"status": "candidate"},
           {"status": "rejected"}, note="a duplicate of an older report")  # fmt: skip
    review(edited_old, "edit", _at(4.5), reviewer.id, {"place_name": "Diafarabe"},
           {"place_name": "Diafarabé"})  # fmt: skip
    # the pipeline re-dating a known incident (shown) and raising its confidence (not)
    review(edited_old, "pipeline_update", _at(5), None,
           {"event_date": "2026-11-16", "confidence": 0.4},
           {"event_date": "2026-11-17", "confidence": 0.6})  # fmt: skip
    review(bf_old, "pipeline_update", _at(5), None, {"confidence": 0.4}, {"confidence": 0.6})
    # outside the profile filter / outside the period / not a change
    review(senegal_old, "confirm", _at(1), reviewer.id, {"status": "candidate"},
           {"status": "confirmed"})  # fmt: skip
    review(bf_old, "confirm", PERIOD_START - dt.timedelta(hours=1), reviewer.id,
           {"status": "candidate"}, {"status": "confirmed"})  # fmt: skip
    review(bf_old, "evidence_seen", _at(3.2), reviewer.id, {}, {})
    # a change to an incident that is itself new in the period: shown as new only
    review(
        ogo,
        "pipeline_update",
        _at(0.2),
        None,
        {"killed_min": 19},
        {"killed_min": 19, "injured_min": 7},
    )

    # --- the 30-day trend: events on earlier days ---------------------------
    for days_ago, killed in ((3, 4), (3, 6), (10, 9), (29, 2), (30, 50)):
        day = dt.date(2026, 11, 24) - dt.timedelta(days=days_ago)
        incident(
            f"trend_{days_ago}_{killed}",
            BEFORE - dt.timedelta(days=days_ago),
            event_date=day,
            date_precision="day",
            place_name="Bandiagara",
            country="ML",
            admin1="Mopti",
            killed_min=killed,
            killed_max=killed,
        )
    session.flush()
    return sc
