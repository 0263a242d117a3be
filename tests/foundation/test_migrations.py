"""Migrations build the schema of the models, on SQLite and on real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage import Database
from storage.db import (
    current_revision,
    head_revision,
    include_object,
    is_current,
    make_engine,
    upgrade,
)
from storage.models import Base


def _pending_diff(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_matches_models(db: Database) -> None:
    # `db` is migrated from empty by Database.open; the result must equal the models.
    assert is_current(db.engine)
    assert _pending_diff(db) == []
    tables = set(inspect(db.engine).get_table_names())
    expected = {
        "sources",
        "source_runs",
        "articles",
        "incidents",
        "claims",
        "incident_actors",
        "evidence_mentions",
        "reviews",
        "users",
        "api_tokens",
        "job_runs",
        "digests",
        "reference_events",
        "locks",
    }
    assert expected <= tables


def test_upgrade_is_idempotent(db: Database) -> None:
    before = current_revision(db.engine)
    upgrade(db.engine)
    assert current_revision(db.engine) == before == head_revision()


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    from alembic import command

    from storage.db import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert current_revision(engine) is None
    assert "incidents" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert is_current(engine)
    engine.dispose()


def test_sqlite_connection_pragmas(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        busy_timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert busy_timeout is not None and busy_timeout >= 5000
