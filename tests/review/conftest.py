"""Fixtures of the review UI tests: a seeded database, the app and signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from review import create_app
from settings import Settings
from storage import Database
from tests.review.seed import PASSWORD, Seeded, seed

SECRET = "test-secret-key-0123456789abcdef"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def review_settings(tmp_path: Path) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path / "data", secret_key=SECRET)


@pytest.fixture
def review_db(tmp_path: Path) -> Iterator[Database]:
    db = Database.open(f"sqlite:///{tmp_path / 'review.sqlite3'}")
    yield db
    db.close()


@pytest.fixture
def seeded(review_db: Database) -> Seeded:
    with review_db.sessions.begin() as s:
        return seed(s)


@pytest.fixture
def app(review_settings: Settings, review_db: Database, seeded: Seeded) -> Flask:
    return create_app(review_settings, review_db)


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "page has no CSRF token"
    return found.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    page = client.get("/login")
    token = csrf_of(page.get_data(as_text=True))
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return csrf_of(client.get("/queue").get_data(as_text=True))


@pytest.fixture
def reviewer(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, login(client, "rita")


@pytest.fixture
def admin(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, login(client, "ada")


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by waitress on a real socket (127.0.0.1, free port)."""
    import threading

    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="civwatch-test")
    port = server.effective_port
    thread = threading.Thread(target=server.run, name="waitress-test", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
    # Closing every channel empties waitress's socket map, which ends its loop.
    server.asyncore.close_all(server._map)
    thread.join(timeout=5)
