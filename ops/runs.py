"""A job run: under its ``job:<id>`` lease, recorded once in ``job_runs``.

Each job takes a ``job:<id>`` lease while it runs, so a manual ``civwatch run
--once`` waits for a scheduled crawl (of the default group), process or
digest run instead of overlapping it. Every run — finished, failed,
interrupted, skipped or missed — is a row in ``job_runs``; a stage writes its
own row (with its statistics) and :func:`stage_work` closes it when the stage
was stopped or died.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select

from ops.stages import PROCESS, StageStatus, run_stage
from settings import Settings
from storage import Database
from storage import repo as repository
from storage.health import release_dead_article_leases
from storage.locks import LeaseLock, make_owner
from storage.models import JobRun, utcnow

# The scheduler's log: these runs are its jobs (and `run --once`'s stages).
log = logging.getLogger("civwatch.scheduler")

JOB_LEASE_TTL = 60.0

# A job run's status in ``job_runs``: "running" while it runs, then how it ended
# ("skipped": another process held the job's lease).
JobStatus = Literal["running", "ok", "failed", "interrupted", "skipped"]
# A stage that timed out failed; one stopped on shutdown was interrupted.
_JOB_STATUS_OF_STAGE: dict[StageStatus, JobStatus] = {"ok": "ok", "interrupted": "interrupted"}


@dataclass
class JobOutcome:
    status: JobStatus
    stats: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


class _LeaseKeeper:
    """Renews a lease in the background while a job holds it."""

    def __init__(self, lock: LeaseLock) -> None:
        self.lock = lock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{lock.name}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.lock.ttl / 3):
            try:
                if not self.lock.renew():
                    log.error("lease %s was lost while its job ran", self.lock.name)
            except Exception:  # a database outage must not kill the job thread
                log.exception("cannot renew lease %s", self.lock.name)

    def __enter__(self) -> _LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def execute_job(
    job_id: str,
    settings: Settings,
    work: Callable[[Database], JobOutcome],
    *,
    wait_for_lock: float = 0.0,
    record: bool = True,
) -> JobOutcome:
    """Run ``work`` under the ``job:<job_id>`` lease, recorded in ``job_runs``.

    With ``record`` the run gets its own row here; stage subprocesses record
    their own row, which ``work`` completes (see :func:`stage_work`). When
    another process holds the lease (after ``wait_for_lock`` seconds) the run
    is recorded as ``skipped``; an exception is recorded as ``failed`` with its
    traceback and re-raised for the scheduler's error listener.
    """
    db = PROCESS.database(settings.db_url)
    lock = LeaseLock(db.engine, f"job:{job_id}", make_owner(), ttl=JOB_LEASE_TTL)
    deadline = time.monotonic() + wait_for_lock
    while not lock.acquire():
        if time.monotonic() >= deadline or PROCESS.stopping.is_set():
            holder = lock.holder()
            who = holder.owner if holder else "another process"
            outcome = JobOutcome("skipped", error=f"{job_id} is already running ({who})")
            _record(db, None, job_id, outcome)
            return outcome
        time.sleep(0.5)
    try:
        run_id = _record(db, None, job_id, JobOutcome("running")) if record else None
        try:
            with _LeaseKeeper(lock):
                outcome = work(db)
        except Exception:
            _record(db, run_id, job_id, JobOutcome("failed", error=traceback.format_exc()))
            raise
        if record:
            _record(db, run_id, job_id, outcome)
        return outcome
    finally:
        lock.release()


def _record(db: Database, run_id: int | None, job: str, outcome: JobOutcome) -> int:
    """Create (``run_id`` None) or complete a job-run row; returns its id."""
    with db.sessions.begin() as session:
        run = session.get(JobRun, run_id) if run_id is not None else None
        if run is None:
            run = repository.start_job(session, job)
        if outcome.status != "running":
            repository.finish_job(session, run, outcome.status, outcome.stats, outcome.error)
        return run.id


def stage_work(
    stage: str,
    args: list[str],
    settings: Settings,
    *,
    timeout: float,
    echo: Callable[[str], None] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Callable[[Database], JobOutcome]:
    """Work that runs ``civwatch <args>`` and completes the job-run rows the stage wrote.

    A stage that exits normally has finished its own row. One that was stopped
    (time limit, shutdown) or died left it ``running``: it is closed here with
    the reason, and a stage that died before writing one gets one, so every run
    is in ``job_runs`` exactly once.
    """

    def work(db: Database) -> JobOutcome:
        started = utcnow()
        if stage == "process":
            # A processing run killed earlier (OOM, kill -9) must not block its batch.
            with db.sessions.begin() as session:
                release_dead_article_leases(session)
        result = run_stage(
            stage,
            args,
            settings,
            timeout=timeout,
            grace=min(settings.stop_grace, 30),
            echo=echo,
            extra_env=extra_env,
        )
        status = _JOB_STATUS_OF_STAGE.get(result.status, "failed")
        stats: dict[str, Any] = {"seconds": round(result.seconds, 1)}
        with db.sessions.begin() as session:
            rows = list(
                session.scalars(
                    select(JobRun).where(
                        JobRun.pid == result.pid,
                        JobRun.host == socket.gethostname(),
                        JobRun.started_at >= started - dt.timedelta(seconds=5),
                    )
                )
            )
            for row in rows:
                # A stage stopped at its time limit or by shutdown may still have
                # closed its row as "ok" on SIGTERM; the row must say it was cut short.
                cut_short = (
                    result.stop_sent_at is not None
                    and row.status == "ok"
                    and (row.finished_at is None or row.finished_at >= result.stop_sent_at)
                )
                if row.status == "running" or cut_short:
                    error = "; ".join(e for e in (row.error, result.error) if e) or None
                    repository.finish_job(session, row, status, row.stats, error)
                stats.update(row.stats or {})
            if not rows:
                orphan = repository.start_job(session, stage)
                repository.finish_job(session, orphan, status, stats, result.error)
            if stage == "crawl":
                stats.update(crawl_stats(session, started))
            if status == "ok" and any(row.status == "failed" for row in rows):
                status = "failed"
        errors = [row.error for row in rows if row.error] or [result.error or ""]
        return JobOutcome(status, stats, "; ".join(e for e in errors if e) or None)

    return work


def crawl_stats(session: Any, since: dt.datetime) -> dict[str, Any]:
    """Per-source counts of the crawl runs since ``since``."""
    from storage.health import source_runs_since

    per_source: dict[str, dict[str, Any]] = {}
    for key, run in source_runs_since(session, since):
        per_source[key] = {
            "new": run.articles_new,
            "duplicate": run.articles_duplicate,
            "irrelevant": run.articles_irrelevant,
            "failed": run.articles_failed,
            "error": run.error,
        }
    return {
        "sources": per_source,
        "articles_new": sum(s["new"] for s in per_source.values()),
        "sources_failed": sorted(k for k, s in per_source.items() if s["error"]),
    }
