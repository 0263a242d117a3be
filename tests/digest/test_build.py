"""What goes into a digest: period, new incidents, grouping, changes, totals, trend, health.

Expected values are worked out by hand from tests/digest/scenario.py.
"""

from __future__ import annotations

import datetime as dt

from digest.build import build_digest, resolve_period
from digest.profiles import Profile
from settings import Settings
from storage import Database
from storage.models import Digest
from tests.digest.scenario import NOW, PERIOD_END, PERIOD_START, Scenario

UTC = dt.UTC


def _build(db: Database, settings: Settings, profile: Profile | None = None, **kw: object):
    profile = profile or Profile()
    with db.sessions() as session:
        period = resolve_period(session, profile, settings, now=NOW, **kw)  # type: ignore[arg-type]
        return build_digest(session, settings, profile, period, now=NOW)


def test_default_period_is_24h_ending_at_send_time(db: Database, settings: Settings) -> None:
    with db.sessions() as session:
        period = resolve_period(session, Profile(), settings, now=NOW)
    assert (period.start, period.end) == (PERIOD_START, PERIOD_END)
    assert period.day == dt.date(2026, 11, 25)


def test_period_before_send_time_is_the_previous_one(db: Database, settings: Settings) -> None:
    early = dt.datetime(2026, 11, 25, 6, 59, tzinfo=UTC)
    with db.sessions() as session:
        period = resolve_period(session, Profile(), settings, now=early)
    assert period.end == dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def test_period_follows_the_last_sent_digest_not_a_failed_one(
    db: Database, settings: Settings
) -> None:
    with db.sessions.begin() as session:
        session.add(
            Digest(
                profile="default",
                period_start=PERIOD_START - dt.timedelta(days=1),
                period_end=PERIOD_START - dt.timedelta(hours=5),
                status="sent",
            )
        )
        session.add(
            Digest(
                profile="default",
                period_start=PERIOD_START - dt.timedelta(hours=5),
                period_end=PERIOD_START - dt.timedelta(hours=1),
                status="failed",
            )
        )
        session.add(  # another profile's digests do not move this one's period
            Digest(
                profile="other",
                period_start=PERIOD_START,
                period_end=PERIOD_END - dt.timedelta(hours=1),
                status="sent",
            )
        )
    with db.sessions() as session:
        period = resolve_period(session, Profile(), settings, now=NOW)
    # the failed digest's hours come again: start at the end of the last sent one
    assert period.start == PERIOD_START - dt.timedelta(hours=5)
    assert period.end == PERIOD_END


def test_a_digest_covers_only_up_to_when_it_was_sent(db: Database, settings: Settings) -> None:
    sent_at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    with db.sessions.begin() as session:
        session.add(  # `--date 2026-11-24 --send` run at 10:00 that day
            Digest(
                profile="default",
                period_start=dt.datetime(2026, 11, 24, tzinfo=UTC),
                period_end=dt.datetime(2026, 11, 25, tzinfo=UTC),
                status="sent",
                sent_at=sent_at,
                created_at=sent_at,
            )
        )
    with db.sessions() as session:
        period = resolve_period(session, Profile(), settings, now=NOW)
    assert (period.start, period.end) == (sent_at, PERIOD_END)


def test_date_option_is_the_local_day(db: Database, tmp_path) -> None:
    paris = Settings.from_env({}, data_dir=tmp_path, timezone="Europe/Paris")
    with db.sessions() as session:
        period = resolve_period(session, Profile(), paris, day=dt.date(2026, 11, 24))
    # Paris is UTC+1 in November
    assert period.start == dt.datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    assert period.end == dt.datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    with db.sessions() as session:
        summer = resolve_period(session, Profile(), paris, day=dt.date(2026, 7, 1))
    assert summer.start == dt.datetime(2026, 6, 30, 22, 0, tzinfo=UTC)


def test_new_incidents_grouped_by_place_most_severe_first(
    shared_scenario: tuple[Database, Scenario], settings: Settings
) -> None:
    db, scenario = shared_scenario
    content = _build(db, settings)
    ids = scenario.ids
    titles = [(g.country, g.admin1, [e.id for e in g.incidents]) for g in content.groups]
    # Mopti 30+19, Sahel 40, Ségou 5, Tombouctou 2, Ziguinchor 1, Tillabéri 0 killed
    assert titles == [
        ("ML", "Mopti", [ids["moura"], ids["ogossagou"]]),
        ("BF", "Sahel", [ids["djibo"]]),
        ("ML", "Ségou", [ids["farabougou"]]),
        ("ML", "Tombouctou", [ids["hostile"]]),
        ("SN", "Ziguinchor", [ids["senegal"]]),
        ("NE", "Tillabéri", [ids["tera"]]),
    ]
    assert [e.id for e in content.aggregates] == [ids["quarter"]]
    listed = set(content.incident_ids)
    assert ids["rejected_new"] not in listed
    assert ids["tomorrow"] not in listed
    assert ids["segou_old"] not in listed


def test_incident_entry_has_figures_spread_actors_evidence_links(
    shared_scenario: tuple[Database, Scenario], settings: Settings
) -> None:
    db, scenario = shared_scenario
    content = _build(db, settings)
    ogo = next(e for e in content.incidents if e.id == scenario.ids["ogossagou"])
    killed = ogo.figure("killed")
    assert killed is not None
    assert (killed.min, killed.max) == (19, 22)
    assert (killed.claims_low, killed.claims_high, killed.n_claims, killed.n_sources) == (
        19,
        22,
        3,
        3,
    )
    assert killed.claimants == ["the army", "local sources", "the UN mission"]
    assert [a.name for a in ogo.perpetrators] == ["Dan Na Ambassagou"]
    assert [a.name for a in ogo.targets] == ["civilians"]
    # the first evidence mention (by id) is the sentence shown
    assert ogo.evidence is not None and ogo.evidence.startswith("Gunmen attacked")
    assert {s.url for s in ogo.sources} == {
        scenario.urls["ogossagou-army"],
        scenario.urls["ogossagou-locals"],
        scenario.urls["ogossagou-un"],
    }
    assert ogo.url == f"http://127.0.0.1:8000/incidents/{ogo.id}"
    far = next(e for e in content.incidents if e.id == scenario.ids["farabougou"])
    assert (far.match_label, far.match_dataset) == ("matches", "acled")


def test_changes_come_from_the_audit_trail(
    shared_scenario: tuple[Database, Scenario], settings: Settings
) -> None:
    db, scenario = shared_scenario
    content = _build(db, settings, Profile(countries=("ML", "BF", "NE")))
    ids = scenario.ids
    by_id = {c.incident.id: c for c in content.changes}
    assert set(by_id) == {
        ids["segou_old"],
        ids["dup_old"],
        ids["bf_old"],
        ids["ne_old"],
        ids["edited_old"],
    }
    segou = by_id[ids["segou_old"]]
    assert [(i.kind, i.action, i.by) for i in segou.items] == [
        ("figures", "pipeline_update", None),
        ("status", "confirm", "awa"),
        ("merged_from", "merge", "awa"),
    ]
    assert segou.items[0].fields == [("killed_min", 7, 12), ("killed_max", 7, 12)]
    assert segou.items[2].related == ids["dup_old"]
    assert segou.items[2].fields == [("killed_max", 12, 14)]
    assert by_id[ids["dup_old"]].items[0].merged_into == ids["segou_old"]
    bf = by_id[ids["bf_old"]]
    # the evidence_seen row and the confirm before the period are not changes
    assert [i.kind for i in bf.items] == ["sources"]
    assert [s.url for s in bf.items[0].sources] == [scenario.urls["djibo"]]
    assert by_id[ids["ne_old"]].items[0].note == "a duplicate of an older report"
    edited = by_id[ids["edited_old"]].items
    assert [(i.kind, i.by, i.fields) for i in edited] == [
        ("edit", "awa", [("place_name", "Diafarabe", "Diafarabé")]),
        ("edit", None, [("event_date", "2026-11-16", "2026-11-17")]),
    ]


def test_totals_trend_and_source_warnings(
    shared_scenario: tuple[Database, Scenario], settings: Settings
) -> None:
    db, _ = shared_scenario
    content = _build(db, settings)
    t = content.totals
    # events: Moura 30, Ogossagou 19, Djibo 40, Farabougou 5, hostile 2, Ziguinchor 1, Téra 0
    assert (t.new_incidents, t.killed, t.injured, t.abducted, t.aggregates) == (7, 97, 10, 12, 1)
    # changes: Niono (revised + confirmed), Bignona (confirmed), the merged duplicate,
    # Arbinda (new source), Ouallam (rejected), Diafarabé (edited)
    assert (t.changed_incidents, t.confirmed, t.rejected, t.merged, t.revised) == (6, 2, 1, 1, 1)

    trend = {d.day: (d.incidents, d.killed) for d in content.trend}
    assert len(content.trend) == 30
    assert min(trend) == dt.date(2026, 10, 27) and max(trend) == dt.date(2026, 11, 25)
    # 24th: Téra 0, Moura 30, hostile (no date, created the 24th) 2, Ziguinchor 1
    assert trend[dt.date(2026, 11, 24)] == (4, 33)
    assert trend[dt.date(2026, 11, 23)] == (2, 24)  # Ogossagou 19 + Farabougou 5
    assert trend[dt.date(2026, 11, 21)] == (3, 10)  # 4 + 6 + Bignona (no figure)
    assert trend[dt.date(2026, 11, 25)] == (1, 4)  # Kidal, created after the period
    assert trend[dt.date(2026, 11, 14)] == (1, 9)
    assert trend[dt.date(2026, 11, 18)] == (0, 0)  # Ouallam was rejected
    assert sum(n for n, _ in trend.values()) == 15  # the aggregate is never counted

    assert [(w.key, w.health) for w in content.warnings] == [
        ("radio_mopti", "failing"),
        ("quiet_feed", "ok"),
    ]


def test_profile_place_filter_and_thresholds(
    shared_scenario: tuple[Database, Scenario], settings: Settings
) -> None:
    db, scenario = shared_scenario
    ids = scenario.ids
    mopti = _build(db, settings, Profile(countries=("ML",), admin1=("mopti",)))
    assert [e.id for e in mopti.incidents] == [ids["moura"], ids["ogossagou"]]
    assert [c.incident.id for c in mopti.changes] == [ids["edited_old"]]

    severe = Profile(min_killed=20, actor_types=("Foreign forces",), match="any")
    content = _build(db, settings, severe)
    # Djibo (40) and Moura (30 and foreign forces); Ogossagou's lowest claim is 19;
    # the aggregate is always listed, in its own section
    assert {e.id for g in content.groups for e in g.incidents} == {ids["djibo"], ids["moura"]}
    assert [e.id for e in content.aggregates] == [ids["quarter"]]

    both = Profile(min_civilians_killed=1, actor_types=("foreign_forces",))
    content = _build(db, settings, both)
    assert [e.id for g in content.groups for e in g.incidents] == [ids["moura"]]


def test_empty_period(db: Database, settings: Settings) -> None:
    content = _build(db, settings)
    assert content.is_empty
    assert content.totals.new_incidents == 0
    assert len(content.trend) == 30
