"""Alembic environment: the engine comes from civwatch (storage.db.alembic_config)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from storage.models import Base

target_metadata = Base.metadata

# Tables owned by other libraries (APScheduler's job store) are not ours to migrate.
FOREIGN_TABLES = {"apscheduler_jobs"}


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name in FOREIGN_TABLES)


def run_migrations_online() -> None:
    engine: Engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=include_object,
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
