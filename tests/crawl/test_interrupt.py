"""A crawl stopped by SIGTERM (the scheduler's stop) shuts down cleanly.

The source's run is still recorded (as ended early), what was stored stays
stored, the job is marked interrupted and the command exits non-zero with one
line; feed validators are not saved, so the next run re-reads the feed.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from sqlalchemy import select

from storage import Database
from storage.models import Article, JobRun, SourceRun
from tests.crawl.crawlkit import (
    CIVWATCH,
    REPO,
    TEST_OVERRIDES,
    CivwatchRun,
    article_html,
    invented_paragraphs,
)
from tests.localserver import LocalServer
from tests.waiting import wait_until


def test_sigterm_mid_crawl(tmp_path: Path, http_server: LocalServer) -> None:
    base = http_server.base
    feed = (
        "<rss version='2.0'><channel><title>t</title>"
        f"<item><title>fast</title><link>{base}/i/fast</link></item>"
        f"<item><title>slow</title><link>{base}/i/slow</link></item>"
        "</channel></rss>"
    )
    http_server.add(
        "/i/feed.xml", feed, headers={"ETag": '"x"'}, content_type="application/rss+xml"
    )
    page = article_html("Fast page", invented_paragraphs("fast page"))
    http_server.add("/i/fast", page, content_type="text/html; charset=utf-8")
    http_server.add("/i/slow", page, content_type="text/html; charset=utf-8", delay=60)
    run = CivwatchRun(tmp_path)
    run.write_sources([{"key": "intr", "kind": "feed", "url": http_server.url("/i/feed.xml")}])
    flags: list[str] = []
    # Scrapy's graceful stop waits for downloads in flight, up to DOWNLOAD_TIMEOUT.
    for name, value in {**TEST_OVERRIDES, "DOWNLOAD_TIMEOUT": "5"}.items():
        flags += ["-s", f"{name}={value}"]
    process = subprocess.Popen(
        [*CIVWATCH, "crawl", "--since", "2000-01-01", *flags],
        cwd=REPO,
        env=run.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def both_requested() -> bool:
            assert process.poll() is None, process.communicate()
            return http_server.fetched("/i/slow") > 0 and http_server.fetched("/i/fast") > 0

        def fast_page_stored() -> bool:
            assert process.poll() is None, process.communicate()
            db = Database.open(run.database_url, migrate=False)
            try:
                with db.sessions() as session:
                    return http_server.url("/i/fast") in session.scalars(select(Article.url))
            finally:
                db.close()

        wait_until(both_requested, 60, "the crawl to reach the slow page")
        wait_until(fast_page_stored, 60, "the fast page to reach the store")
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=40)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1, stderr[-3000:]
    assert "crawl interrupted: 1 source(s) stopped early (intr)" in stderr
    assert "Traceback" not in stderr
    assert "intr" in stdout  # the summary is still printed
    db = Database.open(run.database_url, migrate=False)
    try:
        with db.sessions() as session:
            (source_run,) = session.scalars(select(SourceRun)).all()
            job = session.scalars(select(JobRun).where(JobRun.job == "crawl")).one()
            urls = list(session.scalars(select(Article.url)))
    finally:
        db.close()
    assert source_run.error is not None and "ended early: shutdown" in source_run.error
    assert job.status == "interrupted"
    assert urls == [http_server.url("/i/fast")]
    assert not (run.data_dir / "http_validators.json").exists()


def test_crawl_killed_with_sigkill_is_recorded_interrupted_by_the_next(
    tmp_path: Path, http_server: LocalServer
) -> None:
    base = http_server.base
    feed = (
        "<rss version='2.0'><channel><title>t</title>"
        f"<item><title>slow</title><link>{base}/k/slow</link></item>"
        "</channel></rss>"
    )
    http_server.add("/k/feed.xml", feed, content_type="application/rss+xml")
    page = article_html("Slow page", invented_paragraphs("slow page"))
    http_server.add("/k/slow", page, content_type="text/html; charset=utf-8", delay=60)
    run = CivwatchRun(tmp_path)
    run.extra_env["CIVWATCH_PROCESS_LEASE_SECONDS"] = "4"  # a heartbeat every second
    run.write_sources([{"key": "kill", "kind": "feed", "url": http_server.url("/k/feed.xml")}])
    flags: list[str] = []
    for name, value in {**TEST_OVERRIDES, "DOWNLOAD_TIMEOUT": "3"}.items():
        flags += ["-s", f"{name}={value}"]
    argv = [*CIVWATCH, "crawl", "--since", "2000-01-01", *flags]
    doomed = subprocess.Popen(argv, cwd=REPO, env=run.env(), stdout=subprocess.PIPE, text=True)
    db: Database | None = None
    try:
        wait_until(lambda: http_server.fetched("/k/slow"), 60, "the crawl to reach the slow page")
        db = opened = Database.open(run.database_url, migrate=False)

        def beating() -> bool:
            with opened.sessions() as session:
                job = session.scalars(select(JobRun)).one()
            return job.last_seen is not None and job.last_seen > job.started_at

        # The heartbeat renews last_seen while the crawl waits.
        wait_until(beating, 60, "the crawl's heartbeat")
        doomed.kill()  # SIGKILL: nothing can record the end
        doomed.communicate()
        with db.sessions() as session:
            killed = session.scalars(select(JobRun)).one()
        assert killed.status == "running"
        http_server.add("/k/feed.xml", feed.replace("/k/slow", "/k/none"))
        again = subprocess.run(argv, cwd=REPO, env=run.env(), capture_output=True, text=True)
        assert again.returncode == 0, again.stderr[-3000:]
        with db.sessions() as session:
            jobs = list(session.scalars(select(JobRun).order_by(JobRun.id)))
    finally:
        if doomed.poll() is None:
            doomed.kill()
            doomed.communicate()
        if db is not None:
            db.close()
    assert [j.status for j in jobs] == ["interrupted", "ok"]
    assert jobs[0].finished_at == killed.last_seen
    assert "last seen" in (jobs[0].error or "")
