"""Repository functions shared by several stages: sources, job runs, counts.

Every function takes a ``Session`` and leaves committing to the caller
(``with db.sessions.begin() as session: ...``), so one unit of work is one
transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.locks import owner_is_dead_local
from storage.models import (
    Article,
    Base,
    Claim,
    Digest,
    Incident,
    JobRun,
    ReferenceEvent,
    Review,
    Source,
    User,
    utcnow,
)


class SourceLike(Protocol):
    """What the sources file gives for one entry (spiders.sources.SourceEntry)."""

    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def countries(self) -> tuple[str, ...]: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def options(self) -> dict[str, Any]: ...


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    disabled: int = 0


def sync_sources(session: Session, entries: Iterable[SourceLike]) -> SyncResult:
    """Mirror the sources file into the sources table.

    Sources that disappeared from the file are disabled, never deleted, so their
    articles and health history stay.
    """
    result = SyncResult()
    existing = {s.key: s for s in session.scalars(select(Source))}
    seen = set()
    for entry in entries:
        seen.add(entry.key)
        row = existing.get(entry.key)
        values = {
            "name": entry.name,
            "kind": entry.kind,
            "url": entry.url,
            "lang": entry.lang,
            "countries": list(entry.countries),
            "options": dict(entry.options),
            "enabled": entry.enabled,
        }
        if row is None:
            session.add(Source(key=entry.key, **values))
            result.added += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            result.updated += 1
    for key, row in existing.items():
        if key not in seen and row.enabled:
            row.enabled = False
            result.disabled += 1
    session.flush()
    return result


def start_job(session: Session, job: str, *, heartbeat: bool = False) -> JobRun:
    """A ``running`` row for ``job`` in this process. With ``heartbeat`` the caller
    promises to keep ``last_seen`` fresh (``storage.heartbeat``): the row is then
    judged gone once it is not seen for longer than the stale time."""
    run = JobRun(job=job, status="running", host=socket.gethostname(), pid=os.getpid())
    if heartbeat:
        run.last_seen = utcnow()
    session.add(run)
    session.flush()
    return run


def run_is_gone(run: JobRun, stale_after: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """Whether a ``running`` row's process no longer exists: a PID of this host that
    is gone (or a zombie), or a heartbeat not seen for ``stale_after`` (any host)."""
    if run.status != "running":
        return False
    if run.pid is not None and run.host and owner_is_dead_local(f"{run.host}:{run.pid}:"):
        return True
    now = now or utcnow()
    return run.last_seen is not None and now - run.last_seen > stale_after


def shown_status(run: JobRun, stale_after: dt.timedelta, now: dt.datetime | None = None) -> str:
    """The status an operator should see: ``interrupted`` for a run whose process is gone."""
    return "interrupted" if run_is_gone(run, stale_after, now) else run.status


def mark_interrupted(run: JobRun, reason: str = "process gone before the run finished") -> None:
    """Close a run whose process is gone, at the time it was last seen."""
    seen = run.last_seen or run.started_at
    run.status = "interrupted"
    run.finished_at = seen
    note = f"{reason} (last seen {seen.isoformat(timespec='seconds')})"
    run.error = f"{run.error}; {note}" if run.error else note


def reap_gone_runs(
    session: Session, stale_after: dt.timedelta, *, job: str | None = None
) -> list[JobRun]:
    """Mark ``running`` rows whose process is gone ``interrupted`` (see :func:`run_is_gone`)."""
    stmt = select(JobRun).where(JobRun.status == "running")
    if job is not None:
        stmt = stmt.where(JobRun.job == job)
    now = utcnow()
    gone = [run for run in session.scalars(stmt) if run_is_gone(run, stale_after, now)]
    for run in gone:
        mark_interrupted(run)
    return gone


def recent_interrupted(session: Session, since: dt.datetime) -> list[JobRun]:
    """Runs recorded ``interrupted`` that started since ``since``, newest first."""
    return list(
        session.scalars(
            select(JobRun)
            .where(JobRun.status == "interrupted", JobRun.started_at >= since)
            .order_by(JobRun.id.desc())
        )
    )


def finish_job(
    session: Session,
    run: JobRun,
    status: str,
    stats: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    run.status = status
    run.finished_at = utcnow()
    if stats is not None:
        run.stats = stats
    run.error = error


def last_job_runs(session: Session) -> list[JobRun]:
    """The most recent run of every job."""
    latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    return list(
        session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id).order_by(JobRun.job))
    )


COUNTED: tuple[type[Base], ...] = (
    Source,
    Article,
    Incident,
    Claim,
    Review,
    User,
    Digest,
    ReferenceEvent,
    JobRun,
)


def row_counts(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in COUNTED
    }


def incident_status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Incident.status, func.count()).group_by(Incident.status))
    return {status: count for status, count in rows}


def article_status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Article.status, func.count()).group_by(Article.status))
    return {status: count for status, count in rows}
