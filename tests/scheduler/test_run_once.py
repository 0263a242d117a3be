"""`civwatch run --once`: a hanging source, the crawl's wall-clock limit, usage errors."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.localserver import LocalServer
from tests.scheduler.demo_site import serve_demo
from tests.scheduler.helpers import REPO, make_env, runs, write_sources


def _run(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_hanging_source_does_not_hold_up_the_others(
    tmp_path: Path, http_server: LocalServer
) -> None:
    feeds = serve_demo(http_server)
    # A second site on the same server whose every answer takes a minute.
    http_server.add("/hang/robots.txt", "", delay=60)
    hanging = http_server.add("/hang/feed.xml", "<rss/>", delay=60)
    sources = write_sources(
        tmp_path / "sources.yaml", {"demo_en": feeds["demo_en"], "stuck_site": hanging}
    )
    env = make_env(tmp_path / "data", sources, CIVWATCH_DOWNLOAD_TIMEOUT="2")
    result = _run(env, "run", "--once")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    crawl_done = next(line for line in out.splitlines() if "└" in line)
    seconds = float(crawl_done.split(" in ")[1].split()[0])
    # Download timeout 2 s and two retries: the stuck source costs seconds, not its minute.
    assert seconds < 35, crawl_done
    source_lines = {
        line.split()[0]: line for line in out.splitlines() if line.startswith("  demo_en")
    }
    assert "new   3" in source_lines["demo_en"], out  # bankass, djibo, UN note; sport irrelevant
    stuck = [line for line in out.splitlines() if line.strip().startswith("stuck_site")]
    assert stuck, out
    assert any(word in " ".join(stuck).lower() for word in ("timeout", "timed out", "fail")), stuck
    assert (tmp_path / "data" / "logs" / "crawl.log").exists()


def test_crawl_over_its_time_limit_is_stopped_and_reported(
    tmp_path: Path, http_server: LocalServer
) -> None:
    feeds = serve_demo(http_server, page_delay=30)
    sources = write_sources(tmp_path / "sources.yaml", {"demo_en": feeds["demo_en"]})
    env = make_env(
        tmp_path / "data",
        sources,
        CIVWATCH_CRAWL_TIMEOUT="8",
        CIVWATCH_DOWNLOAD_TIMEOUT="60",
        CIVWATCH_STOP_GRACE="4",
    )
    started = time.monotonic()
    result = _run(env, "run", "--once")
    took = time.monotonic() - started
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "run stopped at crawl" in out
    assert "time limit" in out
    assert took < 8 + 4 + 15, f"took {took:.0f} s"
    url = f"sqlite:///{tmp_path / 'data' / 'civwatch.sqlite3'}"
    crawl = runs(url, "crawl")
    assert [r.status for r in crawl] == ["failed"], "the stopped crawl is recorded once, failed"
    assert "time limit" in (crawl[0].error or "")
    assert runs(url, "process") == [], "a failed stage stops the run"


def test_run_without_once_is_a_usage_error(tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.yaml", {})
    result = _run(make_env(tmp_path / "data", sources), "run")
    assert result.returncode == 1
    assert "civwatch schedule" in result.stderr
    assert "Traceback" not in result.stderr


def test_since_must_be_a_date(tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.yaml", {})
    result = _run(make_env(tmp_path / "data", sources), "run", "--once", "--since", "last week")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr
