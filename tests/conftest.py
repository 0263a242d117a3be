"""Shared fixtures: settings in a temporary data dir, real SQLite and PostgreSQL
databases, and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from settings import Settings
from storage import Database
from tests.localserver import LocalServer

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_ADMIN_URL = os.environ.get(
    "CIVWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def require_shared(path: Path, what: str) -> None:
    """Skip when ``path`` (under ../shared, outside the repository) is missing; fail in CI.

    The gold sets and recorded fixtures are not in the repository; a CI run
    without them would pass with its quality gates silently skipped.
    """
    if path.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but missing: {path}")
    pytest.skip(f"{what} not found at {path} (kept outside the repository)")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings isolated from the machine's environment, data in a temp dir."""
    return Settings.from_env({}, data_dir=tmp_path / "data")


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    db = Database.open(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    yield db
    db.close()


def _pg_available() -> str | None:
    """None when the server answers, else the reason."""
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of the PostgreSQL server; CI must have one, elsewhere it may skip."""
    reason = _pg_available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {reason}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {reason}")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A throw-away PostgreSQL database, dropped after the test."""
    name = f"civwatch_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_server.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    db = Database.open(pg_url)
    yield db
    db.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The same test on SQLite and on real PostgreSQL."""
    if request.param == "sqlite":
        database = Database.open(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        yield database
        database.close()
    else:
        url = request.getfixturevalue("pg_url")
        database = Database.open(url)
        yield database
        database.close()


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server = LocalServer().start()
    yield server
    server.stop()
