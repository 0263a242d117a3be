"""Unattended operation: the APScheduler service and the one-shot and demo runs.

``civwatch schedule`` runs a BlockingScheduler in the foreground (for systemd)
with its job store in the project database. ``civwatch run --once`` runs
crawl → process → digest once; ``civwatch demo`` does the same offline on a
bundled demo site; ``civwatch doctor`` checks an installation.

Design decisions:

* **Every stage runs in a subprocess** (``python -m cli crawl|process|digest``).
  Scrapy's reactor cannot be restarted in one process, spaCy's memory is
  returned to the system when the process ends, and a subprocess can be given
  a wall-clock limit and stopped with SIGTERM (then SIGKILL) without leaving
  the scheduler in an unknown state. Children die with the scheduler
  (``PR_SET_PDEATHSIG``), so a ``kill -9`` of the scheduler never leaves an
  orphan crawl running beside the next one; the stages themselves are
  kill-safe (a killed run loses at most the item in flight).
* **One active scheduler per database.** A process holds the ``scheduler``
  lease (``storage.locks``) while it schedules; a second process — an
  accidental second start, or a standby host on PostgreSQL — waits until the
  lease is free. Each job also takes a ``job:<id>`` lease while it runs, so a
  manual ``civwatch run --once`` waits for a scheduled crawl (of the default
  group), process or digest run instead of overlapping it.
* **Schedules survive restarts.** A job already in the store with the same
  trigger is kept as it is, so a run that fell due while the scheduler was down
  runs once at start (``coalesce=True``) instead of being pushed back; a job
  whose last run was cut short (shutdown, ``kill -9``) runs again at start.
* Every run — finished, failed, interrupted, skipped or missed — is a row in
  ``job_runs``; a stage writes its own row (with its statistics) and the
  scheduler closes it when the stage was stopped or died.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import faulthandler
import functools
import http.server
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
    JobExecutionEvent,
    JobSubmissionEvent,
    SchedulerEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from settings import Settings, SettingsError
from spiders.sources import SourceEntry, load_sources
from storage import Database
from storage import repo as repository
from storage.health import health_report, reap_orphan_runs, release_dead_article_leases
from storage.locks import LeaseLock, make_owner
from storage.models import JobRun, utcnow

log = logging.getLogger("civwatch.scheduler")

ROOT = Path(__file__).resolve().parent
DEMO_DIR = ROOT / "deploy" / "demo"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
SCHEDULER_LEASE_TTL = 30.0
JOB_LEASE_TTL = 60.0
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


# ---------------------------------------------------------------------------
# Running a stage as a subprocess
# ---------------------------------------------------------------------------


class _ProcessState:
    """What this process owns: its stage subprocesses and its database engines.

    Signals are delivered to the process as a whole, so the record of the
    process's children is per process too. Engines are per process and URL
    (see storage/db.py): a new engine for every job run grows SQLAlchemy's
    per-dialect caches without bound (measured: ~0.5 MB per 100 runs).
    Neither holds configuration.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[str]] = set()
        self._databases: dict[str, Database] = {}
        self.stopping = threading.Event()

    def database(self, url: str) -> Database:
        """This process's engine for ``url`` (schema not migrated here)."""
        with self._lock:
            if url not in self._databases:
                self._databases[url] = Database.open(url, migrate=False)
            return self._databases[url]

    def close_databases(self) -> None:
        with self._lock:
            for database in self._databases.values():
                database.close()
            self._databases.clear()

    def add(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.add(proc)

    def discard(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.discard(proc)

    def running(self) -> list[subprocess.Popen[str]]:
        with self._lock:
            return [p for p in self._procs if p.poll() is None]


PROCESS = _ProcessState()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: systemd's KillMode=control-group still stops children


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that rebuild exactly ``settings`` in a child process."""
    env: dict[str, str] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, tuple):
            text = ",".join(value)
        else:
            text = str(value)
        env[f.metadata["env"]] = text
    return env


def civwatch_argv(*args: str) -> list[str]:
    """The command line of a civwatch stage run with this interpreter."""
    return [sys.executable, "-m", "cli", *args]


@dataclass
class StageResult:
    """How one stage subprocess ended."""

    stage: str
    status: str  # ok | failed | timeout | interrupted
    returncode: int | None
    seconds: float
    tail: list[str] = field(default_factory=list)
    log_path: Path | None = None
    pid: int = 0
    stop_sent_at: dt.datetime | None = None  # when we signalled it (time limit, shutdown)

    @property
    def error(self) -> str | None:
        if self.status == "ok":
            return None
        last = next((line for line in reversed(self.tail) if line.strip()), "")
        what = {
            "failed": f"exit status {self.returncode}",
            "timeout": f"stopped after its {self.seconds:.0f} s time limit",
            "interrupted": "stopped by a shutdown signal",
        }[self.status]
        return f"{self.stage}: {what}" + (f": {last.strip()}" if last else "")


def run_stage(
    stage: str,
    args: Sequence[str],
    settings: Settings,
    *,
    timeout: float,
    grace: float,
    echo: Callable[[str], None] | None = None,
    extra_env: dict[str, str] | None = None,
) -> StageResult:
    """Run ``civwatch <args>`` with ``settings``; stop it after ``timeout`` seconds.

    Output goes to ``<data_dir>/logs/<stage>.log`` (appended) and, line by line,
    to ``echo``. On timeout or shutdown the child gets SIGTERM (Scrapy and the
    batch stages checkpoint on it) and SIGKILL ``grace`` seconds later.
    """
    stop_grace = max(1.0, settings.stop_grace / 2 - 1)
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{stage.replace(':', '_')}.log"
    env = {**os.environ, **settings_env(settings), **(extra_env or {})}
    env["PYTHONUNBUFFERED"] = "1"
    tail: deque[str] = deque(maxlen=40)
    started = time.monotonic()
    with log_path.open("a", encoding="utf-8") as log_file:
        log_file.write(f"--- {utcnow().isoformat(timespec='seconds')} {' '.join(args)}\n")
        log_file.flush()
        proc = subprocess.Popen(
            civwatch_argv(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            cwd=str(ROOT),
            # Its own process group: a terminal's Ctrl-C reaches us only, and we stop
            # the stage (and anything it started) with one killpg.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        PROCESS.add(proc)

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                log_file.write(line)
                tail.append(line.rstrip("\n"))
                if echo is not None:
                    echo(line.rstrip("\n"))

        reader = threading.Thread(target=pump, name=f"{stage}-output", daemon=True)
        reader.start()
        status = "ok"
        deadline = started + timeout
        try:
            try:
                while proc.poll() is None:
                    if PROCESS.stopping.is_set():
                        status = "interrupted"
                        break
                    if time.monotonic() >= deadline:
                        status = "timeout"
                        break
                    time.sleep(0.1)
            except KeyboardInterrupt:  # Ctrl-C in `run --once`: stop the stage cleanly
                status = "interrupted"
            stop_sent_at = None
            if proc.poll() is None:
                stop_sent_at = utcnow()
                # On shutdown the service's own grace period bounds the child's.
                _terminate(proc, grace if status == "timeout" else min(grace, stop_grace))
            elif status != "ok":
                status = "ok"  # it ended on its own just before the limit
        finally:
            PROCESS.discard(proc)
        reader.join(5)
        if proc.stdout is not None:
            proc.stdout.close()
        log_file.flush()
    returncode = proc.returncode
    if status == "ok" and returncode != 0:
        status = "failed"
    seconds = time.monotonic() - started
    return StageResult(
        stage, status, returncode, seconds, list(tail), log_path, proc.pid, stop_sent_at
    )


def _terminate(proc: subprocess.Popen[str], grace: float) -> None:
    """SIGTERM the child's process group, SIGKILL it after ``grace`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# ---------------------------------------------------------------------------
# What each job runs
# ---------------------------------------------------------------------------


def crawl_groups(sources: Sequence[SourceEntry]) -> dict[str, list[str]]:
    """Enabled source keys by scheduler group ("" for sources without a group)."""
    groups: dict[str, list[str]] = {}
    for entry in sources:
        if entry.enabled:
            groups.setdefault(str(entry.options.get("group") or ""), []).append(entry.key)
    return groups


def crawl_args(keys: Sequence[str] | None, since: dt.date | None = None) -> list[str]:
    """Arguments of ``civwatch crawl`` for ``keys`` (None: every enabled source)."""
    args = ["crawl"]
    for key in keys or ():
        args += ["--source", key]
    if since is not None:
        args += ["--since", since.isoformat()]
    return args


def digest_args(
    settings: Settings, profile: str | None, *, day: dt.date | None = None
) -> list[str]:
    """Arguments of ``civwatch digest``: the period up to send time, or the local ``day``."""
    args = ["digest"]
    if profile:
        args += ["--profile", profile]
    if day is not None:
        args += ["--date", day.isoformat()]
    if settings.smtp_host:
        args.append("--send")
    return args


@dataclass
class JobOutcome:
    status: str  # ok | failed | interrupted | skipped
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
        status = {"ok": "ok", "interrupted": "interrupted"}.get(result.status, "failed")
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


def job_crawl(group: str = "") -> dict[str, Any]:
    """Scheduled crawl of one source group ("" = sources without a group)."""
    settings = Settings.from_env()
    keys = crawl_groups(load_sources(settings.sources).entries).get(group, [])
    if not keys:
        return {"skipped": "no enabled source in this group"}
    work = stage_work("crawl", crawl_args(keys), settings, timeout=settings.crawl_timeout)
    outcome = execute_job(crawl_job_id(group), settings, work, record=False)
    return {"status": outcome.status, **outcome.stats}


def job_process() -> dict[str, Any]:
    """Scheduled processing of stored articles into incidents."""
    settings = Settings.from_env()
    work = stage_work("process", ["process"], settings, timeout=settings.stage_timeout)
    outcome = execute_job("process", settings, work, record=False)
    return {"status": outcome.status, **outcome.stats}


def job_digest(profile: str = "default") -> dict[str, Any]:
    """Scheduled digest of one profile (sent when SMTP is configured)."""
    settings = Settings.from_env()
    args = digest_args(settings, profile)
    work = stage_work(f"digest:{profile}", args, settings, timeout=settings.stage_timeout)
    outcome = execute_job(f"digest:{profile}", settings, work, record=False)
    return {"status": outcome.status, **outcome.stats}


def job_health() -> dict[str, Any]:
    """Health check: failing or silent sources, disk, database size, missed digests."""
    settings = Settings.from_env()
    outcome = execute_job("health", settings, functools.partial(health_work, settings))
    return {"status": outcome.status, **outcome.stats}


def health_work(settings: Settings, db: Database) -> JobOutcome:
    digest_expected = bool(settings.smtp_host and (settings.digest_to or settings.digest_profiles))
    with db.sessions() as session:
        report = health_report(
            session,
            db.engine,
            data_dir=settings.data_dir,
            min_free_bytes=settings.min_free_disk_mb * 1024 * 1024,
            silent_after=dt.timedelta(days=3),
            digest_expected=digest_expected,
            nlp_max_attempts=settings.nlp_max_attempts,
        )
    for problem in report.problems:
        log.warning("health: %s", problem)
    report.stats["problem_list"] = report.problems
    # Problems are reported, not a job failure: the check itself worked.
    return JobOutcome("ok", report.stats, "; ".join(report.problems) or None)


def job_maintenance() -> dict[str, Any]:
    """Database vacuum/analyse, and snapshot and HTTP-cache retention."""
    settings = Settings.from_env()
    outcome = execute_job("maintenance", settings, functools.partial(maintenance_work, settings))
    return {"status": outcome.status, **outcome.stats}


def maintenance_work(settings: Settings, db: Database) -> JobOutcome:
    from sqlalchemy import text

    stats: dict[str, Any] = {}
    # VACUUM cannot run inside a transaction on either database.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM (ANALYZE)"))
        else:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.execute(text("VACUUM"))
            conn.execute(text("ANALYZE"))
    stats["vacuumed"] = db.engine.dialect.name
    removed = 0
    if settings.snapshot_retention_days > 0:
        removed = _prune_snapshots(settings, db)
    stats["snapshots_removed"] = removed
    stats["httpcache_removed"] = _prune_tree(
        settings.data_dir / "httpcache", settings.httpcache_retention_days
    )
    return JobOutcome("ok", stats)


def _prune_snapshots(settings: Settings, db: Database) -> int:
    """Delete old page snapshots of articles that no incident cites; returns files deleted.

    Snapshots are content-addressed and may be shared by several articles, so a
    file goes only when no article that keeps its snapshot refers to it.
    """
    from sqlalchemy import update

    from storage.models import Article, EvidenceMention

    snapshot_dir = settings.data_dir / "snapshots"
    cutoff = utcnow() - dt.timedelta(days=settings.snapshot_retention_days)
    cited = select(EvidenceMention.article_id)
    expired = (
        Article.snapshot_path.is_not(None),
        Article.fetched_at < cutoff,
        Article.id.not_in(cited),
    )
    removed = 0
    with db.sessions.begin() as session:
        candidates = set(session.scalars(select(Article.snapshot_path).where(*expired)))
        kept = set(
            session.scalars(
                select(Article.snapshot_path).where(
                    Article.snapshot_path.in_(candidates),
                    (Article.fetched_at >= cutoff) | Article.id.in_(cited),
                )
            )
        )
        for relpath in candidates - kept:
            path = snapshot_dir / str(relpath)
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
        session.execute(
            update(Article)
            .where(*expired, Article.snapshot_path.not_in(kept))
            .values(snapshot_path=None)
        )
    return removed


def _prune_tree(root: Path, days: int) -> int:
    """Delete files under ``root`` older than ``days``; returns how many."""
    if days <= 0 or not root.is_dir():
        return 0
    cutoff = time.time() - days * 86400
    removed = 0
    for path in sorted(root.rglob("*"), reverse=True):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        except OSError:
            continue
    return removed


# ---------------------------------------------------------------------------
# The schedule
# ---------------------------------------------------------------------------


def crawl_job_id(group: str) -> str:
    return f"crawl:{group}" if group else "crawl"


def _parse_pairs(values: Sequence[str], what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise SettingsError(f"{what}: {item!r} is not NAME=VALUE")
        pairs[name.strip()] = value.strip()
    return pairs


def _daily(spec: str, tz: ZoneInfo, what: str) -> BaseTrigger:
    if spec.startswith("every:"):
        try:
            seconds = int(spec.removeprefix("every:").rstrip("s"))
        except ValueError:
            raise SettingsError(f"{what}: {spec!r} is not every:SECONDS") from None
        return IntervalTrigger(seconds=max(seconds, 1), timezone=tz)
    match = TIME_RE.match(spec)
    if not match:
        raise SettingsError(f"{what}: {spec!r} is not HH:MM or every:SECONDS")
    return CronTrigger(hour=int(match.group(1)), minute=int(match.group(2)), timezone=tz)


def timezone_of(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"CIVWATCH_TIMEZONE={settings.timezone!r} is not an IANA time zone"
        ) from None


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[..., Any]
    trigger: BaseTrigger
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def signature(self) -> str:
        zone = getattr(self.trigger, "timezone", "")
        return f"{self.func.__name__} {self.kwargs} {self.trigger} {zone}"


def desired_jobs(settings: Settings, sources: Sequence[SourceEntry]) -> list[JobSpec]:
    """Every job the configuration asks for."""
    tz = timezone_of(settings)
    specs: list[JobSpec] = []
    group_intervals = _parse_pairs(settings.crawl_group_intervals, "CIVWATCH_CRAWL_GROUP_INTERVALS")
    for group in sorted(crawl_groups(sources)):
        raw = group_intervals.get(group, str(settings.crawl_interval))
        try:
            seconds = int(raw)
        except ValueError:
            raise SettingsError(
                f"crawl interval of group {group!r}: {raw!r} is not seconds"
            ) from None
        specs.append(
            JobSpec(
                crawl_job_id(group),
                job_crawl,
                IntervalTrigger(seconds=max(seconds, 1), timezone=tz),
                {"group": group},
            )
        )
    specs.append(
        JobSpec(
            "process",
            job_process,
            IntervalTrigger(seconds=max(settings.process_interval, 1), timezone=tz),
        )
    )
    overrides = _parse_pairs(settings.digest_schedule, "CIVWATCH_DIGEST_SCHEDULE")
    for name, send_at in digest_profile_times(settings).items():
        spec = overrides.get(name, send_at)
        specs.append(
            JobSpec(
                f"digest:{name}",
                job_digest,
                _daily(spec, tz, f"digest profile {name}"),
                {"profile": name},
            )
        )
    specs.append(
        JobSpec(
            "health",
            job_health,
            IntervalTrigger(seconds=max(settings.health_interval, 1), timezone=tz),
        )
    )
    specs.append(
        JobSpec(
            "maintenance",
            job_maintenance,
            _daily(settings.maintenance_time, tz, "CIVWATCH_MAINTENANCE_TIME"),
        )
    )
    return specs


def digest_profile_times(settings: Settings) -> dict[str, str]:
    """Digest profile name → send time (HH:MM), from the digest profiles."""
    try:
        from digest.profiles import ProfileError, load_profiles
    except ModuleNotFoundError:
        return {"default": "07:00"}
    try:
        return {name: p.send_at for name, p in load_profiles(settings).items()}
    except ProfileError as exc:
        raise SettingsError(str(exc)) from exc


def open_migrated(url: str) -> Database:
    """Open and migrate ``url``, tolerating another process migrating it at the same time.

    Two schedulers started together on a fresh SQLite file race to create the
    tables (SQLite DDL is not transactional under Alembic); the loser finds the
    schema at head a moment later.
    """
    from storage.db import DatabaseError, is_current

    try:
        return Database.open(url)
    except DatabaseError:
        database = Database.open(url, migrate=False)
        for _ in range(20):
            time.sleep(0.5)
            with contextlib.suppress(DatabaseError):
                if is_current(database.engine):
                    return database
        database.close()
        raise


class Service:
    """The long-running scheduler: leader lease, jobs, signals, reloads."""

    def __init__(self, settings: Settings, *, poll: float = 2.0) -> None:
        self.settings = settings
        self.poll = poll
        self.owner = make_owner()
        self.db = open_migrated(settings.db_url)
        self.lease = LeaseLock(self.db.engine, "scheduler", self.owner, ttl=SCHEDULER_LEASE_TTL)
        self.scheduler = BlockingScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.db.engine)},
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults=JOB_DEFAULTS,
            timezone=timezone_of(settings),
        )
        self.scheduler.add_listener(self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.scheduler.add_listener(self._on_still_running, EVENT_JOB_MAX_INSTANCES)
        self.scheduler.add_listener(self._on_executed, EVENT_JOB_EXECUTED)
        self.scheduler.add_listener(self._on_started, EVENT_SCHEDULER_STARTED)
        self.exit_code = 0
        self._sync_lock = threading.Lock()
        self.stop_requested = threading.Event()
        self._finished = threading.Event()
        self._stop_signal: int | None = None
        self._reload_signal = False
        self._sources_mtime = self._mtime()
        self._housekeeper = threading.Thread(target=self._housekeep, daemon=True)

    # -- lifecycle --------------------------------------------------------
    def run(self) -> int:
        """Block until a stop signal; returns the exit status (0 on a clean stop)."""
        signal.signal(signal.SIGTERM, self._on_stop_signal)
        signal.signal(signal.SIGINT, self._on_stop_signal)
        signal.signal(signal.SIGHUP, self._on_hup)
        # `kill -USR1 <pid>` prints every thread's stack to the log: for a stuck job.
        faulthandler.register(signal.SIGUSR1, all_threads=True)
        threading.Thread(target=self._stopper, name="stopper", daemon=True).start()
        if not self._wait_for_lease():
            self._finished.set()
            self.db.close()
            return 0
        with self.db.sessions.begin() as session:
            reaped = reap_orphan_runs(
                session, dt.timedelta(seconds=self.settings.process_lease_seconds)
            )
            freed = release_dead_article_leases(session)
        if reaped:
            log.warning("marked %d job runs of a vanished process as interrupted", reaped)
        if freed:
            log.warning("freed %d articles leased by a vanished processing worker", freed)
        self._housekeeper.start()
        click.echo(f"civwatch scheduler running as {self.owner} (Ctrl-C or SIGTERM to stop)")
        if not self.stop_requested.is_set():
            self.scheduler.start(paused=True)  # blocks; _on_started adds the jobs and resumes
        self._finished.set()
        self._drain()
        self.lease.release()
        self.db.close()
        click.echo("civwatch scheduler stopped")
        return self.exit_code

    def _wait_for_lease(self) -> bool:
        announced = False
        while not self.stop_requested.is_set():
            if self.lease.acquire():
                return True
            if not announced:
                holder = self.lease.holder()
                click.echo(
                    "another scheduler holds the lease "
                    f"({holder.owner if holder else '?'}); standing by"
                )
                announced = True
            self.stop_requested.wait(self.poll)
        return False

    def _on_started(self, event: SchedulerEvent) -> None:
        try:
            self.sync_jobs()
        except Exception as exc:
            # A listener's exception would only be logged, leaving a paused scheduler.
            log.error("cannot set up the schedule: %s", exc)
            self.exit_code = 1
            self.stop_requested.set()
            self.scheduler.shutdown(wait=False)
            return
        self._resume_interrupted()
        self.scheduler.resume()

    # Signal handlers only set a plain attribute: a handler runs between two
    # bytecodes of the main thread, which may hold the very locks that
    # scheduler.shutdown() or Event.set() need (a deadlock seen in testing).
    def _on_stop_signal(self, signum: int, frame: Any) -> None:
        self._stop_signal = signum

    def _on_hup(self, signum: int, frame: Any) -> None:
        self._reload_signal = True

    def _stopper(self) -> None:
        """Turns a stop signal into a scheduler shutdown, from a thread of its own."""
        while self._stop_signal is None:
            time.sleep(0.1)
        grace = self.settings.stop_grace
        log.warning("signal %d: no new jobs; running jobs get %d s", self._stop_signal, grace)
        self.stop_requested.set()
        # The scheduler may still be starting: shut it down once it runs.
        while not self._finished.is_set():
            if self.scheduler.state != STATE_STOPPED:
                with contextlib.suppress(SchedulerNotRunningError):
                    self.scheduler.shutdown(wait=False)
                return
            time.sleep(0.1)

    def _drain(self) -> None:
        """Let running stages finish within the grace period, then stop them."""
        grace = self.settings.stop_grace
        deadline = time.monotonic() + grace
        # Half the grace to finish on their own, then SIGTERM to checkpoint.
        while time.monotonic() < deadline - grace / 2 and PROCESS.running():
            time.sleep(0.1)
        PROCESS.stopping.set()
        for thread in threading.enumerate():
            if thread.name.startswith("ThreadPoolExecutor") and thread.is_alive():
                thread.join(max(0.1, deadline - time.monotonic()))

    # -- jobs -------------------------------------------------------------
    def sync_jobs(self) -> None:
        """Make the job store match the configuration; unchanged jobs keep their next run."""
        with self._sync_lock:
            # A reload racing a shutdown must not re-add jobs to a stopped scheduler.
            if self.scheduler.state == STATE_STOPPED or self.stop_requested.is_set():
                return
            self._sync_jobs()

    def _sync_jobs(self) -> None:
        sources = load_sources(self.settings.sources)
        for error in sources.errors:
            log.error("sources file %s: %s", self.settings.sources, error)
        with self.db.sessions.begin() as session:
            entries: list[Any] = list(sources.entries)
            repository.sync_sources(session, entries)
        wanted = {spec.id: spec for spec in desired_jobs(self.settings, sources.entries)}
        for job in self.scheduler.get_jobs():
            if job.id not in wanted:
                log.info("job %s removed from the schedule", job.id)
                job.remove()
        now = dt.datetime.now(dt.UTC)
        for spec in wanted.values():
            existing = self.scheduler.get_job(spec.id)
            # The job's name records its configuration: an unchanged job keeps its
            # next run time, so a run missed while we were down still happens.
            if existing is not None and existing.name == spec.signature:
                continue
            # A new or changed crawl or health job runs at once (processing follows a
            # crawl); the others wait for their first due time.
            first_run = (
                now
                if spec.id.startswith("crawl") or spec.id == "health"
                else spec.trigger.get_next_fire_time(None, now)
            )
            self.scheduler.add_job(
                spec.func,
                spec.trigger,
                id=spec.id,
                name=spec.signature,
                kwargs=spec.kwargs,
                replace_existing=True,
                next_run_time=first_run,
                **JOB_DEFAULTS,
            )
            log.info("job %s scheduled: %s", spec.id, spec.trigger)

    def _resume_interrupted(self) -> None:
        """Jobs whose last run was cut short (kill -9, shutdown) run again at once."""
        with self.db.sessions() as session:
            cut_short = {
                run.job for run in repository.last_job_runs(session) if run.status == "interrupted"
            }
        now = dt.datetime.now(dt.UTC)
        for job in self.scheduler.get_jobs():
            stage = "crawl" if job.id.startswith("crawl") else job.id
            if stage in cut_short or job.id in cut_short:
                log.warning("job %s was interrupted last time: running it now", job.id)
                job.modify(next_run_time=now)

    def _housekeep(self) -> None:
        """Renew the leader lease; reload the sources file on SIGHUP or change."""
        while not self.stop_requested.wait(min(self.poll, SCHEDULER_LEASE_TTL / 3)):
            try:
                if not self.lease.renew() and not self.lease.acquire():
                    log.error("scheduler lease lost to another process: stopping")
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                mtime = self._mtime()
                if self._reload_signal or mtime != self._sources_mtime:
                    self._reload_signal = False
                    self._sources_mtime = mtime
                    log.warning("reloading sources file %s", self.settings.sources)
                    self.sync_jobs()
            except Exception:  # keep the housekeeper alive through a database outage
                log.exception("scheduler housekeeping failed")

    def _mtime(self) -> int:
        try:
            return self.settings.sources.stat().st_mtime_ns
        except OSError:
            return 0

    def _on_executed(self, event: JobExecutionEvent) -> None:
        retval = event.retval if isinstance(event.retval, dict) else {}
        if event.job_id.startswith("crawl") and retval.get("articles_new"):
            # Fresh articles: process now rather than at the next interval.
            with contextlib.suppress(Exception):
                self.scheduler.modify_job("process", next_run_time=dt.datetime.now(dt.UTC))

    def _on_still_running(self, event: JobSubmissionEvent) -> None:
        # Normal when a run outlasts its interval: that due time is dropped and the
        # job runs at its next one, so this is not a job run of its own.
        log.info("job %s still running at its next due time", event.job_id)

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_ERROR:
            log.error("job %s failed: %s", event.job_id, event.exception)
            return  # execute_job has recorded it with the traceback
        reason = "missed its run time by more than the grace time"
        log.warning("job %s skipped: %s", event.job_id, reason)
        with contextlib.suppress(Exception), self.db.sessions.begin() as session:
            run = repository.start_job(session, event.job_id)
            repository.finish_job(session, run, "skipped", {}, reason)


# ---------------------------------------------------------------------------
# One run of the whole chain
# ---------------------------------------------------------------------------


@dataclass
class OnceReport:
    started: dt.datetime
    stages: list[tuple[str, JobOutcome]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(outcome.status == "ok" for _, outcome in self.stages)


def run_once(
    settings: Settings,
    *,
    since: dt.date | None = None,
    echo: Callable[[str], None] = click.echo,
    stage_env: dict[str, str] | None = None,
) -> OnceReport:
    """crawl → process → digest once, each stage under its job lease; stops at a failed stage."""
    report = OnceReport(started=utcnow())
    # Today's digest (local day) holds what this run found; a scheduled digest
    # covers the day up to its send time instead.
    digest_today = digest_args(settings, None, day=dt.datetime.now(timezone_of(settings)).date())
    plan: list[tuple[str, str, list[str], float]] = [
        ("crawl", "crawl", crawl_args(None, since), settings.crawl_timeout),
        ("process", "process", ["process"], settings.stage_timeout),
        ("digest", "digest:default", digest_today, settings.stage_timeout),
    ]
    for number, (stage, job_id, args, timeout) in enumerate(plan, start=1):
        echo(
            click.style(f"[{number}/{len(plan)}] {stage}", bold=True)
            + f"  civwatch {' '.join(args)}"
        )
        work = stage_work(
            stage,
            args,
            settings,
            timeout=timeout,
            echo=lambda line: echo(f"    │ {line}"),
            extra_env=stage_env,
        )
        outcome = execute_job(job_id, settings, work, wait_for_lock=60, record=False)
        report.stages.append((stage, outcome))
        mark = "done" if outcome.status == "ok" else outcome.status.upper()
        seconds = outcome.stats.get("seconds", 0)
        echo(f"    └ {mark} in {seconds} s" + (f": {outcome.error}" if outcome.error else ""))
        if outcome.status != "ok":
            break
    return report


def summarise(settings: Settings, report: OnceReport, echo: Callable[[str], None]) -> None:
    """Per-source counts, the new incidents with place and figures, the digest files."""
    from storage.models import Digest, Incident

    db = Database.open(settings.db_url, migrate=False)
    try:
        with db.sessions() as session:
            crawl = dict(report.stages).get("crawl")
            sources = (crawl.stats.get("sources") if crawl else None) or {}
            echo(click.style("sources", bold=True))
            if not sources:
                echo("  (no crawl run recorded)")
            for key, counts in sorted(sources.items()):
                line = (
                    f"  {key:<24} new {counts['new']:>3}  duplicate {counts['duplicate']:>3}  "
                    f"irrelevant {counts['irrelevant']:>3}  failed {counts['failed']:>3}"
                )
                if counts.get("error"):
                    line += f"  ERROR: {str(counts['error']).splitlines()[0]}"
                echo(line)
            incidents = list(
                session.scalars(
                    select(Incident)
                    .where(Incident.created_at >= report.started, Incident.status != "merged")
                    .order_by(Incident.event_date, Incident.id)
                )
            )
            echo(click.style(f"new incidents: {len(incidents)}", bold=True))
            for incident in incidents:
                echo("  " + describe_incident(incident))
            by_status = repository.incident_status_counts(session)
            echo(
                f"  in the database: {sum(by_status.values())} incidents ("
                + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items()))
                + ")"
            )
            # The latest digest of each profile: a re-run rebuilds today's in place.
            latest = select(Digest.profile, func.max(Digest.id).label("id")).group_by(
                Digest.profile
            )
            ids = [row.id for row in session.execute(latest)]
            digests = list(session.scalars(select(Digest).where(Digest.id.in_(ids))))
            echo(click.style("digest", bold=True))
            for digest in digests:
                echo(f"  {digest.profile}: {digest.status} — {digest.path or '(no file)'}")
            if not digests:
                echo(f"  none built (see {settings.data_dir / 'logs' / 'digest.log'})")
    finally:
        db.close()


