"""Reviewer actions on SQLite and PostgreSQL: audit rows, locked fields, merge/split,
and optimistic locking when two reviewers act on the same incident."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from incidents import decisions
from review import editform
from storage import Database
from storage.models import Claim, EvidenceMention, Incident, IncidentActor, Review, User
from tests.review.seed import Seeded, seed


@pytest.fixture
def db(any_db: Database) -> Database:
    return any_db


@pytest.fixture
def data(db: Database) -> Seeded:
    with db.sessions.begin() as s:
        return seed(s)


def _user(s: object, user_id: int) -> User:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    user = s.get(User, user_id)
    assert user is not None
    return user


def _trail(db: Database, incident_id: int) -> list[Review]:
    with db.sessions() as s:
        return list(
            s.scalars(select(Review).where(Review.incident_id == incident_id).order_by(Review.id))
        )


def _get(db: Database, incident_id: int) -> Incident:
    with db.sessions() as s:
        incident = s.get(Incident, incident_id)
        assert incident is not None
        return incident


def test_confirm_and_reject_write_audit_rows(db: Database, data: Seeded) -> None:
    with db.sessions.begin() as s:
        decisions.confirm(s, data.mopti, 1, _user(s, data.reviewer), "three outlets agree")
    incident = _get(db, data.mopti)
    assert incident.status == "confirmed" and incident.version == 2
    assert incident.reviewed_by == data.reviewer
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="reason is required"):
        decisions.reject(s, data.menaka, 1, _user(s, data.reviewer), "   ")
    with db.sessions.begin() as s:
        decisions.reject(s, data.menaka, 1, _user(s, data.reviewer), "not in our area")
    [row] = _trail(db, data.mopti)
    assert (row.action, row.user_id, row.note) == ("confirm", data.reviewer, "three outlets agree")
    assert row.before == {"status": "candidate"} and row.after == {"status": "confirmed"}
    [row] = _trail(db, data.menaka)
    assert (row.action, row.note, row.after) == (
        "reject",
        "not in our area",
        {"status": "rejected"},
    )
    assert _get(db, data.menaka).status == "rejected"


def test_edit_locks_the_edited_fields_and_audits_before_after(db: Database, data: Seeded) -> None:
    changes = editform.parse_edit_form(
        {
            "place_name": "Ogossagou",
            "admin2": "Bankass",  # unchanged: not recorded, not locked
            "event_date": "2024-03-23",
            "date_precision": "day",
            "perpetrators": "Dan Na Ambassagou; Unidentified armed group",
        }
    )
    with db.sessions.begin() as s:
        decisions.edit(
            s,
            data.mopti,
            1,
            _user(s, data.reviewer),
            changes,
            "per ACLED",
            actor_types={"Dan Na Ambassagou": "militia"},
        )
    incident = _get(db, data.mopti)
    assert incident.place_name == "Ogossagou"
    assert incident.event_date == dt.date(2024, 3, 23)
    assert sorted(incident.locked_fields) == ["event_date", "perpetrators", "place_name"]
    [row] = _trail(db, data.mopti)
    assert row.action == "edit"
    assert row.before == {
        "place_name": "Ogossagou-Peul",
        "event_date": "2024-03-24",
        "perpetrators": ["Unidentified armed group"],
    }
    assert row.after == {
        "place_name": "Ogossagou",
        "event_date": "2024-03-23",
        "perpetrators": ["Dan Na Ambassagou", "Unidentified armed group"],
    }
    with db.sessions() as s:
        added = s.scalar(select(IncidentActor).where(IncidentActor.actor == "Dan Na Ambassagou"))
        assert added is not None
        assert (added.origin, added.role, added.actor_type) == (
            "reviewer",
            "perpetrator",
            "militia",
        )
        # the machine's actor rows the reviewer kept are still there, with provenance
        kept = s.scalars(
            select(IncidentActor).where(
                IncidentActor.incident_id == data.mopti,
                IncidentActor.actor == "Unidentified armed group",
            )
        ).all()
        assert len(kept) == 2 and all(a.article_id is not None for a in kept)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"lat": "91"}, "latitude"),
        ({"country": "Mali"}, "ISO 3166"),
        ({"event_date": "24/03/2024"}, "not a date"),
        ({"place_precision": "street"}, "place precision"),
        ({"geonames_id": "abc"}, "GeoNames"),
    ],
)
def test_bad_edit_values_are_refused_with_a_named_reason(
    form: dict[str, str], message: str
) -> None:
    with pytest.raises(decisions.ActionError, match=message):
        editform.parse_edit_form(form)


def test_edit_refuses_end_before_start_and_no_change(db: Database, data: Seeded) -> None:
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="end date"):
        decisions.edit(
            s, data.mopti, 1, _user(s, data.reviewer), {"event_date_end": dt.date(2024, 3, 1)}
        )
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="Nothing changed"):
        decisions.edit(s, data.mopti, 1, _user(s, data.reviewer), {"place_name": "Ogossagou-Peul"})
    assert _trail(db, data.mopti) == []


def test_reviewer_claim_wins_and_is_audited(db: Database, data: Seeded) -> None:
    with db.sessions.begin() as s:
        decisions.add_claim(
            s,
            data.mopti,
            1,
            _user(s, data.reviewer),
            kind="killed",
            minimum=20,
            maximum=20,
            victims_text="villagers",
            victim_category="civilians",
            note="HRW count",
        )
    incident = _get(db, data.mopti)
    assert (incident.killed_min, incident.killed_max) == (20, 20)
    [row] = _trail(db, data.mopti)
    assert row.action == "claim_add" and row.note == "HRW count"
    assert row.before["killed_min"] == 19 and row.after["killed_min"] == 20
    assert row.before["killed_max"] == 22 and row.after["killed_max"] == 20
    assert row.after["claim"]["min"] == 20 and row.after["claim"]["victims_text"] == "villagers"
    with db.sessions() as s:
        claim = s.scalar(select(Claim).where(Claim.origin == "reviewer"))
        assert claim is not None and claim.user_id == data.reviewer and claim.claimant == "rita"


@pytest.mark.parametrize(
    ("lo", "hi", "message"),
    [(None, None, "minimum, a maximum"), (5, 3, "below the minimum")],
)
def test_bad_reviewer_claims_are_refused(
    db: Database, data: Seeded, lo: int | None, hi: int | None, message: str
) -> None:
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match=message):
        decisions.add_claim(
            s, data.mopti, 1, _user(s, data.reviewer), kind="killed", minimum=lo, maximum=hi
        )
    assert _trail(db, data.mopti) == []


def test_merge_counts_the_merged_claims_and_unmerge_restores(db: Database, data: Seeded) -> None:
    # Target: the duplicate report (21 killed). After the merge its figures are
    # computed over its claim and Mopti's three: lowest minimum 18 (une vingtaine:
    # 18–22), no maximum because "at least 19" is open-ended (conservative policy).
    with db.sessions.begin() as s:
        result = decisions.merge(
            s, data.mopti, 1, _user(s, data.reviewer), data.mopti_dup, "same attack"
        )
    assert result.redirect_to == data.mopti_dup
    merged, target = _get(db, data.mopti), _get(db, data.mopti_dup)
    assert (merged.status, merged.merged_into) == ("merged", data.mopti_dup)
    assert (target.killed_min, target.killed_max) == (18, None)
    # Mopti's claims were not moved
    with db.sessions() as s:
        assert len(s.scalars(select(Claim).where(Claim.incident_id == data.mopti)).all()) == 3
    [a_row] = _trail(db, data.mopti)
    assert a_row.action == "merge" and a_row.after == {
        "status": "merged",
        "merged_into": data.mopti_dup,
    }
    [b_row] = _trail(db, data.mopti_dup)
    assert b_row.after["merged_from"] == data.mopti and b_row.note == "same attack"
    assert b_row.before["killed_min"] == 21 and b_row.after["killed_min"] == 18
    with db.sessions.begin() as s:
        decisions.unmerge(s, data.mopti, merged.version, _user(s, data.reviewer2), "different day")
    merged, target = _get(db, data.mopti), _get(db, data.mopti_dup)
    assert (merged.status, merged.merged_into) == ("candidate", None)
    assert (target.killed_min, target.killed_max) == (21, 21)
    assert [r.action for r in _trail(db, data.mopti)] == ["merge", "reopen"]
    assert [r.action for r in _trail(db, data.mopti_dup)] == ["merge", "split"]


def test_merge_refusals(db: Database, data: Seeded) -> None:
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="itself"):
        decisions.merge(s, data.mopti, 1, _user(s, data.reviewer), data.mopti)
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="does not exist"):
        decisions.merge(s, data.mopti, 1, _user(s, data.reviewer), 9999)
    with db.sessions.begin() as s:
        decisions.merge(s, data.mopti_dup, 1, _user(s, data.reviewer), data.mopti)
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="merge into"):
        decisions.merge(s, data.menaka, 1, _user(s, data.reviewer), data.mopti_dup)


def test_split_an_article_out_into_a_new_incident(db: Database, data: Seeded) -> None:
    # Taking the French article out leaves "at least 19" and "22": min 19, open max.
    # The new incident has only "une vingtaine" (18–22).
    with db.sessions.begin() as s:
        result = decisions.split(
            s,
            data.mopti,
            1,
            _user(s, data.reviewer),
            article_id=data.article_fr,
            note="different village",
        )
    new_id = result.redirect_to
    assert new_id is not None and new_id != data.mopti
    old, new = _get(db, data.mopti), _get(db, new_id)
    assert (old.killed_min, old.killed_max) == (19, None)
    assert (new.killed_min, new.killed_max) == (18, 22)
    assert new.status == "candidate" and new.place_name == "Ogossagou-Peul"
    with db.sessions() as s:
        assert s.scalar(select(Claim.incident_id).where(Claim.id == data.claim_fr)) == new_id
        moved = s.scalars(
            select(EvidenceMention).where(EvidenceMention.article_id == data.article_fr)
        ).all()
        assert [m.incident_id for m in moved] == [new_id]
        actors = s.scalars(select(IncidentActor).where(IncidentActor.incident_id == new_id)).all()
        assert [a.as_written for a in actors] == ["hommes armés"]
    [row] = _trail(db, data.mopti)
    assert row.action == "split" and row.after["new_incident_id"] == new_id
    assert row.after["claim_ids"] == [data.claim_fr] and row.note == "different village"
    [row] = _trail(db, new_id)
    assert row.before == {"split_from": data.mopti}


def test_split_refuses_claims_of_another_incident(db: Database, data: Seeded) -> None:
    with db.sessions() as s:
        menaka_claim = s.scalar(select(Claim.id).where(Claim.incident_id == data.menaka))
    assert menaka_claim is not None
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="do not belong"):
        decisions.split(s, data.mopti, 1, _user(s, data.reviewer), claim_ids=[menaka_claim])
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="at least one"):
        decisions.split(s, data.mopti, 1, _user(s, data.reviewer))


def test_grade_and_evidence_seen(db: Database, data: Seeded) -> None:
    with db.sessions.begin() as s:
        incident = s.get(Incident, data.menaka)
        assert incident is not None
        incident.new_evidence = True
    version = _get(db, data.menaka).version
    with db.sessions.begin() as s:
        decisions.grade(s, data.menaka, version, _user(s, data.reviewer), "single_source")
    with db.sessions.begin() as s, pytest.raises(decisions.ActionError, match="Unknown grade"):
        decisions.grade(s, data.menaka, version + 1, _user(s, data.reviewer), "excellent")
    with db.sessions.begin() as s:
        decisions.evidence_seen(s, data.menaka, version + 1, _user(s, data.reviewer))
    incident = _get(db, data.menaka)
    assert incident.grade == "single_source" and incident.new_evidence is False
    assert [(r.action, r.after) for r in _trail(db, data.menaka)] == [
        ("grade", {"grade": "single_source"}),
        ("evidence_seen", {"new_evidence": False}),
    ]


def test_stale_version_changes_nothing_and_names_who_changed_it(db: Database, data: Seeded) -> None:
    # Both reviewers opened the incident at version 1; rita confirms first.
    with db.sessions.begin() as s:
        decisions.confirm(s, data.mopti, 1, _user(s, data.reviewer))
    with db.sessions.begin() as s, pytest.raises(decisions.StaleVersion) as caught:
        decisions.reject(s, data.mopti, 1, _user(s, data.reviewer2), "duplicate")
    assert "rita (confirm)" in str(caught.value) and "NOT applied" in str(caught.value)
    assert _get(db, data.mopti).status == "confirmed"
    assert [r.action for r in _trail(db, data.mopti)] == ["confirm"]
    # bob looks again and applies his decision on the current version: both are kept
    with db.sessions.begin() as s:
        decisions.reject(s, data.mopti, 2, _user(s, data.reviewer2), "duplicate")
    assert [(r.action, r.user_id) for r in _trail(db, data.mopti)] == [
        ("confirm", data.reviewer),
        ("reject", data.reviewer2),
    ]


def test_simultaneous_writes_one_wins_the_other_is_told(db: Database, data: Seeded) -> None:
    """Both transactions read version 1 before either writes: the version column
    makes the second UPDATE match no row, and it is refused, not applied."""
    first, second = db.sessions(), db.sessions()
    try:
        a = decisions.load(first, data.mopti, 1)
        b = decisions.load(second, data.mopti, 1)
        assert a.version == b.version == 1
        decisions.confirm(first, data.mopti, 1, _user(first, data.reviewer))
        first.commit()
        with pytest.raises(decisions.StaleVersion, match="NOT applied"):
            decisions.reject(second, data.mopti, 1, _user(second, data.reviewer2), "dup")
        second.rollback()
    finally:
        first.close()
        second.close()
    assert _get(db, data.mopti).status == "confirmed"
    assert [r.action for r in _trail(db, data.mopti)] == ["confirm"]


def test_threads_racing_on_one_incident_lose_no_decision(db: Database, data: Seeded) -> None:
    """Eight threads grade the same incident from the same version at once:
    exactly one is applied, every other one gets StaleVersion (none is lost silently)."""
    grades = ["single_source", "corroborated", "contested"] * 3
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def work(n: int) -> None:
        barrier.wait()
        try:
            with db.sessions.begin() as s:
                decisions.grade(s, data.menaka, 1, _user(s, data.reviewer), grades[n])
            result = "applied"
        except decisions.StaleVersion:
            result = "stale"
        except Exception as exc:  # SQLite may report the lock as an OperationalError
            result = f"error: {type(exc).__name__}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("applied") == 1, outcomes
    assert outcomes.count("stale") == 7, outcomes
    rows = _trail(db, data.menaka)
    assert len(rows) == 1 and rows[0].action == "grade"
    assert _get(db, data.menaka).grade == rows[0].after["grade"]
