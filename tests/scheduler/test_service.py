"""The real scheduler process: restarts, two processes, SIGTERM and kill -9 during a crawl."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import Database
from storage.models import Article, JobRun
from tests.localserver import LocalServer
from tests.scheduler.demo_site import serve_demo
from tests.scheduler.helpers import (
    REPO,
    children_of,
    job_ids,
    make_env,
    pid_alive,
    runs,
    scalar,
    signal_other_thread,
    start_scheduler,
    stop,
    write_sources,
)
from tests.waiting import wait_until


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'civwatch.sqlite3'}"


def _span(job_runs: list[JobRun]) -> float:
    """Seconds from the first run's start to the last one's."""
    if len(job_runs) < 2:
        return 0.0
    return (job_runs[-1].started_at - job_runs[0].started_at).total_seconds()


def test_restart_coalesces_missed_runs_and_keeps_schedule(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    sources = write_sources(tmp_path / "sources.yaml", {})
    env = make_env(tmp_path / "data", sources, CIVWATCH_HEALTH_INTERVAL="2")
    log = tmp_path / "scheduler.log"

    first = start_scheduler(env, log)
    wait_until(lambda: runs(url, "health"), 20, "the first health run")
    schedule_before = scalar(
        url, "SELECT next_run_time FROM apscheduler_jobs WHERE id='maintenance'"
    )
    assert stop(first) == 0
    stopped_at = dt.datetime.now(dt.UTC)
    before = len(runs(url, "health"))

    # Two health runs (every 2 s) fall due while nothing runs.
    due = scalar(url, "SELECT next_run_time FROM apscheduler_jobs WHERE id='health'")
    wait_until(lambda: time.time() > due + 2 + 0.5, 15, "two missed health due times")
    second = start_scheduler(env, log)
    try:
        wait_until(lambda: len(runs(url, "health")) > before, 15, "the missed health run")
        # A run is recorded as "running" when it starts; wait for the first to finish.
        wait_until(
            lambda: next(r for r in runs(url, "health") if r.started_at > stopped_at).finished_at,
            15,
            "the missed health run to finish",
        )
        restarted = [r for r in runs(url, "health") if r.started_at > stopped_at]
        # The second run after restart may only come one interval (2 s) later.
        first_after = restarted[0].started_at
        burst = [r for r in restarted if (r.started_at - first_after).total_seconds() < 1.5]
        assert len(burst) == 1, "missed runs must be coalesced into one"
        assert restarted[0].status == "ok"
        schedule_after = scalar(
            url, "SELECT next_run_time FROM apscheduler_jobs WHERE id='maintenance'"
        )
        assert schedule_after == schedule_before, "an unchanged job keeps its next run time"
    finally:
        assert stop(second) == 0


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_two_schedulers_run_each_job_once_per_due_time(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    url = _sqlite(tmp_path) if backend == "sqlite" else request.getfixturevalue("pg_url")
    if backend == "postgresql":
        Database.open(url).close()
    sources = write_sources(tmp_path / "sources.yaml", {})
    env = make_env(tmp_path / "data", sources, db_url=url, CIVWATCH_HEALTH_INTERVAL="1")
    a = start_scheduler(env, tmp_path / "a.log")
    b = start_scheduler(env, tmp_path / "b.log")
    try:
        wait_until(
            lambda: (
                "standing by" in (tmp_path / "a.log").read_text()
                or "standing by" in (tmp_path / "b.log").read_text()
            ),
            30,
            "one scheduler to stand by",
        )
        wait_until(lambda: runs(url, "health"), 30, "the first health run")
        # Watch both for a while: health runs (one due time a second) over four seconds.
        wait_until(lambda: _span(runs(url, "health")) >= 4, 30, "four seconds of health runs")
        health = runs(url, "health")
        assert len({r.pid for r in health}) == 1, "only the lease holder runs jobs"
        assert len(health) >= 3
        window = (health[-1].started_at - health[0].started_at).total_seconds()
        # One due time per second: two schedulers would run about twice as many.
        assert len(health) <= window + 1.5, f"{len(health)} runs in {window:.1f} s"
        for earlier, later in itertools.pairwise(health):
            assert earlier.finished_at is not None
            assert later.started_at >= earlier.finished_at, "runs never overlap"
        leader = a if health[0].pid == a.pid else b
        standby = b if leader is a else a
        # The standby takes over when the leader stops.
        assert stop(leader) == 0
        # A run is recorded as "running" when it starts; wait for the first to finish.
        taken_over = wait_until(
            lambda: [
                r for r in runs(url, "health") if r.pid == standby.pid and r.finished_at is not None
            ],
            15,
            "the takeover",
        )
        assert taken_over[0].status == "ok"
    finally:
        for proc in (a, b):
            if proc.poll() is None:
                assert stop(proc) == 0


def test_sigterm_during_crawl_exits_cleanly_within_grace(
    tmp_path: Path, http_server: LocalServer
) -> None:
    url = _sqlite(tmp_path)
    feeds = serve_demo(http_server, page_delay=30)  # every article takes 30 s to answer
    sources = write_sources(tmp_path / "sources.yaml", {"demo_en": feeds["demo_en"]})
    env = make_env(
        tmp_path / "data", sources, CIVWATCH_STOP_GRACE="6", CIVWATCH_DOWNLOAD_TIMEOUT="60"
    )
    proc = start_scheduler(env, tmp_path / "scheduler.log")
    try:
        wait_until(
            lambda: any(r.path.endswith(".html") for r in http_server.requests),
            30,
            "the crawl to request an article",
        )
        crawl_children = children_of(proc.pid)
        assert crawl_children, "the crawl runs in a subprocess"
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0
    assert took < 6 + 3, f"stopped in {took:.1f} s, grace is 6 s"
    assert not any(pid_alive(pid) for pid in crawl_children)
    crawl = runs(url, "crawl")
    assert [r.status for r in crawl] == ["interrupted"]
    assert crawl[0].finished_at is not None


def test_kill_9_during_crawl_then_restart_resumes_without_duplicates(
    tmp_path: Path, http_server: LocalServer
) -> None:
    url = _sqlite(tmp_path)
    feeds = serve_demo(http_server, page_delay=0.8)
    sources = write_sources(tmp_path / "sources.yaml", feeds)
    env = make_env(tmp_path / "data", sources, CIVWATCH_DOWNLOAD_TIMEOUT="20")
    log = tmp_path / "scheduler.log"
    proc = start_scheduler(env, log)
    wait_until(
        lambda: sum(r.path.endswith(".html") for r in http_server.requests) >= 2,
        30,
        "the crawl to be under way",
    )
    crawl_children = children_of(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(5)
    wait_until(
        lambda: not any(pid_alive(pid) for pid in crawl_children), 5, "the crawl to die with it"
    )
    assert [r.status for r in runs(url, "crawl")] == ["running"], "left behind by kill -9"
    killed_run = runs(url, "crawl")[0]

    again = start_scheduler(env, log)
    try:
        wait_until(
            lambda: [r for r in runs(url, "crawl") if r.status == "ok"], 60, "the resumed crawl"
        )
    finally:
        assert stop(again) == 0
    crawl_runs = runs(url, "crawl")
    assert crawl_runs[0].id == killed_run.id
    assert crawl_runs[0].status == "interrupted", "the killed run is closed, not left running"
    assert [r.status for r in crawl_runs[1:]] == ["ok"], "one new run, recorded once"
    database = Database.open(url, migrate=False)
    with database.sessions() as session:
        urls = list(session.scalars(select(Article.canonical_url)))
    database.close()
    assert len(urls) == len(set(urls))
    assert len(urls) == 8, "every demo page stored exactly once"


@pytest.mark.slow
def test_scheduler_runs_crawl_process_digest_and_records_them(
    tmp_path: Path, http_server: LocalServer
) -> None:
    url = _sqlite(tmp_path)
    feeds = serve_demo(http_server)
    sources = write_sources(tmp_path / "sources.yaml", feeds)
    env = make_env(
        tmp_path / "data",
        sources,
        CIVWATCH_CRAWL_INTERVAL="5",
        CIVWATCH_DIGEST_SCHEDULE="default=every:4",
    )
    proc = start_scheduler(env, tmp_path / "scheduler.log")
    try:
        wait_until(
            lambda: (
                [r for r in runs(url, "digest:default") if r.status == "ok"]
                and [r for r in runs(url, "process") if r.status == "ok"]
            ),
            180,
            "crawl, process and digest runs",
            poll=1,
        )
    finally:
        assert stop(proc) == 0
    crawl = [r for r in runs(url, "crawl") if r.status == "ok"]
    process = [r for r in runs(url, "process") if r.status == "ok"]
    assert crawl and crawl[0].stats.get("new", crawl[0].stats.get("articles_new")) != 0
    # Processing follows the crawl that stored articles, not its own hourly interval.
    assert crawl[0].finished_at is not None
    assert process[0].started_at >= crawl[0].finished_at
    assert (process[0].started_at - crawl[0].finished_at).total_seconds() < 30
    assert process[0].stats, "the stage's own statistics are kept"
    incidents = scalar(url, "SELECT count(*) FROM incidents")
    assert incidents >= 4
    assert all(r.status in ("ok", "interrupted") for r in runs(url) if r.job != "health")


def test_sources_file_change_and_sighup_reload_the_schedule(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    sources = write_sources(tmp_path / "sources.yaml", {})
    env = make_env(tmp_path / "data", sources)
    proc = start_scheduler(env, tmp_path / "scheduler.log")

    def lease_expiry() -> str:
        return str(scalar(url, "SELECT expires_at FROM locks WHERE name = 'scheduler'"))

    def renewed_since(before: str) -> str | None:
        now = lease_expiry()
        return now if now != before else None

    try:
        wait_until(lambda: "health" in job_ids(url), 30, "the schedule")
        assert not any(j.startswith("crawl") for j in job_ids(url))
        # An edit of the file is picked up on its own.
        sources.write_text(
            "sources:\n  - {key: un_feed, kind: feed, url: 'http://127.0.0.1:9/f', group: un}\n"
        )
        wait_until(lambda: "crawl:un" in job_ids(url), 20, "the new group's crawl job")
        # SIGHUP reloads even when the file's time stamp did not move.
        stamp = sources.stat().st_mtime_ns
        sources.write_text("sources:\n  - {key: plain, kind: feed, url: 'http://127.0.0.1:9/g'}\n")
        os.utime(sources, ns=(stamp, stamp))
        at_edit = lease_expiry()
        # The housekeeper renews the scheduler lease, then looks at the file: two
        # renewals after the edit mean it has looked at least once since.
        first = wait_until(lambda: renewed_since(at_edit), 20, "a lease renewal after the edit")
        wait_until(lambda: renewed_since(first), 20, "a second lease renewal")
        assert "crawl:un" in job_ids(url), "no reload without a change or a signal"
        proc.send_signal(signal.SIGHUP)
        wait_until(
            lambda: "crawl" in job_ids(url) and "crawl:un" not in job_ids(url), 20, "the reload"
        )
    finally:
        assert stop(proc) == 0


def test_signals_sent_to_any_thread_reload_and_stop_the_scheduler(tmp_path: Path) -> None:
    """SIGHUP and SIGTERM handed to a thread other than the main one (the kernel's
    choice for a process signal) reload and stop at once, not at the next due job."""
    url = _sqlite(tmp_path)
    sources = write_sources(tmp_path / "sources.yaml", {})
    env = make_env(tmp_path / "data", sources)
    proc = start_scheduler(env, tmp_path / "scheduler.log")
    try:
        wait_until(lambda: "health" in job_ids(url), 30, "the schedule")
        wait_until(lambda: runs(url, "health"), 20, "the first health run")
        # The next due job is an hour away: only the signal can wake the scheduler.
        stamp = sources.stat().st_mtime_ns
        sources.write_text("sources:\n  - {key: plain, kind: feed, url: 'http://127.0.0.1:9/g'}\n")
        os.utime(sources, ns=(stamp, stamp))
        signal_other_thread(proc.pid, signal.SIGHUP)
        wait_until(lambda: "crawl" in job_ids(url), 20, "the reload")
        wait_until(lambda: [r for r in runs(url, "crawl") if r.finished_at], 60, "the crawl")
        signal_other_thread(proc.pid, signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        stop(proc)


@pytest.mark.slow
def test_kill_9_during_processing_then_restart_resumes_without_duplicates(
    tmp_path: Path, http_server: LocalServer
) -> None:
    url = _sqlite(tmp_path)
    feeds = serve_demo(http_server)
    sources = write_sources(tmp_path / "sources.yaml", feeds)
    env = make_env(tmp_path / "data", sources, CIVWATCH_NLP_BATCH_SIZE="1")
    crawl = subprocess.run(
        [sys.executable, "-m", "cli", "crawl"], env=env, cwd=REPO, capture_output=True, timeout=180
    )
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    assert scalar(url, "SELECT count(*) FROM articles WHERE status = 'new'") == 6

    # No crawl job (no group would be due): only processing, two seconds after start.
    env["CIVWATCH_PROCESS_INTERVAL"] = "2"
    env["CIVWATCH_SOURCES"] = str(write_sources(tmp_path / "none.yaml", {}))
    log = tmp_path / "scheduler.log"
    proc = start_scheduler(env, log)
    wait_until(lambda: runs(url, "process"), 60, "processing to start")
    stage = children_of(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(5)
    wait_until(lambda: not any(pid_alive(pid) for pid in stage), 5, "processing to die with it")

    env["CIVWATCH_PROCESS_INTERVAL"] = "3600"  # only the resume can run it now
    again = start_scheduler(env, log)
    try:
        wait_until(
            lambda: [r for r in runs(url, "process") if r.status == "ok"], 120, "resumed processing"
        )
    finally:
        assert stop(again) == 0
    statuses = [r.status for r in runs(url, "process")]
    assert statuses[0] == "interrupted" and statuses[-1] == "ok", statuses
    assert scalar(url, "SELECT count(*) FROM articles WHERE status = 'new'") == 0
    duplicated_claims = scalar(
        url,
        'SELECT count(*) FROM (SELECT article_id, kind, "start", "end", count(*) AS n '
        'FROM claims GROUP BY article_id, kind, "start", "end" HAVING count(*) > 1) AS d',
    )
    assert duplicated_claims == 0
    assert scalar(url, "SELECT count(*) FROM incidents") >= 4
