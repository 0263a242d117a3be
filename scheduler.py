"""The APScheduler service (``civwatch schedule``) and its job table.

``civwatch schedule`` runs a BlockingScheduler in the foreground (for systemd)
with its job store in the project database. The job functions below are what
the job store names (``scheduler:job_crawl`` …): they stay here, top-level.
How a stage runs as a subprocess, how a job run is leased and recorded, and
``run --once``, ``demo`` and ``doctor`` live in ``ops/``.

Design decisions:

* **Every stage runs in a subprocess** (see :mod:`ops.stages`), so a crawl or
  processing run can be stopped, or can die, without leaving the scheduler in
  an unknown state.
* **One active scheduler per database.** A process holds the ``scheduler``
  lease (``storage.locks``) while it schedules; a second process — an
  accidental second start, or a standby host on PostgreSQL — waits until the
  lease is free. Each job also takes a ``job:<id>`` lease while it runs
  (:mod:`ops.runs`), so a manual ``civwatch run --once`` waits for a scheduled
  crawl (of the default group), process or digest run instead of overlapping it.
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
import datetime as dt
import faulthandler
import functools
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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

from ops.maintenance import maintenance_work
from ops.runs import JobOutcome, execute_job, stage_work
from ops.stages import PROCESS, crawl_args, digest_args
from settings import Settings, SettingsError
from spiders.sources import SourceEntry, load_sources
from storage import Database
from storage import repo as repository
from storage.health import health_report, reap_orphan_runs, release_dead_article_leases
from storage.locks import LeaseLock, make_owner

log = logging.getLogger("civwatch.scheduler")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
SCHEDULER_LEASE_TTL = 30.0
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


# ---------------------------------------------------------------------------
# The jobs (the job store refers to them as ``scheduler:<name>``)
# ---------------------------------------------------------------------------


def crawl_groups(sources: Sequence[SourceEntry]) -> dict[str, list[str]]:
    """Enabled source keys by scheduler group ("" for sources without a group)."""
    groups: dict[str, list[str]] = {}
    for entry in sources:
        if entry.enabled:
            groups.setdefault(str(entry.options.get("group") or ""), []).append(entry.key)
    return groups


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
        wakeup_read, wakeup_write = os.pipe()
        os.set_blocking(wakeup_write, False)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        signal.set_wakeup_fd(wakeup_write, warn_on_full_buffer=False)
        # `kill -USR1 <pid>` prints every thread's stack to the log: for a stuck job.
        faulthandler.register(signal.SIGUSR1, all_threads=True)
        threading.Thread(
            target=self._signals, args=(wakeup_read,), name="signals", daemon=True
        ).start()
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

    # Signals are acted on by a thread of their own, told by the wakeup fd: the kernel
    # hands a process signal to any thread, and when that is not the main thread the
    # main thread's wait is not interrupted, so a Python handler would only run at the
    # scheduler's next due job (a stop delayed by up to an hour, seen in CI). A handler
    # also runs between two bytecodes of the main thread, which may hold the very
    # locks that scheduler.shutdown() needs (a deadlock seen in testing).
    def _on_signal(self, signum: int, frame: Any) -> None:
        """Installed so the signals do not kill the process; :meth:`_signals` acts on them."""

    def _signals(self, wakeup_fd: int) -> None:
        """Reads each signal's number from the wakeup fd; a stop signal shuts down."""
        while self._stop_signal is None:
            for signum in os.read(wakeup_fd, 16):
                if signum == signal.SIGHUP:
                    self._reload_signal = True
                elif signum in (signal.SIGTERM, signal.SIGINT):
                    self._stop_signal = signum
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
# The command
# ---------------------------------------------------------------------------


@click.command("schedule")
@click.pass_context
def schedule_cmd(ctx: click.Context) -> None:
    """Run the scheduler in the foreground (crawl, process, digest, health, maintenance).

    For systemd (deploy/civwatch-scheduler.service). SIGTERM or Ctrl-C: no new
    jobs, running jobs get CIVWATCH_STOP_GRACE seconds, exit 0. SIGHUP or an
    edit of the sources file reloads it.
    """
    settings: Settings = ctx.find_root().obj["settings"]
    timezone_of(settings)
    desired_jobs(settings, load_sources(settings.sources).entries)  # fail early on bad config
    sys.exit(Service(settings).run())
