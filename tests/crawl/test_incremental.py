"""Incremental crawling and source health over several runs, plus the crawl CLI.

Three crawls of the same sources: a feed answering conditional GETs (304 when
nothing changed), a feed that lists nothing, and a feed that fails with 500.
Also: the same crawl on PostgreSQL, `scrapy crawl <kind> -a source=KEY` and
`scrapy list` from the repository root, and the CLI's clear errors.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crawling.middlewares import load_validators, retry_after_seconds, save_validators
from storage import Database
from storage.models import Article, Source, SourceRun
from tests.crawl.crawlkit import REPO, CivwatchRun, article_html, invented_paragraphs
from tests.localserver import LocalServer

HTML = "text/html; charset=utf-8"


def _feed(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {p}</title><link>{base}{p}</link>"
        "<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


@dataclass
class Feed:
    """A feed that honours If-None-Match / If-Modified-Since like a real server."""

    server: LocalServer
    paths: list[str]
    etag: str = '"v1"'
    modified: str = "Tue, 05 Mar 2024 10:00:00 GMT"
    conditional_headers: list[tuple[str | None, str | None]] | None = None

    def __call__(self, handler: Any) -> bytes:
        inm = handler.headers.get("If-None-Match")
        ims = handler.headers.get("If-Modified-Since")
        assert self.conditional_headers is not None
        self.conditional_headers.append((inm, ims))
        route = self.server.routes["/cond/feed.xml"]
        route.headers = {"ETag": self.etag, "Last-Modified": self.modified}
        if inm == self.etag:
            route.status = 304
            return b""
        route.status = 200
        return _feed(self.server.base, self.paths)


@dataclass
class History:
    server: LocalServer
    run: CivwatchRun
    results: list[Any]
    feed: Feed
    requests: list[list[str]]
    sources: dict[str, Source]
    runs: dict[str, list[SourceRun]]


def _crawl_and_record(run: CivwatchRun, server: LocalServer, requests: list[list[str]]) -> Any:
    server.requests.clear()
    result = run.crawl("--since", "2024-01-01")
    requests.append([r.path for r in server.requests])
    return result


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    server = LocalServer().start()
    try:
        feed = Feed(server, ["/cond/a1", "/cond/a2"], conditional_headers=[])
        server.add("/cond/feed.xml", feed, content_type="application/rss+xml")
        for name in ("a1", "a2", "a3"):
            page = article_html(f"Page {name}", invented_paragraphs(f"conditional {name}"))
            server.add(f"/cond/{name}", page, content_type=HTML)
        server.add("/empty/feed.xml", _feed(server.base, []), content_type="application/rss+xml")
        server.add("/down/feed.xml", b"oops", status=500, content_type="text/plain")
        run = CivwatchRun(tmp_path_factory.mktemp("incremental"))
        run.write_sources(
            [
                {"key": "cond", "kind": "feed", "url": server.url("/cond/feed.xml")},
                {"key": "empty", "kind": "feed", "url": server.url("/empty/feed.xml")},
                {"key": "down", "kind": "feed", "url": server.url("/down/feed.xml")},
            ]
        )
        requests: list[list[str]] = []
        results = [_crawl_and_record(run, server, requests)]
        results.append(_crawl_and_record(run, server, requests))  # nothing changed: 304
        feed.etag, feed.modified = '"v2"', "Wed, 06 Mar 2024 10:00:00 GMT"
        feed.paths.append("/cond/a3")
        results.append(_crawl_and_record(run, server, requests))  # changed: one new item
        db = Database.open(run.database_url, migrate=False)
        with db.sessions() as session:
            sources = {s.key: s for s in session.scalars(select(Source))}
            runs: dict[str, list[SourceRun]] = {}
            for source_run, source in session.execute(
                select(SourceRun, Source).join(Source).order_by(SourceRun.id)
            ):
                runs.setdefault(source.key, []).append(source_run)
        db.close()
        yield History(server, run, results, feed, requests, sources, runs)
    finally:
        server.stop()


def test_all_runs_exit_zero(history: History) -> None:
    for result in history.results:
        assert result.returncode == 0, result.stderr[-3000:]


def test_conditional_get_sends_validators_and_counts_304(history: History) -> None:
    headers = history.feed.conditional_headers
    assert headers is not None
    assert headers[0] == (None, None)
    assert headers[1] == ('"v1"', "Tue, 05 Mar 2024 10:00:00 GMT")
    assert headers[2] == ('"v1"', "Tue, 05 Mar 2024 10:00:00 GMT")  # saved after run 1 only
    first, second, third = history.runs["cond"]
    assert first.articles_new + first.articles_irrelevant == 2
    assert second.dropped == {"skipped: not modified": 1}
    assert second.responses_by_status == {"304": 1, "404": 1}  # the feed; robots.txt
    assert second.error is None
    # Run 3: the changed feed is read; only the new item is fetched.
    assert third.articles_new + third.articles_irrelevant == 1
    assert third.dropped == {"skipped: already stored": 2}
    assert "/cond/a3" in history.requests[2]
    assert "/cond/a1" not in history.requests[2]
    validators = load_validators(history.run.data_dir / "http_validators.json")
    assert validators[history.server.url("/cond/feed.xml")]["etag"] == '"v2"'


def test_a_304_is_a_healthy_run(history: History) -> None:
    cond = history.sources["cond"]
    assert cond.health == "ok"
    assert cond.zero_article_runs == 0
    assert cond.consecutive_failures == 0


def test_a_feed_that_lists_nothing_for_three_runs_is_flagged(history: History) -> None:
    empty = history.sources["empty"]
    assert empty.zero_article_runs == 3
    assert empty.health == "warning"
    assert empty.health_reason == "nothing listed for 3 runs"
    assert empty.last_success_at is not None  # it answered; it just had nothing


def test_a_failing_feed_turns_from_warning_to_failing(history: History) -> None:
    down_runs = history.runs["down"]
    assert [r.error for r in down_runs] == ["http 500 ×1"] * 3
    down = history.sources["down"]
    assert down.consecutive_failures == 3
    assert down.health == "failing"
    assert down.health_reason == "http 500 (3 run(s) in a row)"
    assert down.last_success_at is None
    # Each run retried the feed (RETRY_TIMES = 2): 3 requests per run.
    assert all(reqs.count("/down/feed.xml") == 3 for reqs in history.requests)
    assert down_runs[0].responses_by_status == {"500": 3, "404": 1}


def test_crawl_on_postgresql(pg_url: str, tmp_path: Path, http_server: LocalServer) -> None:
    paths = ["/pg/one", "/pg/two"]
    http_server.add(
        "/pg/feed.xml", _feed(http_server.base, paths), content_type="application/rss+xml"
    )
    for path in paths:
        page = article_html(f"PG {path}", invented_paragraphs(f"postgres {path}"))
        http_server.add(path, page, content_type=HTML)
    run = CivwatchRun(tmp_path, database_url=pg_url)
    # The development HTTP cache too: the second run reads the feed from it.
    run.extra_env["CIVWATCH_HTTP_CACHE"] = "true"
    run.write_sources([{"key": "pg", "kind": "feed", "url": http_server.url("/pg/feed.xml")}])
    for _ in range(2):
        result = run.crawl("--since", "2024-01-01")
        assert result.returncode == 0, result.stderr[-3000:]
    db = Database.open(pg_url, migrate=False)
    try:
        with db.sessions() as session:
            urls = sorted(session.scalars(select(Article.url)))
            runs = list(session.scalars(select(SourceRun).order_by(SourceRun.id)))
    finally:
        db.close()
    assert urls == [http_server.url(p) for p in sorted(paths)]
    assert http_server.fetched("/pg/one") == 1
    assert runs[1].dropped == {"skipped: already stored": 2}
    assert http_server.fetched("/pg/feed.xml") == 1
    assert (run.data_dir / "httpcache").is_dir()


def _env(tmp_path: Path, sources: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    env.update(
        {
            "CIVWATCH_DATA_DIR": str(tmp_path / "data"),
            "CIVWATCH_SOURCES": sources,
            "CIVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'scrapy.sqlite3'}",
            "PYTHONPATH": str(REPO),
        }
    )
    return env


def test_scrapy_list_and_scrapy_crawl_from_the_repo_root(
    tmp_path: Path, http_server: LocalServer
) -> None:
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    listed = subprocess.run(
        [scrapy, "list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(tmp_path, str(tmp_path / "none.yaml")),
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == [
        "acled_api",
        "acled_pages",
        "feed",
        "listing",
        "reliefweb",
        "sitemap",
        "un_news",
    ]
    http_server.add(
        "/s/feed.xml", _feed(http_server.base, ["/s/page"]), content_type="application/rss+xml"
    )
    http_server.add(
        "/s/page", article_html("S page", invented_paragraphs("scrapy crawl")), content_type=HTML
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - key: solo\n    kind: feed\n    url: {http_server.url('/s/feed.xml')}\n",
        encoding="utf-8",
    )
    crawled = subprocess.run(
        [
            scrapy,
            "crawl",
            "feed",
            "-a",
            "source=solo",
            "-a",
            "since=2024-01-01",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(tmp_path, str(sources)),
    )
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    assert http_server.fetched("/s/page") == 1
    db = Database.open(f"sqlite:///{tmp_path / 'scrapy.sqlite3'}", migrate=False)
    try:
        with db.sessions() as session:
            source = session.scalars(select(Source).where(Source.key == "solo")).one()
            assert source.health == "ok"
            assert session.scalars(select(Article.url)).one() == http_server.url("/s/page")
    finally:
        db.close()


def test_crawl_cli_errors_are_one_clear_line(tmp_path: Path) -> None:
    run = CivwatchRun(tmp_path)
    run.write_sources([{"key": "x", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml"}])
    unknown = run.invoke("crawl", "--source", "nope")
    assert unknown.returncode == 1
    assert "unknown source(s): nope" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    bad_since = run.invoke("crawl", "--since", "last tuesday")
    assert bad_since.returncode == 2
    assert "is not a date" in bad_since.stderr


def test_retry_after_parsing() -> None:
    now = dt.datetime(2024, 3, 5, 10, 0, tzinfo=dt.UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Tue, 05 Mar 2024 10:01:30 GMT", now=now) == 90.0
    assert retry_after_seconds("Tue, 05 Mar 2024 09:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_validators_file_is_a_cache_that_survives_corruption(tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    assert load_validators(path) == {}
    path.write_text("{not json", encoding="utf-8")
    assert load_validators(path) == {}
    save_validators(path, {"http://x/feed": {"etag": '"1"', "last_modified": ""}})
    assert load_validators(path) == {"http://x/feed": {"etag": '"1"', "last_modified": ""}}
