"""Health and backlog queries for the scheduler's health job, ``doctor`` and ``status``.

Everything here reads; the one exception is :func:`reap_orphan_runs`, which
closes job-run rows left ``running`` by a process that no longer exists.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from storage.models import Article, Digest, Incident, JobRun, Lock, Source, SourceRun, utcnow
from storage.sourcehealth import source_health

# A heartbeat older than this (Settings.process_lease_seconds by default) means gone.
DEFAULT_STALE_SECONDS = 90


@dataclass
class Backlog:
    """Work waiting for a stage or a person."""

    articles_new: int = 0  # stored, not yet through NLP
    articles_failed: int = 0
    incidents_candidate: int = 0  # waiting for a reviewer
    incidents_new_evidence: int = 0
    digests_unsent: int = 0  # built with recipients but not sent, or failed

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def backlog(session: Session) -> Backlog:
    """Sizes of the queues between the stages."""

    def count(*where: Any, model: Any = Article) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return Backlog(
        articles_new=count(Article.status == "new"),
        articles_failed=count(Article.status == "failed"),
        incidents_candidate=count(Incident.status == "candidate", model=Incident),
        incidents_new_evidence=count(Incident.new_evidence.is_(True), model=Incident),
        digests_unsent=count(Digest.status == "failed", model=Digest),
    )


def digest_counts(session: Session, since: dt.datetime | None = None) -> dict[str, int]:
    """Digests by status (built, sent, failed), optionally created since ``since``."""
    query = select(Digest.status, func.count()).group_by(Digest.status)
    if since is not None:
        query = query.where(Digest.created_at >= since)
    return {status: n for status, n in session.execute(query)}


def last_digest_sent(session: Session) -> dt.datetime | None:
    return session.scalar(select(func.max(Digest.sent_at)))


@dataclass(frozen=True)
class SourceProblem:
    key: str
    problem: str


def source_problems(
    session: Session, *, now: dt.datetime | None = None, silent_after: dt.timedelta
) -> list[SourceProblem]:
    """Enabled sources that are failing, or have stored nothing for ``silent_after``."""
    now = now or utcnow()
    problems: list[SourceProblem] = []
    for source in session.scalars(select(Source).where(Source.enabled).order_by(Source.key)):
        health, reason = source_health(source)
        if health == "failing":
            reason = reason or f"{source.consecutive_failures} failed runs"
            problems.append(SourceProblem(source.key, f"failing: {reason}"))
            continue
        last_article = session.scalar(
            select(func.max(Article.fetched_at)).where(Article.source_id == source.id)
        )
        if source.last_run_at is None:
            continue  # never crawled yet: nothing to judge
        if last_article is None and now - source.created_at > silent_after:
            problems.append(SourceProblem(source.key, "silent: no article stored ever"))
        elif last_article is not None and now - last_article > silent_after:
            days = (now - last_article).total_seconds() / 86400
            problems.append(SourceProblem(source.key, f"silent: no new article for {days:.1f} d"))
    return problems


def source_runs_since(session: Session, since: dt.datetime) -> list[tuple[str, SourceRun]]:
    """(source key, run) of crawl runs started since ``since``, oldest first."""
    rows = session.execute(
        select(Source.key, SourceRun)
        .join(Source, Source.id == SourceRun.source_id)
        .where(SourceRun.started_at >= since)
        .order_by(SourceRun.id)
    )
    return [(key, run) for key, run in rows]


def database_size(engine: Engine) -> int | None:
    """Bytes used by the database (SQLite file + WAL, or pg_database_size)."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            return None
        base = Path(database)
        return sum(p.stat().st_size for p in (base, Path(f"{base}-wal")) if p.exists())
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return conn.scalar(text("SELECT pg_database_size(current_database())"))
    return None


def free_disk_bytes(path: Path) -> int:
    """Free bytes on the file system holding ``path`` (or its nearest existing parent)."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


@dataclass
class HealthReport:
    problems: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def health_report(
    session: Session,
    engine: Engine,
    *,
    data_dir: Path,
    min_free_bytes: int,
    silent_after: dt.timedelta,
    digest_expected: bool,
    now: dt.datetime | None = None,
    nlp_max_attempts: int = 3,
) -> HealthReport:
    """Everything an operator should be told about, with the figures behind it."""
    from storage.workqueue import nlp_failures

    now = now or utcnow()
    report = HealthReport()
    for p in source_problems(session, now=now, silent_after=silent_after):
        report.problems.append(f"source {p.key} {p.problem}")
    free = free_disk_bytes(data_dir)
    report.stats["disk_free_mb"] = free // (1024 * 1024)
    if free < min_free_bytes:
        report.problems.append(
            f"disk: {free // (1024 * 1024)} MB free in {data_dir}, below "
            f"{min_free_bytes // (1024 * 1024)} MB"
        )
    size = database_size(engine)
    if size is not None:
        report.stats["database_mb"] = round(size / (1024 * 1024), 1)
    if digest_expected:
        last = last_digest_sent(session)
        report.stats["last_digest_sent"] = last.isoformat(timespec="minutes") if last else None
        # A daily digest more than 26 hours old means one was missed; before the
        # first digest was ever built there is nothing to miss yet.
        built_any = session.scalar(select(func.count()).select_from(Digest)) or 0
        if built_any and (last is None or now - last > dt.timedelta(hours=26)):
            report.problems.append("digest: none sent in the last 26 hours")
    failed_digests = session.scalar(
        select(func.count()).select_from(Digest).where(Digest.status == "failed")
    )
    if failed_digests:
        report.problems.append(f"digest: {failed_digests} failed to send")
    report.stats["backlog"] = backlog(session).as_dict()
    failures = nlp_failures(session, nlp_max_attempts)
    report.stats["nlp_failed_retrying"] = failures.waiting
    if failures.given_up:
        report.problems.append(
            f"processing: {failures.given_up} article(s) failed the NLP {nlp_max_attempts} "
            "times and wait for an operator (`civwatch process --reprocess` retries them)"
        )
    report.stats["problems"] = len(report.problems)
    return report


def reap_orphan_runs(session: Session, stale_after: dt.timedelta | None = None) -> int:
    """Mark ``running`` job runs whose process is gone as ``interrupted``; returns how many.

    A run is orphaned when its process was on this host and no longer exists
    (``kill -9``, power loss), when its heartbeat (``last_seen``) is older than
    ``stale_after``, or — for a run of another host that keeps no heartbeat —
    when no live lease covers its job any more.
    """
    from storage import repo

    now = utcnow()
    stale = stale_after or dt.timedelta(seconds=DEFAULT_STALE_SECONDS)
    live_jobs = {
        name.removeprefix("job:")
        for name in session.scalars(select(Lock.name).where(Lock.expires_at >= now))
    }
    reaped = 0
    for run in session.scalars(select(JobRun).where(JobRun.status == "running")):
        unleased_elsewhere = (
            run.last_seen is None and run.job not in live_jobs and run.host != _hostname()
        )
        if repo.run_is_gone(run, stale, now) or unleased_elsewhere:
            repo.mark_interrupted(run)
            reaped += 1
    return reaped


def release_dead_article_leases(session: Session) -> int:
    """Free articles leased by a processing worker of this host that no longer exists.

    A killed ``civwatch process`` stops renewing its leases; its owner string
    (``host:pid:name``) shows that the worker is gone, so the next run need not
    wait for the expiry. Returns the articles freed.
    """
    from storage.workqueue import reclaim_dead_workers

    return sum(reclaim_dead_workers(session).values())


def _hostname() -> str:
    import socket

    return socket.gethostname()