def describe_incident(incident: Any) -> str:
    """One line: date, place, figures, flags."""
    place = incident.place_name or "unknown place"
    where = ", ".join(p for p in (incident.admin1, incident.country) if p)
    figures = []
    for kind in ("killed", "injured", "abducted"):
        low, high = getattr(incident, f"{kind}_min"), getattr(incident, f"{kind}_max")
        if low is None and high is None:
            continue
        span = f"{low}" if high in (None, low) else f"{low}–{high}"
        figures.append(f"{kind} {span if low is not None else f'≤{high}'}")
    date = incident.event_date.isoformat() if incident.event_date else "date unknown"
    flag = " [aggregate]" if incident.aggregate else ""
    return (
        f"#{incident.id} {date} {place}"
        + (f" ({where})" if where else "")
        + (": " + ", ".join(figures) if figures else "")
        + flag
    )


# ---------------------------------------------------------------------------
# The demo: a bundled site served on 127.0.0.1
# ---------------------------------------------------------------------------

DEMO_PORT = 47615  # fixed when free, so a second demo run sees the same URLs
PLACEHOLDER_RE = re.compile(r"\{\{(BASE|RFC822|ISO|DATE_EN|DATE_FR):?(-?\d+)?\}\}")
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def render_demo(text: str, base: str, today: dt.date) -> str:
    """Fill the demo pages' placeholders: the server address and dates relative to today."""

    def fill(match: re.Match[str]) -> str:
        kind, offset = match.group(1), int(match.group(2) or 0)
        if kind == "BASE":
            return base
        day = today + dt.timedelta(days=offset)
        if kind == "RFC822":
            stamp = dt.datetime.combine(day, dt.time(9, 0), dt.UTC)
            return stamp.strftime("%a, %d %b %Y %H:%M:%S +0000")
        if kind == "ISO":
            return dt.datetime.combine(day, dt.time(9, 0), dt.UTC).isoformat()
        if kind == "DATE_EN":
            return f"{day.day} {day.strftime('%B')} {day.year}"
        return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"

    return PLACEHOLDER_RE.sub(fill, text)


