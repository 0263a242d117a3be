"""HTTP-level tests of the review UI with Flask's test client (real SQLite database)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from review.security import LoginThrottle
from storage import Database
from storage.models import ApiToken, Incident, Review, User
from storage.users import create_api_token, get_user
from tests.review.conftest import PASSWORD, csrf_of, login
from tests.review.seed import Seeded

GET_PAGES = [
    "/",
    "/queue",
    "/queue?status=all&country=ML",
    "/incidents/{mopti}",
    "/help",
    "/places?q=mop",
    "/export.csv",
    "/export.json",
    "/export.geojson",
    "/admin/users",
    "/admin/sources",
]
ACTIONS = ["confirm", "reject", "reopen", "grade", "seen", "edit", "claim", "merge", "split"]


def _audit_count(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count(Review.id))) or 0


def _incident(db: Database, incident_id: int) -> Incident:
    with db.sessions() as s:
        incident = s.get(Incident, incident_id)
        assert incident is not None
        return incident


def test_every_page_redirects_to_login_when_signed_out(app: Flask, seeded: Seeded) -> None:
    client = app.test_client()
    for url in GET_PAGES:
        response = client.get(url.format(mopti=seeded.mopti))
        assert response.status_code == 302, url
        assert response.location.startswith("/login?next="), url


def test_every_action_refused_when_signed_out_even_with_a_valid_csrf_token(
    app: Flask, seeded: Seeded, review_db: Database
) -> None:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    for action in ACTIONS:
        response = client.post(
            f"/incidents/{seeded.mopti}/{action}",
            data={"csrf_token": token, "version": "1", "reason": "x", "into": "2"},
        )
        assert response.status_code == 401, action
    for url in ("/admin/users", f"/admin/users/{seeded.reviewer}/disable", "/admin/tokens"):
        assert client.post(url, data={"csrf_token": token}).status_code == 401, url
    assert _audit_count(review_db) == 0
    assert _incident(review_db, seeded.mopti).status == "candidate"


def test_login_then_pages_render(reviewer: tuple[FlaskClient, str], seeded: Seeded) -> None:
    client, _ = reviewer
    queue = client.get("/queue")
    assert queue.status_code == 200
    html = queue.get_data(as_text=True)
    assert f'data-incident="{seeded.mopti}"' in html
    page = client.get(f"/incidents/{seeded.mopti}").get_data(as_text=True)
    # the claims with qualifier, victims as written and claimant
    assert "une vingtaine" in page and "villageois" in page and "sources locales" in page
    # the ACLED row the incident matched
    assert "MLI99001" in page
    # the quoted sentence highlighted inside the article text
    assert re.search(
        r'<mark class="claim[^"]*" data-claims="\d+"><a class="hl-num" id="hl-\d+"[^>]*>\d+</a>'
        r"At least 19 civilians",
        page,
    )
    # the offline map is inline SVG, no external URL
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("://") == 1 and 'xmlns="http://www.w3.org/2000/svg"' in svg


def test_next_parameter_never_redirects_off_site(app: Flask) -> None:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={
            "username": "rita",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/steal",
        },
    )
    assert response.status_code == 302
    assert response.location == "/"


def test_reviewer_cannot_do_admin_actions(
    reviewer: tuple[FlaskClient, str], seeded: Seeded, review_db: Database
) -> None:
    client, token = reviewer
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/sources").status_code == 403
    response = client.post(
        "/admin/users",
        data={"csrf_token": token, "username": "mallory", "password": "x" * 12, "role": "admin"},
    )
    assert response.status_code == 403
    response = client.post(
        f"/admin/users/{seeded.reviewer}/role", data={"csrf_token": token, "role": "admin"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            "/admin/tokens", data={"csrf_token": token, "username": "rita", "name": "x"}
        ).status_code
        == 403
    )
    with review_db.sessions() as s:
        assert get_user(s, "mallory") is None
        rita = get_user(s, "rita")
        assert rita is not None and rita.role == "reviewer"
        assert s.scalar(select(func.count(ApiToken.id))) == 0
    assert "Users" not in client.get("/queue").get_data(as_text=True).split("<main>")[0]


def test_admin_can_add_user_and_create_then_revoke_a_token(
    admin: tuple[FlaskClient, str], review_db: Database
) -> None:
    client, token = admin
    response = client.post(
        "/admin/users",
        data={"csrf_token": token, "username": "carol", "password": "x" * 12, "role": "reviewer"},
    )
    assert response.status_code == 302
    page = client.post(
        "/admin/tokens", data={"csrf_token": token, "username": "carol", "name": "scripts"}
    )
    assert page.status_code == 200
    shown = re.search(r'<code id="new-token">(cw_[^<]+)</code>', page.get_data(as_text=True))
    assert shown, "the new token is shown once"
    api = client.application.test_client()
    auth = {"Authorization": f"Bearer {shown.group(1)}"}
    assert api.get("/api/incidents", headers=auth).status_code == 200
    with review_db.sessions() as s:
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.name == "scripts"))
    assert (
        client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": token}).status_code
        == 302
    )
    assert api.get("/api/incidents", headers=auth).status_code == 401
    # the token is not in the users page any more
    assert shown.group(1) not in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("sent", [None, "", "wrong-token"])
def test_post_without_or_with_wrong_csrf_token_is_refused(
    reviewer: tuple[FlaskClient, str], seeded: Seeded, review_db: Database, sent: str | None
) -> None:
    client, _ = reviewer
    data = {"version": "1", "reason": "not an attack"}
    if sent is not None:
        data["csrf_token"] = sent
    for action in ("confirm", "reject"):
        response = client.post(f"/incidents/{seeded.mopti}/{action}", data=data)
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
    assert client.post("/logout", data=data).status_code == 400
    assert _audit_count(review_db) == 0
    assert _incident(review_db, seeded.mopti).status == "candidate"


def test_csrf_token_of_another_session_is_refused(
    app: Flask, reviewer: tuple[FlaskClient, str], seeded: Seeded, review_db: Database
) -> None:
    _, rita_token = reviewer
    bob = app.test_client()
    login(bob, "bob")
    response = bob.post(
        f"/incidents/{seeded.mopti}/confirm", data={"csrf_token": rita_token, "version": "1"}
    )
    assert response.status_code == 400
    assert _incident(review_db, seeded.mopti).status == "candidate"


def test_hostile_article_text_and_title_render_escaped(
    reviewer: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    client, _ = reviewer
    for url in (f"/incidents/{seeded.hostile}", "/queue?status=all"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<script>document" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert "<b>bold</b>" not in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
        # our own script is the only one, and it is external
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
    html = client.get(f"/incidents/{seeded.hostile}").get_data(as_text=True)
    assert "&lt;script&gt;document.title=" in html
    assert "&lt;img src=x onerror=" in html
    assert "&lt;a href=&#34;javascript:alert(2)&#34;&gt;" in html
    assert "Breaking &lt;script&gt;alert(" in html  # the title
    # the article's own URL is javascript: and so is not made a link
    assert "javascript:alert(3)" in html and 'href="javascript:alert(3)"' not in html


def test_security_headers_and_cookie_flags(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # base_url is http://127.0.0.1 in tests


def test_session_cookie_is_secure_behind_https(
    review_db: Database, seeded: Seeded, tmp_path: object
) -> None:
    from review import create_app
    from settings import Settings

    settings = Settings.from_env(
        {}, secret_key="s" * 32, base_url="https://review.example.org", data_dir=tmp_path
    )
    client = create_app(settings, review_db).test_client()
    assert "Secure" in client.get("/login").headers["Set-Cookie"]


def test_wrong_passwords_lock_the_account(app: Flask, review_db: Database) -> None:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    for _ in range(5):
        response = client.post(
            "/login", data={"username": "rita", "password": "guess-guess", "csrf_token": token}
        )
        assert response.status_code == 401
    # even the right password is refused now, and the answer is the one any failure gets
    response = client.post(
        "/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)
    with review_db.sessions() as s:
        rita = get_user(s, "rita")
        assert rita is not None and rita.failed_logins == 5
        assert rita.locked_until is not None
        assert rita.locked_until > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=4)
    # other users are not affected
    other = app.test_client()
    login(other, "bob")


def test_many_failures_from_one_address_throttle_it(app: Flask) -> None:
    # A lower limit than the default (10) keeps the test short: each failure costs
    # a real argon2 verification.
    app.extensions["civwatch"]["throttle"] = LoginThrottle(max_failures=4)
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    for n in range(4):
        response = client.post(
            "/login",
            data={"username": f"nobody{n}", "password": "guess-guess", "csrf_token": token},
        )
        assert response.status_code == 401
    response = client.post(
        "/login", data={"username": "bob", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_successful_login_resets_the_failure_count(app: Flask, review_db: Database) -> None:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    for _ in range(3):
        client.post(
            "/login", data={"username": "bob", "password": "nope-nope", "csrf_token": token}
        )
    login(client, "bob")
    with review_db.sessions() as s:
        bob = get_user(s, "bob")
        assert bob is not None and bob.failed_logins == 0 and bob.last_login_at is not None


def test_disabled_user_is_signed_out(
    app: Flask, reviewer: tuple[FlaskClient, str], review_db: Database
) -> None:
    client, _ = reviewer
    with review_db.sessions.begin() as s:
        rita = get_user(s, "rita")
        assert rita is not None
        rita.active = False
    assert client.get("/queue").status_code == 302


def test_logout(reviewer: tuple[FlaskClient, str]) -> None:
    client, token = reviewer
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/queue").status_code == 302


def _api_token(db: Database, username: str = "rita") -> tuple[int, str]:
    with db.sessions.begin() as s:
        user = get_user(s, username)
        assert user is not None
        token = create_api_token(s, user, "test")
        token_id = s.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()))
    assert token_id is not None
    return token_id, token


def test_api_refuses_missing_bad_and_revoked_tokens(
    app: Flask, review_db: Database, seeded: Seeded
) -> None:
    client = app.test_client()
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic cml0YTp4"},
        {"Authorization": "Bearer cw_not-a-real-token"},
    ):
        response = client.get("/api/incidents", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"] == "Unauthorized"
    token_id, token = _api_token(review_db)
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/incidents/{seeded.mopti}", headers=auth).status_code == 200
    with review_db.sessions.begin() as s:
        row = s.get(ApiToken, token_id)
        assert row is not None
        row.revoked_at = dt.datetime.now(dt.UTC)
    assert client.get(f"/api/incidents/{seeded.mopti}", headers=auth).status_code == 401
    assert client.get("/api/incidents", headers=auth).status_code == 401


def test_api_does_not_accept_a_browser_session(
    reviewer: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    client, _ = reviewer
    assert client.get("/api/incidents").status_code == 401


def test_api_list_filters_and_one_incident(app: Flask, review_db: Database, seeded: Seeded) -> None:
    _, token = _api_token(review_db)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    everything = client.get("/api/incidents", headers=auth).get_json()
    assert everything["total"] == 4
    # priority order: deaths (civilian count, else killed minimum) — the duplicate
    # report's 21 killed, Mopti's 19 civilians, Gao's 7, Ménaka's none
    assert [i["id"] for i in everything["incidents"]] == [
        seeded.mopti_dup,
        seeded.mopti,
        seeded.hostile,
        seeded.menaka,
    ]
    novel = client.get("/api/incidents?match=novel", headers=auth).get_json()
    assert sorted(i["id"] for i in novel["incidents"]) == sorted([seeded.mopti_dup, seeded.menaka])
    by_actor = client.get("/api/incidents?actor=JNIM", headers=auth).get_json()
    assert [i["id"] for i in by_actor["incidents"]] == [seeded.menaka]
    by_source = client.get("/api/incidents?source=journal_fr", headers=auth).get_json()
    assert [i["id"] for i in by_source["incidents"]] == [seeded.mopti]
    by_date = client.get(
        "/api/incidents?date_from=2024-03-25&date_to=2024-03-31", headers=auth
    ).get_json()
    assert [i["id"] for i in by_date["incidents"]] == [seeded.menaka]
    bad = client.get("/api/incidents?date_from=yesterday", headers=auth)
    assert bad.status_code == 400 and "date_from" in bad.get_json()["detail"]
    one = client.get(f"/api/incidents/{seeded.mopti}", headers=auth).get_json()
    assert one["killed"] == {"min": 19, "max": 22}
    assert {c["claimant"] for c in one["claims"]} == {
        "local officials",
        "a mayor",
        "sources locales",
    }
    assert len(one["sources"]) == 3
    assert one["perpetrators"] == ["Unidentified armed group"]
    assert client.get("/api/incidents/99999", headers=auth).status_code == 404
    assert client.post("/api/incidents", headers=auth).status_code == 405


def test_queue_filters_counts_and_pagination(
    reviewer: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    client, _ = reviewer
    html = client.get("/queue?country=ML").get_data(as_text=True)
    assert "<strong>4</strong> incidents" in html
    assert re.search(r'value="candidate"\s*selected>candidate \(4\)', html)
    assert re.search(r'value="novel"\s*>novel \(2\)', html)
    assert re.search(r'value="matches"\s*>matches \(1\)', html)
    html = client.get("/queue?admin1=Mopti").get_data(as_text=True)
    assert "<strong>2</strong> incidents" in html
    html = client.get("/queue?status=bogus").get_data(as_text=True)
    assert "Filter ignored: unknown status" in html


def test_export_downloads(reviewer: tuple[FlaskClient, str], seeded: Seeded) -> None:
    client, _ = reviewer
    response = client.get("/export.json?status=all")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    records = json.loads(response.get_data(as_text=True))
    assert sorted(r["id"] for r in records) == sorted(
        [seeded.mopti, seeded.mopti_dup, seeded.menaka, seeded.hostile]
    )
    csv_text = client.get("/export.csv?status=candidate").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == 5  # header + 4 incidents
    geo = json.loads(client.get("/export.geojson").get_data(as_text=True))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 4
    assert client.get("/export.xml").status_code == 404
    assert client.get("/export.json?since=soon").status_code == 400


@pytest.mark.slow  # the first gazetteer load builds NLP's whole name index (~10 s)
def test_place_search_uses_the_gazetteer(reviewer: tuple[FlaskClient, str]) -> None:
    client, _ = reviewer
    found = client.get("/places?q=Bankass&country=ML").get_json()
    assert found["error"] is None
    assert any(p["name"] == "Bankass" and p["country"] == "ML" for p in found["places"])


def test_user_row_is_untouched_by_bad_login_for_unknown_user(
    app: Flask, review_db: Database
) -> None:
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "ghost", "password": "x" * 12, "csrf_token": token})
    with review_db.sessions() as s:
        assert s.scalar(select(func.count(User.id))) == 3


def test_two_reviewers_same_incident_second_is_told_and_keeps_their_input(
    app: Flask, reviewer: tuple[FlaskClient, str], seeded: Seeded, review_db: Database
) -> None:
    rita, rita_token = reviewer
    bob = app.test_client()
    bob_token = login(bob, "bob")
    # both opened the incident page at version 1
    for client in (rita, bob):
        page = client.get(f"/incidents/{seeded.mopti}").get_data(as_text=True)
        assert 'name="version" value="1"' in page
    response = rita.post(
        f"/incidents/{seeded.mopti}/confirm", data={"csrf_token": rita_token, "version": "1"}
    )
    assert response.status_code == 302
    response = bob.post(
        f"/incidents/{seeded.mopti}/reject",
        data={"csrf_token": bob_token, "version": "1", "reason": "looks like a duplicate"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "was changed by rita (confirm)" in html and "NOT applied" in html
    assert "reason=looks like a duplicate" in html  # what bob typed is shown back
    assert 'name="version" value="2"' in html  # the page now carries the current version
    assert _incident(review_db, seeded.mopti).status == "confirmed"
    with review_db.sessions() as s:
        actions = [r.action for r in s.scalars(select(Review).order_by(Review.id))]
    assert actions == ["confirm"]
    # bob re-applies on the current version: both decisions are in the trail
    response = bob.post(
        f"/incidents/{seeded.mopti}/reject",
        data={"csrf_token": bob_token, "version": "2", "reason": "looks like a duplicate"},
    )
    assert response.status_code == 302
    with review_db.sessions() as s:
        rows = [(r.action, r.user_id) for r in s.scalars(select(Review).order_by(Review.id))]
    assert rows == [("confirm", seeded.reviewer), ("reject", seeded.reviewer2)]


def test_action_errors_are_shown_not_crashes(
    reviewer: tuple[FlaskClient, str], seeded: Seeded, review_db: Database
) -> None:
    client, token = reviewer
    cases = [
        ("reject", {"reason": ""}, "A reason is required"),
        ("merge", {"into": "abc"}, "Give the number"),
        ("claim", {"kind": "killed", "min": "-3"}, "not a whole number"),
        ("edit", {"lat": "north"}, "latitude"),
        ("split", {}, "Choose at least one"),
    ]
    for action, form, message in cases:
        response = client.post(
            f"/incidents/{seeded.mopti}/{action}",
            data={"csrf_token": token, "version": "1", **form},
            follow_redirects=True,
        )
        assert response.status_code == 200, action
        assert message in response.get_data(as_text=True), action
    assert (
        client.post(f"/incidents/{seeded.mopti}/confirm", data={"csrf_token": token}).status_code
        == 400
    )  # no version in the form
    assert (
        client.post(
            f"/incidents/{seeded.mopti}/explode", data={"csrf_token": token, "version": "1"}
        ).status_code
        == 404
    )
    assert _audit_count(review_db) == 0


def test_queue_counts_follow_every_recorded_change(
    reviewer: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    # The filter-bar counts are cached per data version: an action must show at once.
    client, token = reviewer
    html = client.get("/queue").get_data(as_text=True)
    assert re.search(r'value="candidate"\s*selected>candidate \(4\)', html)
    assert re.search(r'value="confirmed"\s*>confirmed \(0\)', html)
    client.post(f"/incidents/{seeded.menaka}/confirm", data={"csrf_token": token, "version": "1"})
    html = client.get("/queue").get_data(as_text=True)
    assert re.search(r'value="candidate"\s*selected>candidate \(3\)', html)
    assert re.search(r'value="confirmed"\s*>confirmed \(1\)', html)
    assert "<strong>3</strong> incidents" in html


def test_edit_form_offers_the_actor_lexicon(
    reviewer: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    client, _ = reviewer
    html = client.get(f"/incidents/{seeded.mopti}").get_data(as_text=True)
    datalist = html[html.index('<datalist id="actor-lexicon">') :]
    datalist = datalist[: datalist.index("</datalist>")]
    assert '<option value="Malian Armed Forces (FAMa)">state_forces</option>' in datalist
