"""Engine and session factory, and running the migrations.

One engine per process and URL; sessions come from :func:`session_factory`.
SQLite gets WAL, a busy timeout and foreign keys on every connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

ALEMBIC_DIR = Path(__file__).resolve().parent / "alembic"
SQLITE_BUSY_TIMEOUT_MS = 15_000


class DatabaseError(RuntimeError):
    """The database cannot be used (bad URL, unreachable, not migrated)."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite files get their directory created."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"bad database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    elif parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """The session factory for ``engine`` (use ``with factory.begin() as s:``)."""
    return sessionmaker(engine, expire_on_commit=False)


# Tables owned by other libraries (APScheduler's job store) are not ours to migrate.
FOREIGN_TABLES = {"apscheduler_jobs"}
# Indexes defined only in migrations (expression indexes; see 0002).
MIGRATION_ONLY_INDEXES = {"ix_incidents_counts", "ix_incidents_queue"}


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic autogenerate filter: what the models do not (and need not) declare."""
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent)."""
    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise DatabaseError(f"cannot migrate {_url(engine)}: {_one_line(exc.orig)}") from exc


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def head_revision() -> str | None:
    script = ScriptDirectory(str(ALEMBIC_DIR))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, None when it was never migrated."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise DatabaseError(
            f"cannot reach the database {_url(engine)}: {_one_line(exc.orig)}"
        ) from exc


def _one_line(exc: BaseException | None) -> str:
    return " ".join(str(exc).split())


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