class DemoSite:
    """Serves ``deploy/demo`` on 127.0.0.1 from a thread, placeholders filled in."""

    def __init__(self, root: Path = DEMO_DIR, today: dt.date | None = None) -> None:
        self.root = root
        self.today = today or dt.date.today()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                relative = self.path.split("?", 1)[0].lstrip("/") or "index.html"
                path = (site.root / relative).resolve()
                if site.root.resolve() not in path.parents or not path.is_file():
                    self.send_error(404)
                    return
                body = render_demo(path.read_text(encoding="utf-8"), site.base, site.today)
                data = body.encode("utf-8")
                kind = {
                    ".xml": "application/rss+xml",
                    ".html": "text/html",
                    ".txt": "text/plain",
                }.get(path.suffix, "application/octet-stream")
                self.send_response(200)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        try:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", DEMO_PORT), Handler)
        except OSError:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sources_yaml(self) -> str:
        return (
            "# Written by `civwatch demo`: the bundled fictional demo site.\n"
            "sources:\n"
            "  - key: demo_sahel_en\n"
            "    name: Demo — Sahel Observer (fictional)\n"
            "    kind: feed\n"
            f"    url: {self.base}/en/feed.xml\n"
            "    lang: en\n"
            "    countries: [ML, BF, NE]\n"
            "  - key: demo_sahel_fr\n"
            "    name: Démo — Le Courrier du Sahel (fictif)\n"
            "    kind: feed\n"
            f"    url: {self.base}/fr/feed.xml\n"
            "    lang: fr\n"
            "    countries: [ML, BF, NE]\n"
        )


