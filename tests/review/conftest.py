"""Fixtures of the review UI tests: a seeded database, the app and signed-in clients."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from review import create_app
from settings import Settings
from storage import Database
from tests.review.seed import PASSWORD, Seeded, seed

SECRET = "test-secret-key-0123456789abcdef"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def review_settings(tmp_path: Path) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path / "data", secret_key=SECRET)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once per run; tests get a copy (migrating costs ~1 s)."""
    path = tmp_path_factory.mktemp("review-template") / "template.sqlite3"
    Database.open(f"sqlite:///{path}").close()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A migrated PostgreSQL database that per-test databases are created from."""
    name = f"civwatch_review_tpl_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    Database.open(pg_server.rsplit("/", 1)[0] + "/" + name).close()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _sqlite_copy(template: Path, tmp_path: Path) -> Database:
    target = tmp_path / "review.sqlite3"
    shutil.copyfile(template, target)
    return Database.open(f"sqlite:///{target}", migrate=False)


@pytest.fixture
def review_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    db = _sqlite_copy(sqlite_template, tmp_path)
    yield db
    db.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[Database]:
    """The same test on SQLite and real PostgreSQL, each a copy of a migrated template."""
    if request.param == "sqlite":
        db = _sqlite_copy(sqlite_template, tmp_path)
        yield db
        db.close()
        return
    server: str = request.getfixturevalue("pg_server")
    template: str = request.getfixturevalue("pg_template")
    name = f"civwatch_review_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    db = Database.open(server.rsplit("/", 1)[0] + "/" + name, migrate=False)
    yield db
    db.close()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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

    # poll() rather than select(): closing the sockets from this thread while the
    # server thread waits gives POLLNVAL there, not an EBADF exception at teardown.
    server = create_server(
        app,
        host="127.0.0.1",
        port=0,
        threads=4,
        ident="civwatch-test",
        asyncore_use_poll=True,
    )
    port = server.effective_port
    thread = threading.Thread(target=server.run, name="waitress-test", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    # Closing every channel empties waitress's socket map, which ends its loop. It is
    # done inside the loop's own thread (the trigger runs the function there): closed
    # from this thread, a socket could vanish under the loop's select() (EBADF).
    server.trigger.pull_trigger(lambda: server.asyncore.close_all(server._map))
    thread.join(timeout=5)
    assert not thread.is_alive(), "waitress did not stop"
