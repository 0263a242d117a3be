"""Hostile input over HTTP: huge and Unicode numbers, CR/LF in redirects, implausible
dates, spreadsheet formulas in exports, a huge query string; and the security log.

Each case gave a 500, a broken incident page, a formula in the CSV or a 1.8 MB
queue page before issue 14.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from review import create_app
from settings import Settings
from storage import Database
from storage.models import (
    AuditImmutableError,
    EvidenceMention,
    Incident,
    IncidentActor,
    Review,
    SecurityEvent,
)
from tests.review.conftest import SECRET, csrf_of, login
from tests.review.seed import PASSWORD, Seeded, seed

HUGE = str(2**31)  # one above the largest id (INTEGER is 32-bit on PostgreSQL)
HUGE64 = str(2**63)  # one above the largest 64-bit integer (SQLite)
HUGER = "9" * 30
UNICODE_DIGITS = ("²", "³", "٣", "１")  # superscripts, Arabic-Indic, full-width


@pytest.fixture
def signed_in(
    any_db: Database, tmp_path: Path
) -> Iterator[tuple[FlaskClient, str, Database, Seeded]]:
    """Rita signed in to the seeded app, on SQLite and on real PostgreSQL."""
    with any_db.sessions.begin() as s:
        seeded = seed(s)
    settings = Settings.from_env({}, data_dir=tmp_path / "data", secret_key=SECRET)
    client = create_app(settings, any_db).test_client()
    yield client, login(client, "rita"), any_db, seeded


def _audit_count(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count(Review.id))) or 0


def test_huge_and_unicode_ids_in_paths_are_404_not_500(
    signed_in: tuple[FlaskClient, str, Database, Seeded],
) -> None:
    client, token, db, _ = signed_in
    for raw in (HUGE, HUGE64, HUGER, *UNICODE_DIGITS):
        assert client.get(f"/incidents/{raw}").status_code == 404, raw
        response = client.post(
            f"/incidents/{raw}/confirm", data={"csrf_token": token, "version": "1"}
        )
        assert response.status_code == 404, raw
    assert client.get(f"/incidents/{2**31 - 1}").status_code == 404  # the largest id: no such row
    assert _audit_count(db) == 0


def test_huge_and_unicode_numbers_in_forms_and_queries_are_refused_cleanly(
    signed_in: tuple[FlaskClient, str, Database, Seeded],
) -> None:
    client, token, db, seeded = signed_in
    url = f"/incidents/{seeded.mopti}"
    for raw in (HUGE, HUGE64, HUGER, *UNICODE_DIGITS):
        # the incident page's merge search and the queue's page number
        assert client.get(f"{url}?merge_q={raw}").status_code == 200, raw
        assert client.get(f"/queue?page={raw}").status_code == 200, raw
        # a version that is no number: 400, as a missing one
        response = client.post(f"{url}/confirm", data={"csrf_token": token, "version": raw})
        assert response.status_code == 400, raw
        for action, form, message in (
            ("merge", {"into": raw}, "Give the number"),
            ("claim", {"kind": "killed", "min": raw}, "min:"),
            ("claim", {"kind": "killed", "max": raw}, "max:"),
            ("edit", {"geonames_id": raw}, "GeoNames id"),
            ("split", {"article_id": raw}, "Choose at least one"),
            ("split", {"claim_id": raw}, "Choose at least one"),
        ):
            response = client.post(
                f"{url}/{action}",
                data={"csrf_token": token, "version": "1", **form},
                follow_redirects=True,
            )
            assert response.status_code == 200, (raw, action)
            assert message in response.get_data(as_text=True), (raw, action)
    assert _audit_count(db) == 0


def test_the_api_refuses_huge_and_unicode_numbers(
    signed_in: tuple[FlaskClient, str, Database, Seeded],
) -> None:
    from storage.users import create_api_token, get_user

    client, _, db, _ = signed_in
    with db.sessions.begin() as s:
        rita = get_user(s, "rita")
        assert rita is not None
        token = create_api_token(s, rita, "test")
    auth = {"Authorization": f"Bearer {token}"}
    for raw in (HUGE, HUGE64, HUGER, *UNICODE_DIGITS):
        response = client.get(f"/api/incidents/{raw}", headers=auth)
        assert response.status_code == 404 and response.is_json, raw
        response = client.get(f"/api/incidents?page={raw}", headers=auth)
        assert response.status_code == 400 and response.is_json, raw


@pytest.mark.parametrize(
    "target", ["/queue\r\nSet-Cookie: x=1", "/queue\nX: y", "/queue\r", "/\x00", "/q\u2028"]
)
def test_control_characters_in_next_fall_back_home(app: Flask, target: str) -> None:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"username": "rita", "password": PASSWORD, "csrf_token": token, "next": target},
    )
    assert response.status_code == 302
    assert response.location == "/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")
    assert client.get("/login", query_string={"next": target}).status_code == 200


def test_implausible_event_dates_are_refused(
    signed_in: tuple[FlaskClient, str, Database, Seeded],
) -> None:
    client, token, db, seeded = signed_in
    url = f"/incidents/{seeded.mopti}"
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    for field in ("event_date", "event_date_end"):
        for value in ("0001-01-01", "1899-12-31", (tomorrow + dt.timedelta(days=1)).isoformat()):
            response = client.post(
                f"{url}/edit",
                data={"csrf_token": token, "version": "1", field: value},
                follow_redirects=True,
            )
            html = response.get_data(as_text=True)
            assert response.status_code == 200 and "is not plausible" in html, (field, value)
    with db.sessions() as s:
        incident = s.get(Incident, seeded.mopti)
        assert incident is not None and incident.event_date == dt.date(2024, 3, 24)
    # the edges are fine: an old event and one reported today
    response = client.post(
        f"{url}/edit",
        data={"csrf_token": token, "version": "1", "event_date": "1900-01-01"},
        follow_redirects=True,
    )
    assert "Saved: event_date" in response.get_data(as_text=True)


@pytest.mark.parametrize("stored", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_an_incident_with_an_extreme_stored_date_still_opens(
    signed_in: tuple[FlaskClient, str, Database, Seeded], stored: dt.date
) -> None:
    # The pipeline (or an edit before this fix) may have stored such a date: the page
    # with the edit form must still load, or the incident can never be repaired.
    client, token, db, seeded = signed_in
    with db.sessions.begin() as s:
        s.execute(update(Incident).where(Incident.id == seeded.mopti).values(event_date=stored))
    page = client.get(f"/incidents/{seeded.mopti}")
    assert page.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True))
    assert version
    response = client.post(
        f"/incidents/{seeded.mopti}/edit",
        data={"csrf_token": token, "version": version.group(1), "event_date": "2024-03-24"},
        follow_redirects=True,
    )
    assert "Saved: event_date" in response.get_data(as_text=True)


def test_csv_cells_that_would_run_as_formulas_are_neutralised(
    reviewer: tuple[FlaskClient, str], seeded: Seeded, review_db: Database
) -> None:
    client, _ = reviewer
    with review_db.sessions.begin() as s:
        s.execute(
            update(Incident)
            .where(Incident.id == seeded.mopti)
            .values(place_name='=HYPERLINK("http://evil.example","x")', admin1="+1+2")
        )
        s.execute(
            update(IncidentActor)
            .where(IncidentActor.incident_id == seeded.mopti, IncidentActor.role == "perpetrator")
            .values(actor="@SUM(A1)")
        )
        s.execute(
            update(EvidenceMention)
            .where(EvidenceMention.incident_id == seeded.mopti)
            .values(sentence="-2+3 killed")
        )
        s.execute(
            update(Incident)
            .where(Incident.id == seeded.menaka)
            .values(admin2="\tcmd", place_name="\r=1")
        )
    text = client.get("/export.csv?status=all").get_data(as_text=True)
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    mopti, menaka = rows[str(seeded.mopti)], rows[str(seeded.menaka)]
    assert mopti["location"] == '\'=HYPERLINK("http://evil.example","x")'
    assert mopti["admin1"] == "'+1+2"
    assert mopti["actor1"] == "'@SUM(A1)"
    assert mopti["notes"] == "'-2+3 killed"
    assert menaka["admin2"] == "'\tcmd" and menaka["location"] == "'\r=1"
    # numbers stay numbers: a negative longitude is data, not a formula
    assert mopti["longitude"] == "-3.98"
    for row in rows.values():
        for value in row.values():
            assert not value or value[0] not in "=+@\t\r", value


def test_the_queue_does_not_repeat_the_query_string_in_every_row(
    reviewer: tuple[FlaskClient, str],
) -> None:
    client, _ = reviewer
    junk = "A" * 100_000
    response = client.get(f"/queue?status=candidate&x={junk}&actor=&country=ML")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('data-incident="') == 4
    assert junk[:1000] not in html
    assert len(html) < 40_000, len(html)
    # the rows still lead back to the same filters
    assert "back=/queue?status%3Dcandidate%26country%3DML" in html


# --- the security log ----------------------------------------------------------------


def _events(db: Database) -> list[tuple[str, str | None]]:
    with db.sessions() as s:
        rows = s.scalars(select(SecurityEvent).order_by(SecurityEvent.id))
        return [(r.event, r.username) for r in rows]


def test_sign_ins_failures_changes_and_exports_are_logged_for_admins(
    app: Flask, review_db: Database, seeded: Seeded
) -> None:
    rita = app.test_client()
    token = csrf_of(rita.get("/login").get_data(as_text=True))
    for _ in range(5):
        rita.post("/login", data={"username": "rita", "password": "nope-nope", "csrf_token": token})
    rita.post("/login", data={"username": "ghost", "password": "nope-nope", "csrf_token": token})
    bob = app.test_client()
    bob_token = login(bob, "bob")
    bob.get("/export.csv?status=all")
    bob.post("/logout", data={"csrf_token": bob_token})
    ada = app.test_client()
    ada_token = login(ada, "ada")
    ada.post(
        "/admin/users",
        data={"csrf_token": ada_token, "username": "carol", "password": "x" * 12},
    )
    ada.post(
        f"/admin/users/{seeded.reviewer2}/role", data={"csrf_token": ada_token, "role": "admin"}
    )
    ada.post("/admin/tokens", data={"csrf_token": ada_token, "username": "carol", "name": "t"})
    ada.post(f"/admin/users/{seeded.reviewer}/unlock", data={"csrf_token": ada_token})
    events = _events(review_db)
    assert events[:5] == [("login_failed", "rita")] * 4 + [("login_failed", "rita")]
    assert ("account_locked", "rita") in events
    assert ("login_failed", "ghost") in events
    assert events[events.index(("account_locked", "rita")) + 1 :] == [
        ("login_failed", "ghost"),
        ("login_ok", "bob"),
        ("export", "bob"),
        ("logout", "bob"),
        ("login_ok", "ada"),
        ("user_added", "carol"),
        ("role_changed", "bob"),
        ("token_created", "carol"),
        ("user_unlocked", "rita"),
    ]
    with review_db.sessions() as s:
        role = s.scalar(select(SecurityEvent).where(SecurityEvent.event == "role_changed"))
        assert role is not None and role.actor_id == seeded.admin
        assert role.detail["from"] == "reviewer" and role.detail["to"] == "admin"
        assert role.address == "127.0.0.1"
    page = ada.get("/admin/security").get_data(as_text=True)
    assert page.count('<tr class="event-') == len(events)
    assert "role changed" in page and "account locked" in page
    assert "1 account locks" in page
    assert app.test_client().get("/admin/security").status_code == 302
    rita_client = app.test_client()
    login(rita_client, "rita")
    assert rita_client.get("/admin/security").status_code == 403


def test_security_log_rows_cannot_be_changed_or_deleted(app: Flask, review_db: Database) -> None:
    login(app.test_client(), "rita")
    with pytest.raises(AuditImmutableError), review_db.sessions.begin() as s:
        row = s.scalars(select(SecurityEvent)).first()
        assert row is not None
        row.event = "logout"
    with pytest.raises(AuditImmutableError), review_db.sessions.begin() as s:
        row = s.scalars(select(SecurityEvent)).first()
        s.delete(row)
