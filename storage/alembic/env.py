"""Alembic environment: the engine comes from civwatch (storage.db.alembic_config)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from storage.db import include_object
from storage.models import Base

target_metadata = Base.metadata


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
