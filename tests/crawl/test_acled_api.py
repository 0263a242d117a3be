"""The ACLED API spider against a local stand-in of ACLED's OAuth + read endpoints.

Responses are built here in ACLED's documented shapes with invented rows
(ACLED data is not openly licensed). One crawl, two sources: one whose access
token has expired (the spider refreshes it once and reads two pages), one whose
credentials are refused (a token error, reported in source health).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from storage import Database
from storage.models import ReferenceEvent, Source, SourceRun
from tests.crawl.crawlkit import CivwatchRun
from tests.localserver import LocalServer

PASSWORD = "s3cret-test-password"


def _row(n: int) -> dict[str, Any]:
    return {
        "event_id_cnty": f"TSTAPI{n}",
        "event_date": "2024-03-1" + str(n),
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Invented Armed Group A",
        "actor2": "Civilians (Testland)",
        "country": "Mali",
        "admin1": "Testregion",
        "location": "Testville",
        "latitude": "14.5",
        "longitude": "-4.2",
        "fatalities": str(n),
        "notes": "Invented row for civwatch tests.",
        "source": "Invented Source",
    }


@dataclass
class Acled:
    token_forms: list[dict[str, list[str]]] = field(default_factory=list)
    reads: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)


def _serve(server: LocalServer, acled: Acled) -> None:
    def token(handler: Any) -> bytes:
        form = parse_qs(handler.request_body.decode())
        acled.token_forms.append(form)
        if form.get("grant_type") == ["refresh_token"]:
            assert form["refresh_token"] == ["R1"]
            return json.dumps({"access_token": "A2", "refresh_token": "R2"}).encode()
        return json.dumps(
            {
                "token_type": "Bearer",
                "expires_in": 86400,
                "access_token": "A1",
                "refresh_token": "R1",
            }
        ).encode()

    def read(handler: Any) -> bytes:
        auth = handler.headers.get("Authorization", "")
        query = parse_qs(urlsplit(handler.path).query)
        acled.reads.append((auth, query))
        if auth != "Bearer A2":
            # Expired token: ACLED answers 401; the route object sets the status.
            server.routes["/ok/api/acled/read"].status = 401
            return b'{"message": "Access token expired"}'
        server.routes["/ok/api/acled/read"].status = 200
        rows = [_row(1), _row(2)] if query["page"] == ["1"] else [_row(3)]
        return json.dumps(
            {"status": 200, "success": True, "count": len(rows), "data": rows}
        ).encode()

    server.add("/ok/oauth/token", token, content_type="application/json")
    server.add("/ok/api/acled/read", read, status=401, content_type="application/json")
    server.add(
        "/bad/oauth/token",
        b'{"error": "invalid_grant", "error_description": "Invalid credentials"}',
        status=400,
        content_type="application/json",
    )


@dataclass
class Result:
    acled: Acled
    run: CivwatchRun
    process: Any


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Result]:
    server = LocalServer().start()
    acled = Acled()
    try:
        _serve(server, acled)
        run = CivwatchRun(tmp_path_factory.mktemp("acled"))
        run.extra_env.update(
            {
                "CIVWATCH_ACLED_USERNAME": "tester@example.invalid",
                "CIVWATCH_ACLED_PASSWORD": PASSWORD,
            }
        )
        run.write_sources(
            [
                {
                    "key": "acled_ok",
                    "kind": "acled_api",
                    "url": server.url("/ok/"),
                    "countries": ["ML"],
                    "page_size": 2,
                },
                {"key": "acled_bad", "kind": "acled_api", "url": server.url("/bad/")},
            ]
        )
        process = run.crawl("--since", "2024-03-01")
        yield Result(acled, run, process)
    finally:
        server.stop()


def test_token_flow_refresh_and_pagination(result: Result) -> None:
    assert result.process.returncode == 0, result.process.stderr[-3000:]
    grants = [f["grant_type"][0] for f in result.acled.token_forms]
    # (acled_bad's token endpoint is a fixed route that records nothing.)
    assert grants == ["password", "refresh_token"]
    first = next(f for f in result.acled.token_forms if f.get("client_id") == ["acled"])
    assert first["username"] == ["tester@example.invalid"]
    auths = [auth for auth, _ in result.acled.reads]
    assert auths == ["Bearer A1", "Bearer A2", "Bearer A2"]
    _, query = result.acled.reads[1]
    assert query["country"] == ["Mali"]
    assert query["event_date_where"] == ["BETWEEN"]
    assert query["event_date"][0].startswith("2024-03-01|")
    assert query["_format"] == ["json"]
    assert [q["page"] for _, q in result.acled.reads[1:]] == [["1"], ["2"]]


def test_rows_stored_as_reference_events(result: Result) -> None:
    db = Database.open(result.run.database_url, migrate=False)
    try:
        with db.sessions() as session:
            events = list(
                session.scalars(select(ReferenceEvent).order_by(ReferenceEvent.external_id))
            )
            run = session.scalars(
                select(SourceRun).join(Source).where(Source.key == "acled_ok")
            ).one()
            ok = session.scalars(select(Source).where(Source.key == "acled_ok")).one()
    finally:
        db.close()
    assert [(e.external_id, e.country, e.fatalities) for e in events] == [
        ("TSTAPI1", "ML", 1),
        ("TSTAPI2", "ML", 2),
        ("TSTAPI3", "ML", 3),
    ]
    assert run.articles_new == 3
    assert ok.health == "ok"


def test_token_error_is_reported_not_crashed(result: Result) -> None:
    db = Database.open(result.run.database_url, migrate=False)
    try:
        with db.sessions() as session:
            bad = session.scalars(select(Source).where(Source.key == "acled_bad")).one()
    finally:
        db.close()
    assert bad.health == "failing"
    assert bad.health_reason is not None and "acled token error (http 400)" in bad.health_reason
    assert "acled_bad" in result.process.stdout


def test_password_never_reaches_the_output(result: Result) -> None:
    assert PASSWORD not in result.process.stdout
    assert PASSWORD not in result.process.stderr