@contextlib.contextmanager
def demo_settings(settings: Settings) -> Iterator[tuple[Settings, DemoSite]]:
    """Settings pointing at the demo site being served for the duration."""
    if not (DEMO_DIR / "en" / "feed.xml").is_file():
        raise click.ClickException(
            f"the demo site is not installed ({DEMO_DIR}): run the demo from a clone "
            "installed with `pip install -e .`"
        )
    with DemoSite() as site, tempfile.TemporaryDirectory(prefix="civwatch-demo-") as tmp:
        sources = Path(tmp) / "demo-sources.yaml"
        sources.write_text(site.sources_yaml(), encoding="utf-8")
        yield Settings.from_env(settings_env(settings), sources=sources), site


def ensure_demo_reviewer(settings: Settings) -> str | None:
    """Create the ``demo`` reviewer unless it exists; returns its new password or None."""
    from storage.users import add_user, get_user

    db = Database.open(settings.db_url, migrate=False)
    try:
        with db.sessions.begin() as session:
            if get_user(session, "demo") is not None:
                return None
            password = secrets.token_urlsafe(9)
            add_user(session, "demo", password, "reviewer")
            return password
    finally:
        db.close()


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


@click.command("schedule")
@click.pass_context
def schedule_cmd(ctx: click.Context) -> None:
    """Run the scheduler in the foreground (crawl, process, digest, health, maintenance).

    For systemd (deploy/civwatch-scheduler.service). SIGTERM or Ctrl-C: no new
    jobs, running jobs get CIVWATCH_STOP_GRACE seconds, exit 0. SIGHUP or an
    edit of the sources file reloads it.
    """
    settings = _settings(ctx)
    timezone_of(settings)
    desired_jobs(settings, load_sources(settings.sources).entries)  # fail early on bad config
    sys.exit(Service(settings).run())


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command("run")
@click.option("--once", is_flag=True, help="Run crawl → process → digest once and exit.")
@click.option("--since", callback=_parse_date, help="Crawl items back to this date (YYYY-MM-DD).")
@click.option("--demo", is_flag=True, help="Crawl the bundled offline demo site instead.")
@click.pass_context
def run_cmd(ctx: click.Context, once: bool, since: dt.date | None, demo: bool) -> None:
    """Run the whole main job once: crawl → process → digest, then a summary.

    Exits 0 when every stage completed; a failing source is reported, not fatal.
    """
    if not once:
        raise click.ClickException(
            "use `civwatch run --once` for one run, `civwatch schedule` to keep running"
        )
    settings = _settings(ctx)
    open_migrated(settings.db_url).close()  # migrate once, before the stages start
    if demo:
        with demo_settings(settings) as (demo_cfg, site):
            click.echo(f"demo site: {site.base}/ (fictional articles bundled in deploy/demo)")
            report = run_once(demo_cfg, since=since)
            summarise(demo_cfg, report, click.echo)
    else:
        report = run_once(settings, since=since)
        summarise(settings, report, click.echo)
    if not report.ok:
        failed = next(f"{s}: {o.error}" for s, o in report.stages if o.status != "ok")
        raise click.ClickException(f"run stopped at {failed}")


