"""The review UI over a real socket: waitress on 127.0.0.1, a real HTTP client."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from storage import Database
from storage.models import Incident, Review
from tests.review.conftest import csrf_of
from tests.review.seed import PASSWORD, Seeded


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_login_and_confirm_over_a_real_socket(
    live_server: str, seeded: Seeded, review_db: Database
) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    raw = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    # signed out: the queue redirects to the login page
    with pytest.raises(urllib.error.HTTPError) as redirect:
        raw.open(f"{live_server}/queue", timeout=10)
    redirect.value.close()  # an unclosed error response would warn (warnings are errors)
    assert redirect.value.code == 302 and "/login" in redirect.value.headers["Location"]

    with opener.open(f"{live_server}/login", timeout=10) as response:
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        token = csrf_of(response.read().decode())
    form = urllib.parse.urlencode(
        {"username": "rita", "password": PASSWORD, "csrf_token": token}
    ).encode()
    with opener.open(f"{live_server}/login", data=form, timeout=10) as response:
        assert response.url.endswith("/")
        html = response.read().decode()
    assert f'data-incident="{seeded.menaka}"' in html
    # signing in starts a fresh session, so the pre-login CSRF token is void
    assert csrf_of(html) != token
    token = csrf_of(html)
    assert any(c.name == "civwatch_session" for c in jar)

    # a POST without the token is refused over the wire too
    bad = urllib.parse.urlencode({"version": "1"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{live_server}/incidents/{seeded.menaka}/confirm", data=bad, timeout=10)
    refused.value.close()
    assert refused.value.code == 400

    good = urllib.parse.urlencode({"version": "1", "csrf_token": token}).encode()
    with opener.open(
        f"{live_server}/incidents/{seeded.menaka}/confirm", data=good, timeout=10
    ) as response:
        assert response.url.endswith(f"/incidents/{seeded.menaka}")
        assert f"Incident {seeded.menaka} confirmed." in response.read().decode()
    with review_db.sessions() as s:
        incident = s.get(Incident, seeded.menaka)
        assert incident is not None and incident.status == "confirmed"
        rows = s.scalars(select(Review).where(Review.incident_id == seeded.menaka)).all()
        assert [(r.action, r.user_id) for r in rows] == [("confirm", seeded.reviewer)]
