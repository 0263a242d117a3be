"""The in-process jobs (maintenance, health), job bookkeeping and the schedule from settings."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import obj_to_ref, ref_to_obj
from sqlalchemy import select
from sqlalchemy.orm import Session

from ops.demo import render_demo
from ops.maintenance import maintenance_work
from ops.runs import JobOutcome, execute_job
from ops.stages import settings_env
from scheduler import desired_jobs, health_work
from settings import Settings, SettingsError
from spiders.sources import parse_sources
from storage import Database
from storage.health import reap_orphan_runs, release_dead_article_leases
from storage.locks import LeaseLock
from storage.models import Article, Digest, EvidenceMention, Incident, JobRun, Source, utcnow


def _settings(tmp_path: Path, db: Database, **overrides: object) -> Settings:
    url = db.engine.url.render_as_string(hide_password=False)
    return Settings.from_env({}, data_dir=tmp_path / "data", database_url=url, **overrides)


def _article(session: Session, n: int, fetched: dt.datetime, snapshot: str | None) -> Article:
    article = Article(
        url=f"http://127.0.0.1/a/{n}",
        canonical_url=f"http://127.0.0.1/a/{n}",
        text="text",
        fetched_at=fetched,
        snapshot_path=snapshot,
    )
    session.add(article)
    return article


def test_maintenance_vacuums_and_keeps_cited_or_shared_snapshots(
    tmp_path: Path, db: Database
) -> None:
    settings = _settings(tmp_path, db, snapshot_retention_days=30, httpcache_retention_days=7)
    snapshots = settings.data_dir / "snapshots"
    for name in ("aa/old.html.gz", "bb/cited.html.gz", "cc/shared.html.gz", "dd/new.html.gz"):
        (snapshots / name).parent.mkdir(parents=True, exist_ok=True)
        (snapshots / name).write_bytes(b"page")
    old = utcnow() - dt.timedelta(days=60)
    with db.sessions.begin() as session:
        _article(session, 1, old, "aa/old.html.gz")
        cited = _article(session, 2, old, "bb/cited.html.gz")
        _article(session, 3, old, "cc/shared.html.gz")
        _article(session, 4, utcnow(), "cc/shared.html.gz")  # same page fetched again lately
        _article(session, 5, utcnow(), "dd/new.html.gz")
        session.flush()
        incident = Incident()
        session.add(incident)
        session.flush()
        session.add(
            EvidenceMention(
                incident_id=incident.id, article_id=cited.id, sentence="s", start=0, end=1
            )
        )
    cache = settings.data_dir / "httpcache" / "civwatch" / "ab"
    cache.mkdir(parents=True)
    stale, fresh = cache / "stale", cache / "fresh"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    ten_days_ago = time.time() - 10 * 86400
    os.utime(stale, (ten_days_ago, ten_days_ago))

    outcome = maintenance_work(settings, db)

    assert outcome.status == "ok"
    assert outcome.stats["vacuumed"] == db.engine.dialect.name
    assert outcome.stats["snapshots_removed"] == 1
    assert not (snapshots / "aa/old.html.gz").exists()
    for kept in ("bb/cited.html.gz", "cc/shared.html.gz", "dd/new.html.gz"):
        assert (snapshots / kept).exists(), kept
    with db.sessions() as session:
        paths = dict(session.execute(select(Article.id, Article.snapshot_path)).all())
    assert paths == {
        1: None,
        2: "bb/cited.html.gz",
        3: "cc/shared.html.gz",
        4: "cc/shared.html.gz",
        5: "dd/new.html.gz",
    }
    assert outcome.stats["httpcache_removed"] == 1
    assert fresh.exists() and not stale.exists()


def test_no_digest_problem_before_the_first_digest(tmp_path: Path, sqlite_db: Database) -> None:
    settings = _settings(tmp_path, sqlite_db, smtp_host="127.0.0.1", digest_to=("m@example.org",))
    settings.data_dir.mkdir(parents=True)
    outcome = health_work(settings, sqlite_db)
    assert outcome.stats["problem_list"] == []
    assert outcome.error is None


def test_maintenance_keeps_every_snapshot_by_default(tmp_path: Path, sqlite_db: Database) -> None:
    settings = _settings(tmp_path, sqlite_db)
    path = settings.data_dir / "snapshots" / "aa" / "old.html.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"page")
    with sqlite_db.sessions.begin() as session:
        _article(session, 1, utcnow() - dt.timedelta(days=3650), "aa/old.html.gz")
    assert maintenance_work(settings, sqlite_db).stats["snapshots_removed"] == 0
    assert path.exists()


def test_health_reports_failing_sources_disk_and_missed_digest(
    tmp_path: Path, db: Database
) -> None:
    settings = _settings(
        tmp_path,
        db,
        min_free_disk_mb=1 << 40,
        smtp_host="127.0.0.1",
        digest_to=("monitor@example.org",),
    )
    settings.data_dir.mkdir(parents=True)
    with db.sessions.begin() as session:
        session.add(
            Source(
                key="broken",
                name="b",
                kind="feed",
                url="http://x",
                health="failing",
                health_reason="HTTP 500 ×3",
                last_run_at=utcnow(),
            )
        )
        session.add(
            Source(
                key="quiet",
                name="q",
                kind="feed",
                url="http://y",
                health="ok",
                last_run_at=utcnow(),
                created_at=utcnow() - dt.timedelta(days=10),
            )
        )
        session.add(Source(key="fresh", name="f", kind="feed", url="http://z", health="unknown"))
        now = utcnow()
        # A digest was built once (so one is expected daily) but none was ever sent.
        session.add(
            Digest(
                profile="default",
                period_start=now - dt.timedelta(days=3),
                period_end=now - dt.timedelta(days=2),
                status="built",
            )
        )
    outcome = health_work(settings, db)
    problems = outcome.stats["problem_list"]
    assert outcome.status == "ok", "problems are reported, the check itself worked"
    assert any(p.startswith("source broken failing: HTTP 500") for p in problems), problems
    assert any(p.startswith("source quiet silent") for p in problems), problems
    assert not any("fresh" in p for p in problems), "never crawled yet: nothing to judge"
    assert any(p.startswith("disk:") for p in problems)
    assert "digest: none sent in the last 26 hours" in problems
    assert outcome.error is not None and "broken" in outcome.error
    assert outcome.stats["backlog"]["articles_new"] == 0


def test_execute_job_records_runs_and_skips_when_the_lease_is_held(
    tmp_path: Path, db: Database
) -> None:
    settings = _settings(tmp_path, db)
    assert execute_job("health", settings, lambda _db: JobOutcome("ok", {"n": 1})).status == "ok"
    other = LeaseLock(db.engine, "job:health", "elsewhere:1:x", ttl=60)
    assert other.acquire()
    skipped = execute_job("health", settings, lambda _db: JobOutcome("ok"))
    assert skipped.status == "skipped"
    assert "elsewhere:1:x" in (skipped.error or "")

    def boom(_db: Database) -> JobOutcome:
        raise RuntimeError("disk on fire")

    other.release()
    with pytest.raises(RuntimeError):
        execute_job("health", settings, boom)
    with db.sessions() as session:
        rows = list(session.scalars(select(JobRun).order_by(JobRun.id)))
    assert [(r.job, r.status) for r in rows] == [
        ("health", "ok"),
        ("health", "skipped"),
        ("health", "failed"),
    ]
    assert rows[0].stats == {"n": 1}
    assert "disk on fire" in (rows[2].error or "")
    assert all(r.finished_at is not None for r in rows)
    assert LeaseLock(db.engine, "job:health", "probe:1:y").acquire(), "lease released"


SOURCES = """
sources:
  - {key: a, kind: feed, url: "http://127.0.0.1/a"}
  - {key: b, kind: feed, url: "http://127.0.0.1/b", group: un}
  - {key: c, kind: feed, url: "http://127.0.0.1/c", group: un}
  - {key: d, kind: feed, url: "http://127.0.0.1/d", enabled: false, group: off}
