"""One event, several records in the review UI: the incident page shows the
event's records with the total and per-side figures and why reports were
merged; the queue marks the records; a reviewer confirms the whole event (HTTP
and a real Chromium) or each record on its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from storage import Database
from storage.models import Article, EvidenceMention, Incident, Review
from tests.review.conftest import csrf_of
from tests.review.seed import PASSWORD, Seeded
from tests.review.test_browser import browser_page  # noqa: F401  (fixture)

WHY = {
    "score": 0.84,
    "threshold": 0.6,
    "parts": {"place": 0.95, "date": 0.8, "actors": 0.5, "figures": 1.0},
    "notes": {
        "place": "spelling variant Boulkesi ~ Boulkessi",
        "date": "undated, reported 1 days after",
    },
    "decided_by": ["place", "date"],
}


def _event(db: Database) -> tuple[int, int, int]:
    """Soldiers (11) and civilians (6) killed in one attack, two records linked,
    the civilians' record with a second report attached by merging."""
    with db.sessions.begin() as s:
        soldiers = Incident(
            status="candidate", event_date=dt.date(2024, 6, 1), date_precision="day",
            place_name="Boulkessi", country="ML", place_precision="point",
            killed_min=11, killed_max=11, victims=["soldiers"], confidence=0.8,
        )  # fmt: skip
        civilians = Incident(
            status="candidate", event_date=dt.date(2024, 6, 1), date_precision="day",
            place_name="Boulkessi", country="ML", place_precision="point",
            killed_min=6, killed_max=6, victims=["civilians"], confidence=0.8,
        )  # fmt: skip
        s.add_all([soldiers, civilians])
        s.flush()
        soldiers.event_group = civilians.event_group = soldiers.id
        article = Article(
            url="http://outlet-b.test/boulkesi", canonical_url="http://outlet-b.test/boulkesi",
            text="Six civilians were killed in Boulkesi.", language="en",
        )  # fmt: skip
        s.add(article)
        s.flush()
        s.add(
            EvidenceMention(
                incident_id=civilians.id, article_id=article.id, sentence=article.text,
                start=0, end=len(article.text), similarity=0.84, merge_why=WHY,
            )
        )  # fmt: skip
        return soldiers.id, civilians.id, soldiers.id


def test_incident_page_queue_and_confirm_event(
    reviewer: tuple[FlaskClient, str], review_db: Database, seeded: Seeded
) -> None:
    client, token = reviewer
    soldiers, civilians, group = _event(review_db)
    page = client.get(f"/incidents/{civilians}").get_data(as_text=True)
    assert "One event, 2 records" in page
    assert "Killed in total 17" in page
    assert "civilians 6" in page and "soldiers 11" in page
    assert f'href="/incidents/{soldiers}"' in page
    # why the second report was merged here
    assert "decided by <strong>place + date</strong>" in page
    assert "spelling variant Boulkesi ~ Boulkessi" in page
    # an incident of no event shows neither section
    other = client.get(f"/incidents/{seeded.menaka}").get_data(as_text=True)
    assert "One event," not in other and "Why reports were merged" not in other

    queue = client.get("/queue").get_data(as_text=True)
    assert queue.count("event 2 records · 17 killed") == 2

    response = client.post(
        f"/events/{group}/confirm",
        data={"csrf_token": token, "next": f"/incidents/{civilians}"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/incidents/{civilians}"
    )
    with review_db.sessions() as s:
        for iid in (soldiers, civilians):
            incident = s.get(Incident, iid)
            assert incident is not None and incident.status == "confirmed"
            actions = list(s.scalars(select(Review.action).where(Review.incident_id == iid)))
            assert actions == ["confirm"]
    # everything decided: the form is gone, the page says so
    page = client.get(f"/incidents/{civilians}").get_data(as_text=True)
    assert "confirm-event-form" not in page
    # without a CSRF token nothing happens
    assert client.post(f"/events/{group}/confirm", data={}).status_code in (400, 403)


def test_confirm_one_record_leaves_the_other(
    reviewer: tuple[FlaskClient, str], review_db: Database
) -> None:
    client, _ = reviewer
    soldiers, civilians, _group = _event(review_db)
    page = client.get(f"/incidents/{soldiers}").get_data(as_text=True)
    with review_db.sessions() as s:
        version = s.get(Incident, soldiers).version  # type: ignore[union-attr]
    client.post(
        f"/incidents/{soldiers}/confirm",
        data={"csrf_token": csrf_of(page), "version": str(version)},
    )
    with review_db.sessions() as s:
        assert s.get(Incident, soldiers).status == "confirmed"  # type: ignore[union-attr]
        assert s.get(Incident, civilians).status == "candidate"  # type: ignore[union-attr]
    page = client.get(f"/incidents/{civilians}").get_data(as_text=True)
    assert "Confirm the event (1 open records)" in page


def test_confirm_event_in_a_real_browser(
    browser_page: Any,  # noqa: F811
    live_server: str,
    review_db: Database,
    seeded: Seeded,
) -> None:
    page = browser_page
    soldiers, civilians, _group = _event(review_db)
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/incidents/{soldiers}")
    assert "Killed in total 17" in page.inner_text("#event-group")
    with page.expect_navigation():
        page.click("#confirm-event-form button[type=submit]")
    assert page.is_visible("text=confirmed #")
    with review_db.sessions() as s:
        assert {s.get(Incident, i).status for i in (soldiers, civilians)} == {"confirmed"}  # type: ignore[union-attr]
