"""The schema refuses what must never be stored."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import Database
from storage.audit import record, trail
from storage.models import (
    Article,
    AuditImmutableError,
    Claim,
    Incident,
    Review,
    Source,
)


def _source(session: Session) -> Source:
    src = Source(key="s1", name="S1", kind="feed", url="http://127.0.0.1/feed", lang="en")
    session.add(src)
    session.flush()
    return src


def test_second_article_with_same_canonical_url_is_refused(db: Database) -> None:
    with db.sessions.begin() as session:
        src = _source(session)
        session.add(
            Article(source_id=src.id, url="http://a/x?utm_source=1", canonical_url="http://a/x")
        )
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.add(Article(url="http://a/x?ref=2", canonical_url="http://a/x"))
    with db.sessions() as session:
        assert len(session.scalars(select(Article)).all()) == 1


def test_audit_rows_cannot_be_updated_or_deleted(db: Database) -> None:
    with db.sessions.begin() as session:
        inc = Incident(status="candidate")
        session.add(inc)
        session.flush()
        record(session, incident_id=inc.id, user_id=None, action="confirm", after={"status": "x"})
        incident_id = inc.id
    with pytest.raises(AuditImmutableError), db.sessions.begin() as session:
        row = session.scalars(select(Review)).one()
        row.note = "rewritten history"
    with pytest.raises(AuditImmutableError), db.sessions.begin() as session:
        session.delete(session.scalars(select(Review)).one())
    with db.sessions() as session:
        rows = trail(session, incident_id)
        assert [(r.action, r.note) for r in rows] == [("confirm", None)]


def test_unknown_audit_action_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="unknown audit action"), db.sessions.begin() as session:
        record(session, incident_id=None, user_id=None, action="rewrite")


@pytest.mark.parametrize(
    ("values", "what"),
    [
        ({"kind": "killed", "min": 10, "max": 5}, "min above max"),
        ({"kind": "killed", "min": -1, "max": None}, "negative"),
        ({"kind": "wounded", "min": 1, "max": 1}, "unknown kind"),
    ],
)
def test_claim_checks(db: Database, values: dict[str, object], what: str) -> None:
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        inc = Incident()
        session.add(inc)
        session.flush()
        session.add(Claim(incident_id=inc.id, origin="reviewer", **values))


def test_merged_incident_needs_a_target(db: Database) -> None:
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.add(Incident(status="merged"))


def test_incident_status_is_checked(db: Database) -> None:
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.add(Incident(status="maybe"))


def test_stale_incident_version_is_refused(db: Database) -> None:
    # Two reviewers load the same incident; the second write must not silently win.
    with db.sessions.begin() as session:
        inc = Incident(event_date=dt.date(2022, 3, 27))
        session.add(inc)
        session.flush()
        incident_id = inc.id
    first = db.sessions()
    second = db.sessions()
    a = first.get(Incident, incident_id)
    b = second.get(Incident, incident_id)
    assert a is not None and b is not None
    a.status = "confirmed"
    first.commit()
    b.status = "rejected"
    with pytest.raises(StaleDataError):
        second.commit()
    second.rollback()
    first.close()
    second.close()
    with db.sessions() as session:
        assert session.get(Incident, incident_id).status == "confirmed"  # type: ignore[union-attr]


def test_times_come_back_aware_utc(db: Database) -> None:
    when = dt.datetime(2022, 3, 27, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with db.sessions.begin() as session:
        session.add(Article(url="u", canonical_url="u", published_at=when))
    with db.sessions() as session:
        stored = session.scalars(select(Article)).one().published_at
    assert stored is not None
    assert stored.tzinfo is not None and stored.utcoffset() == dt.timedelta(0)
    assert stored == when


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), db.sessions.begin() as session:
        session.add(Article(url="n", canonical_url="n", published_at=dt.datetime(2022, 1, 1)))