@click.command("demo")
@click.pass_context
def demo_cmd(ctx: click.Context) -> None:
    """The whole main job, offline, on the bundled demo site; then how to review it."""
    settings = _settings(ctx)
    open_migrated(settings.db_url).close()
    click.echo(f"data: {settings.data_dir}  database: {_safe_url(settings)}")
    with demo_settings(settings) as (demo_cfg, site):
        click.echo(f"demo site: {site.base}/ (fictional articles bundled in deploy/demo)")
        report = run_once(demo_cfg)
        summarise(demo_cfg, report, click.echo)
    if not report.ok:
        failed = next(f"{s}: {o.error}" for s, o in report.stages if o.status != "ok")
        raise click.ClickException(f"demo stopped at {failed}")
    password = ensure_demo_reviewer(settings)
    click.echo(click.style("review", bold=True))
    if password:
        click.echo(f"  reviewer 'demo' created, password: {password}  (shown once, stored hashed)")
    else:
        click.echo("  reviewer 'demo' already exists (its password was shown on the first run)")
    prefix = ""
    if os.environ.get("CIVWATCH_DATA_DIR"):
        prefix += f"CIVWATCH_DATA_DIR={os.environ['CIVWATCH_DATA_DIR']} "
    key = secrets.token_hex(16)
    click.echo("  start the review UI with:")
    click.echo(f"    {prefix}CIVWATCH_SECRET_KEY={key} .venv/bin/civwatch serve")
    click.echo(f"  then open {settings.base_url}/ and log in as demo")


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.db_url).render_as_string(hide_password=True)


