"""civwatch storage: SQLAlchemy models, the engine/session factory and repositories."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import DatabaseError, make_engine, session_factory, upgrade


@dataclass
class Database:
    """An engine and its session factory, opened from a URL."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Database:
        """Open ``url``; with ``migrate`` the schema is brought up to date first."""
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        return cls(engine, session_factory(engine))

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["Database", "DatabaseError"]