"""


def test_schedule_from_settings(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "CIVWATCH_CRAWL_INTERVAL": "600",
            "CIVWATCH_CRAWL_GROUP_INTERVALS": "un=21600",
            "CIVWATCH_DIGEST_SCHEDULE": "default=06:45",
            "CIVWATCH_TIMEZONE": "Africa/Bamako",
        },
        data_dir=tmp_path,
    )
    jobs = {j.id: j for j in desired_jobs(settings, parse_sources(SOURCES).entries)}
    assert set(jobs) == {"crawl", "crawl:un", "process", "digest:default", "health", "maintenance"}
    assert isinstance(jobs["crawl"].trigger, IntervalTrigger)
    assert jobs["crawl"].trigger.interval == dt.timedelta(seconds=600)
    assert jobs["crawl:un"].trigger.interval == dt.timedelta(hours=6)
    assert jobs["crawl:un"].kwargs == {"group": "un"}
    digest = jobs["digest:default"].trigger
    assert isinstance(digest, CronTrigger)
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    assert digest.get_next_fire_time(None, now) == dt.datetime(2026, 3, 2, 6, 45, tzinfo=dt.UTC), (
        "Bamako is UTC+0 all year"
    )
    changed = Settings.from_env(
        {"CIVWATCH_CRAWL_INTERVAL": "60", "CIVWATCH_TIMEZONE": "Africa/Bamako"}, data_dir=tmp_path
    )
    again = {j.id: j for j in desired_jobs(changed, parse_sources(SOURCES).entries)}
    assert again["crawl"].signature != jobs["crawl"].signature
    assert again["maintenance"].signature == jobs["maintenance"].signature


def test_job_store_references_resolve_to_the_job_functions(tmp_path: Path) -> None:
    """Job stores hold each job as text (``scheduler:job_crawl``); it must keep resolving."""
    settings = Settings.from_env({}, data_dir=tmp_path)
    funcs = {spec.func for spec in desired_jobs(settings, parse_sources(SOURCES).entries)}
    refs = {obj_to_ref(func): func for func in funcs}
    assert set(refs) == {
        "scheduler:job_crawl",
        "scheduler:job_process",
        "scheduler:job_digest",
        "scheduler:job_health",
        "scheduler:job_maintenance",
    }
    for ref, func in refs.items():
        assert ref_to_obj(ref) is func


@pytest.mark.parametrize(
    "env",
    [
        {"CIVWATCH_DIGEST_SCHEDULE": "default=7am"},
        {"CIVWATCH_DIGEST_SCHEDULE": "default"},
        {"CIVWATCH_MAINTENANCE_TIME": "25:00"},
        {"CIVWATCH_CRAWL_GROUP_INTERVALS": "un=often"},
        {"CIVWATCH_TIMEZONE": "Sahel/Nowhere"},
    ],
)
def test_bad_schedule_settings_are_one_clear_error(tmp_path: Path, env: dict[str, str]) -> None:
    settings = Settings.from_env(env, data_dir=tmp_path)
    with pytest.raises(SettingsError) as error:
        desired_jobs(settings, parse_sources(SOURCES).entries)
    assert next(iter(env.values())).split("=")[-1] in str(error.value)


def test_settings_round_trip_through_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"CIVWATCH_DIGEST_TO": "a@example.org,b@example.org", "CIVWATCH_HTTP_CACHE": "true"},
        data_dir=tmp_path,
        smtp_password="s3cret",
        crawl_interval=42,
    )
    assert Settings.from_env(settings_env(settings)) == settings


def test_demo_placeholders() -> None:
    today = dt.date(2026, 3, 2)
    text = "{{BASE}}/x {{RFC822:-1}} {{ISO:-2}} {{DATE_EN:-1}} {{DATE_FR:-1}} {{DATE_FR:0}}"
    assert render_demo(text, "http://127.0.0.1:5", today) == (
        "http://127.0.0.1:5/x Sun, 01 Mar 2026 09:00:00 +0000 2026-02-28T09:00:00+00:00 "
        "1 March 2026 1 mars 2026 2 mars 2026"
    )


def test_leases_of_vanished_processing_workers_are_freed(db: Database) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    here = socket.gethostname()
    owners = {
        1: f"{here}:{child.pid}:dead",  # this host, process gone
        2: f"{here}:{os.getpid()}:alive",  # this host, running
        3: f"elsewhere:{child.pid}:x",  # another host: its own lease expiry decides
    }
    expires = utcnow() + dt.timedelta(minutes=10)
    with db.sessions.begin() as session:
        for n, owner in owners.items():
            article = _article(session, n, utcnow(), None)
            article.lease_owner, article.lease_expires = owner, expires
    with db.sessions.begin() as session:
        assert release_dead_article_leases(session) == 1
    with db.sessions() as session:
        leases = dict(session.execute(select(Article.id, Article.lease_owner)).all())
    assert leases == {1: None, 2: owners[2], 3: owners[3]}


def test_orphan_runs_are_judged_by_pid_here_and_by_heartbeat_elsewhere(db: Database) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    here = socket.gethostname()
    now = utcnow()
    fresh, stale = now - dt.timedelta(seconds=5), now - dt.timedelta(minutes=10)
    rows = {
        "far-alive": ("far-host", 1, fresh),  # another host, heartbeat fresh: still running
        "far-quiet": ("far-host", 1, stale),  # another host, heartbeat stopped: gone
        "here-dead": (here, child.pid, fresh),  # this host, PID gone: gone at once
        "here-alive": (here, os.getpid(), fresh),
        "far-legacy": ("far-host", 1, None),  # no heartbeat, no job lease: gone (as before)
    }
    with db.sessions.begin() as session:
        for job, (host, pid, seen) in rows.items():
            session.add(JobRun(job=job, status="running", host=host, pid=pid, last_seen=seen))
    with db.sessions.begin() as session:
        assert reap_orphan_runs(session, dt.timedelta(seconds=90)) == 3
    with db.sessions() as session:
        runs = {r.job: r for r in session.scalars(select(JobRun))}
    assert {job: r.status for job, r in runs.items()} == {
        "far-alive": "running",
        "far-quiet": "interrupted",
        "here-dead": "interrupted",
        "here-alive": "running",
        "far-legacy": "interrupted",
    }
    # closed at the time they were last seen, and saying so
    assert runs["far-quiet"].finished_at == stale and "last seen" in (runs["far-quiet"].error or "")
    assert runs["here-dead"].finished_at == fresh