# -- doctor -------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warn_only: bool = False


def doctor_checks(settings: Settings) -> list[Check]:
    """Every check of ``civwatch doctor``, each with a fix when it fails."""
    checks: list[Check] = [_check_config(settings)]
    checks.append(_check_database(settings))
    checks.append(_check_spacy_model())
    checks.append(_check_gazetteer())
    checks.append(_check_sources(settings))
    checks.append(_check_smtp(settings))
    checks.append(_check_disk(settings))
    checks.append(_check_clock(settings))
    return checks


def _check_config(settings: Settings) -> Check:
    try:
        timezone_of(settings)
        desired_jobs(settings, [])
    except SettingsError as exc:
        return Check("configuration", False, str(exc), "correct the variable in the environment")
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        probe = settings.data_dir / ".doctor-probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return Check(
            "configuration",
            False,
            f"data directory {settings.data_dir} not writable: {exc}",
            "create it for the service user, or set CIVWATCH_DATA_DIR",
        )
    note = "" if settings.secret_key else " (CIVWATCH_SECRET_KEY unset: `serve` will refuse)"
    return Check("configuration", True, f"settings valid, data in {settings.data_dir}{note}")


def _check_database(settings: Settings) -> Check:
    from storage.db import DatabaseError, current_revision, head_revision, make_engine

    try:
        engine = make_engine(settings.db_url)
        current = current_revision(engine)
        engine.dispose()
    except DatabaseError as exc:
        return Check(
            "database",
            False,
            str(exc).splitlines()[0],
            "check CIVWATCH_DATABASE_URL and that the server is running",
        )
    head = head_revision()
    if current != head:
        return Check(
            "database",
            False,
            f"{_safe_url(settings)} at migration {current or '(empty)'}, code expects {head}",
            "run `civwatch db upgrade`",
        )
    return Check("database", True, f"{_safe_url(settings)} reachable, migrations current ({head})")


