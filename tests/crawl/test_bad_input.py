"""Bad input, each with a counted reason and no crashed crawl.

One real `civwatch crawl` against a local server that misbehaves on purpose:
non-HTML and binary responses, a 20 MB page, wrong and missing charsets,
403/404/410/500, 429 with Retry-After (short: honoured; long: not retried this
run), a redirect loop, a robots.txt disallow, a page that times out, a page
with no main text, non-http links; and feeds that are HTML error pages,
unreadable XML, partly malformed XML, 403 and 410.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from storage import Database
from storage.models import Article, Source, SourceRun
from tests.crawl.crawlkit import CivwatchRun, article_html, invented_paragraphs
from tests.localserver import LocalServer

HTML = "text/html; charset=utf-8"
ACCENTED = [
    f"À Ségou, les habitants décrivent la journée numéro {i}, très agitée près du marché "
    f"central, où des élèves et des commerçants ont été évacués après l'alerte {i}, selon la "
    "mairie, qui a promis une réunion publique la semaine prochaine."
    for i in range(1, 6)
]


@dataclass
class Outcome:
    server: LocalServer
    run: CivwatchRun
    result: Any
    retry_times: list[float]
    runs: dict[str, SourceRun]
    sources: dict[str, Source]
    articles: dict[str, Article]


def _serve(server: LocalServer, retry_times: list[float]) -> None:
    links = [
        "/bad/binary",
        "/bad/doc.pdf",
        "/bad/huge",
        "/bad/wrong-charset",
        "/bad/no-charset",
        "/bad/403",
        "/bad/404",
        "/bad/410",
        "/bad/500",
        "/bad/429-short",
        "/bad/429-long",
        "/bad/loop-a",
        "/bad/private",
        "/bad/slow",
        "/bad/empty",
        "http://offsite.example.invalid/bad/elsewhere",
        "mailto:bad@example.invalid",
        "javascript:bad()",
    ]
    anchors = "".join(f'<a href="{href}">x</a>' for href in links)
    server.add("/bad/index", f"<html><body>{anchors}</body></html>", content_type=HTML)
    server.add("/robots.txt", "User-agent: *\nDisallow: /bad/private\n", content_type="text/plain")
    server.add("/bad/binary", bytes(range(256)) * 64, content_type="application/octet-stream")
    server.add(
        "/bad/doc.pdf",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" * 50,
        content_type="application/pdf",
    )
    huge = article_html("Huge", ["word " * 1000] * 4200)  # about 21 MB
    assert len(huge) > 20 * 1024 * 1024
    server.add("/bad/huge", huge, content_type=HTML)
    page = article_html("Ségou", ACCENTED).replace(b"<meta charset='utf-8'>", b"")
    latin = page.decode("utf-8").encode("cp1252")
    server.add("/bad/wrong-charset", latin, content_type="text/html; charset=utf-8")
    server.add(
        "/bad/no-charset",
        latin.replace("Ségou".encode("cp1252"), b"S\xe9gou-2"),
        content_type="text/html",
    )
    for status in (403, 404, 410, 500):
        server.add(
            f"/bad/{status}",
            f"<html><body>{status}</body></html>",
            status=status,
            content_type=HTML,
        )

    # The first answer is 429 with Retry-After: 1; the route then turns into the page.
    def rate_limited(handler: Any) -> bytes:
        retry_times.append(time.monotonic())
        page = article_html("After the wait", invented_paragraphs("patience"))
        server.add("/bad/429-short", _recorded(page, retry_times), content_type=HTML)
        return b""

    server.add("/bad/429-short", rate_limited, status=429, headers={"Retry-After": "1"})
    server.add("/bad/429-long", b"slow down", status=429, headers={"Retry-After": "3600"})
    server.add("/bad/loop-a", b"", status=302, headers={"Location": "/bad/loop-b"})
    server.add("/bad/loop-b", b"", status=302, headers={"Location": "/bad/loop-a"})
    server.add(
        "/bad/private", article_html("Private", invented_paragraphs("private")), content_type=HTML
    )
    server.add(
        "/bad/slow", article_html("Slow", invented_paragraphs("slow")), content_type=HTML, delay=4
    )
    server.add("/bad/empty", "<html><body><nav>menu</nav></body></html>", content_type=HTML)
    # --- broken feeds -------------------------------------------------------------
    server.add(
        "/feeds/html-error.xml",
        "<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>",
        content_type="text/html",
    )
    server.add(
        "/feeds/garbage.xml", b"\x00\x01 this is not xml <<<", content_type="application/xml"
    )
    broken = (
        "<rss><channel><item><title>one & two</title>"
        f"<link>{server.base}/feeds/item-1</link></item>"
    )
    server.add("/feeds/broken.xml", broken, content_type="application/rss+xml")
    server.add(
        "/feeds/item-1",
        article_html("Item one", invented_paragraphs("item one")),
        content_type=HTML,
    )
    server.add("/feeds/forbidden.xml", b"no", status=403, content_type="text/plain")
    server.add("/feeds/gone.xml", b"gone", status=410, content_type="text/plain")


def _recorded(body: bytes, times: list[float]) -> Any:
    def route(handler: Any) -> bytes:
        times.append(time.monotonic())
        return body

    return route


SOURCES = [
    {"key": "bad_site", "kind": "listing", "url": "/bad/index", "link_pattern": "bad"},
    {"key": "html_feed", "kind": "feed", "url": "/feeds/html-error.xml"},
    {"key": "garbage_feed", "kind": "feed", "url": "/feeds/garbage.xml"},
    {"key": "broken_feed", "kind": "feed", "url": "/feeds/broken.xml"},
    {"key": "forbidden_feed", "kind": "feed", "url": "/feeds/forbidden.xml"},
    {"key": "gone_feed", "kind": "sitemap", "url": "/feeds/gone.xml"},
]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    server = LocalServer().start()
    retry_times: list[float] = []
    try:
        _serve(server, retry_times)
        run = CivwatchRun(tmp_path_factory.mktemp("bad"))
        run.write_sources([{**s, "url": server.url(s["url"])} for s in SOURCES])
        result = run.crawl(
            "--since",
            "2000-01-01",
            overrides={"DOWNLOAD_TIMEOUT": "1", "CIVWATCH_RETRY_AFTER_MAX": "30"},
            timeout=120,
        )
        db = Database.open(run.database_url, migrate=False)
        with db.sessions() as session:
            runs = {s.key: r for r, s in session.execute(select(SourceRun, Source).join(Source))}
            sources = {s.key: s for s in session.scalars(select(Source))}
            articles = {a.url.rsplit("/", 1)[-1]: a for a in session.scalars(select(Article))}
        db.close()
        yield Outcome(server, run, result, retry_times, runs, sources, articles)
    finally:
        server.stop()


def test_the_crawl_survives_and_exits_zero(outcome: Outcome) -> None:
    assert outcome.result.returncode == 0, outcome.result.stderr[-4000:]
    assert "Traceback" not in outcome.result.stderr
    assert "total: 6 source(s)" in outcome.result.stdout


def test_every_bad_page_has_a_counted_reason(outcome: Outcome) -> None:
    dropped = outcome.runs["bad_site"].dropped
    expected = {
        "not html": 2,  # binary, pdf
        "too large": 1,  # 21 MB over the 10 MB DOWNLOAD_MAXSIZE
        "http 403": 1,
        "http 404": 1,
        "http 410": 1,
        "http 500": 1,  # after its retries
        "http 429": 1,  # Retry-After: 3600 is not waited for…
        "skipped: rate limited": 1,  # …and is counted as such
        "redirect loop": 1,
        "skipped: robots.txt disallowed": 1,
        "timeout": 1,
        "no main text": 1,
        "skipped: not http(s)": 2,  # mailto:, javascript:
        "skipped: offsite": 1,  # another host: never resolved, never requested
    }
    assert dropped == expected
    run = outcome.runs["bad_site"]
    failures = sum(n for reason, n in expected.items() if not reason.startswith("skipped"))
    assert run.articles_failed == failures


def test_wrong_and_missing_charset_are_decoded_and_stored(outcome: Outcome) -> None:
    wrong = outcome.articles["wrong-charset"]
    assert "À Ségou, les habitants" in wrong.text
    missing = outcome.articles["no-charset"]
    assert "S\u00e9gou-2" in (missing.title or "") + missing.text


def test_429_waits_what_retry_after_asks_then_succeeds(outcome: Outcome) -> None:
    assert len(outcome.retry_times) == 2
    assert outcome.retry_times[1] - outcome.retry_times[0] >= 0.95
    assert "429-short" in outcome.articles


def test_500_is_retried_then_given_up(outcome: Outcome) -> None:
    assert outcome.server.fetched("/bad/500") == 3  # RETRY_TIMES = 2
    assert outcome.server.fetched("/bad/404") == 1  # a 404 is not retried
    assert outcome.server.fetched("/bad/429-long") == 1


def test_robots_disallowed_page_is_never_requested(outcome: Outcome) -> None:
    assert outcome.server.fetched("/bad/private") == 0
    assert outcome.server.fetched("/robots.txt") >= 1


def test_feed_that_is_an_html_error_page_flags_the_source(outcome: Outcome) -> None:
    source = outcome.sources["html_feed"]
    assert source.health == "failing"
    assert "html instead of xml" in (source.health_reason or "")
    assert "html instead of xml" in (outcome.runs["html_feed"].error or "")


def test_unreadable_and_partly_malformed_feeds(outcome: Outcome) -> None:
    garbage = outcome.sources["garbage_feed"]
    assert garbage.health == "warning"  # one bad run; failing after three
    assert "malformed xml" in (garbage.health_reason or "")
    broken = outcome.sources["broken_feed"]
    assert broken.health == "warning"
    assert broken.health_reason == "malformed xml (recovered)"
    assert "item-1" in outcome.articles  # what was readable was still crawled


@pytest.mark.parametrize(("key", "status"), [("forbidden_feed", 403), ("gone_feed", 410)])
def test_403_and_410_feeds_are_failing(outcome: Outcome, key: str, status: int) -> None:
    source = outcome.sources[key]
    assert source.health == "failing"
    assert f"http {status}" in (source.health_reason or "")
    assert source.consecutive_failures == 1
    assert source.last_success_at is None


def test_status_command_shows_the_flags(outcome: Outcome) -> None:
    result = outcome.run.invoke("status")
    assert result.returncode == 0, result.stderr
    assert re.search(r"html_feed\s+failing .*html instead of xml", result.stdout)
    assert re.search(r"bad_site\s+ok", result.stdout)


def test_sources_runs_command_lists_the_reasons(outcome: Outcome) -> None:
    result = outcome.run.invoke("sources", "runs", "bad_site", "html_feed")
    assert result.returncode == 0, result.stderr
    assert "bad_site (listing): ok" in result.stdout
    assert "redirect loop 1" in result.stdout and "timeout 1" in result.stdout
    assert "html_feed (feed): failing — html instead of xml" in result.stdout
    missing = outcome.run.invoke("sources", "runs", "no_such_source")
    assert missing.returncode == 1 and "no such source" in missing.stderr