def _check_spacy_model() -> Check:
    import importlib.metadata
    import importlib.util

    if importlib.util.find_spec("fr_core_news_sm") is None:
        return Check(
            "spaCy model",
            False,
            "fr_core_news_sm is not installed",
            "`.venv/bin/pip install -e .` (the model is a dependency in pyproject.toml)",
        )
    version = importlib.metadata.version("fr_core_news_sm")
    return Check("spaCy model", True, f"fr_core_news_sm {version} installed")


def _check_gazetteer() -> Check:
    try:
        from nlp.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    except ModuleNotFoundError as exc:
        return Check("gazetteer", False, f"cannot import: {exc}", "reinstall civwatch")
    except (OSError, ValueError) as exc:
        return Check(
            "gazetteer",
            False,
            f"cannot load: {exc}",
            "rebuild with nlp/tools/build_gazetteer.py or reinstall civwatch",
        )
    size = len(getattr(gazetteer, "by_key", {}) or {})
    if not size:
        return Check("gazetteer", False, "loaded but empty", "reinstall civwatch")
    return Check("gazetteer", True, f"loaded ({size} place names)")


def _check_sources(settings: Settings) -> Check:
    from spiders.sources import SourcesFileError

    try:
        loaded = load_sources(settings.sources)
    except SourcesFileError as exc:
        return Check("sources file", False, str(exc), "fix the file or set CIVWATCH_SOURCES")
    enabled = sum(1 for e in loaded.entries if e.enabled)
    if loaded.errors:
        return Check(
            "sources file",
            False,
            f"{settings.sources}: {len(loaded.errors)} bad entries: "
            + "; ".join(str(e) for e in loaded.errors[:3]),
            "fix those entries (`civwatch sources check` lists them all)",
        )
    if not enabled:
        return Check("sources file", False, f"{settings.sources}: no enabled source", "enable one")
    return Check("sources file", True, f"{settings.sources}: {enabled} enabled sources")


def _check_smtp(settings: Settings) -> Check:
    import smtplib
    import ssl

    if not settings.smtp_host:
        return Check(
            "SMTP",
            True,
            "not configured: digests are written to files only",
            warn_only=True,
        )
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        client: smtplib.SMTP
        if settings.smtp_tls == "ssl":
            client = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=5,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=5)
        with client:
            code, _ = client.ehlo()
            if code != 250:
                raise smtplib.SMTPException(f"EHLO answered {code}")
            if settings.smtp_tls == "starttls" and not client.has_extn("starttls"):
                return Check(
                    "SMTP",
                    False,
                    f"{where} does not offer STARTTLS",
                    "set CIVWATCH_SMTP_TLS=ssl or none to match the server",
                )
    except (OSError, smtplib.SMTPException) as exc:
        return Check(
            "SMTP",
            False,
            f"{where} unreachable: {exc}",
            "check CIVWATCH_SMTP_HOST/PORT and the firewall",
        )
    return Check("SMTP", True, f"{where} answers EHLO")


def _check_disk(settings: Settings) -> Check:
    from storage.health import free_disk_bytes

    free_mb = free_disk_bytes(settings.data_dir) // (1024 * 1024)
    if free_mb < settings.min_free_disk_mb:
        return Check(
            "disk space",
            False,
            f"{free_mb} MB free for {settings.data_dir}",
            "free space, lower retention (CIVWATCH_*_RETENTION_DAYS) or move CIVWATCH_DATA_DIR",
        )
    return Check("disk space", True, f"{free_mb} MB free for {settings.data_dir}")


def _check_clock(settings: Settings) -> Check:
    try:
        tz = timezone_of(settings)
    except SettingsError as exc:
        return Check("clock", False, str(exc), "use a name such as Africa/Bamako or UTC")
    now = dt.datetime.now(tz)
    detail = f"{now.isoformat(timespec='seconds')} in {settings.timezone}"
    if settings.database_url.startswith("postgresql"):
        from sqlalchemy import text

        from storage.db import make_engine

        try:
            engine = make_engine(settings.db_url)
            with engine.connect() as conn:
                server_now = conn.scalar(text("SELECT now()"))
            engine.dispose()
        except Exception as exc:  # reported by the database check already
            return Check("clock", True, detail + f" (database clock not read: {exc})")
        skew = abs((server_now - dt.datetime.now(dt.UTC)).total_seconds())
        if skew > 60:
            return Check(
                "clock",
                False,
                detail + f"; database clock differs by {skew:.0f} s",
                "enable NTP (systemd-timesyncd or chrony) on both hosts",
            )
        detail += f"; database clock within {skew:.1f} s"
    if now.year < 2024:
        return Check("clock", False, detail, "the system clock is wrong: enable NTP")
    return Check("clock", True, detail)


@click.command("doctor")
@click.pass_context
def doctor_cmd(ctx: click.Context) -> None:
    """Check the installation; every failed check comes with its fix. Exit 1 on a failure."""
    settings = _settings(ctx)
    checks = doctor_checks(settings)
    for check in checks:
        mark = click.style("ok  ", fg="green") if check.ok else click.style("FAIL", fg="red")
        if check.ok and check.warn_only:
            mark = click.style("note", fg="yellow")
        click.echo(f"{mark} {check.name:<13} {check.detail}")
        if not check.ok and check.fix:
            click.echo(f"     fix: {check.fix}")
    database_ok = next(c for c in checks if c.name == "database").ok
    if database_ok:
        _print_operations(settings)
    failed = [c.name for c in checks if not c.ok]
    if failed:
        raise click.ClickException(f"{len(failed)} check(s) failed: {', '.join(failed)}")


def _print_operations(settings: Settings) -> None:
    """Backlogs, digests and the last run of every job (what `status` lacks)."""
    from storage.commands import describe_run, processing_lines
    from storage.health import backlog, digest_counts
    from storage.locks import all_locks

    db = Database.open(settings.db_url, migrate=False)
    try:
        with db.sessions() as session:
            queues = backlog(session)
            click.echo(
                "backlog: "
                + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in queues.as_dict().items())
            )
            digests = digest_counts(session)
            click.echo(
                "digests: " + (", ".join(f"{k} {v}" for k, v in sorted(digests.items())) or "none")
            )
            for line in processing_lines(session, settings):
                click.echo(line)
            runs = repository.last_job_runs(session)
            stale = dt.timedelta(seconds=settings.process_lease_seconds)
            for run in runs:
                click.echo(f"  job {describe_run(run, stale)}")
        leases = all_locks(db.engine)
        now = utcnow()
        for lease in leases:
            state = "held" if lease.expires_at >= now else "expired"
            click.echo(f"  lease {lease.name:<18} {state} by {lease.owner}")
    finally:
        db.close()
