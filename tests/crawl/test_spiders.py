"""Every source kind end to end: discovery → PageItem → pipelines → stored article.

One real `civwatch crawl` subprocess crawls eight sources (RSS, Atom, UN News,
a gzipped sitemap index, a listing, ACLED analysis pages, the ReliefWeb API and
an ACLED API source without credentials) from a local HTTP server serving
recorded feeds (links re-pointed at 127.0.0.1), recorded news pages and
invented pages. Then the same crawl runs again: nothing is stored twice and no
stored URL is requested again. Expected values come from the fixture files.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage import Database
from storage.models import Article, Source, SourceRun
from tests.crawl.crawlkit import (
    CivwatchRun,
    article_html,
    fixture,
    invented_paragraphs,
    rehost,
)
from tests.localserver import LocalServer

NEWS = "news_html"
FIGARO = f"{NEWS}/fundus_fr_LeFigaro_2024_11_22.html.gz"
GLOBALNEWS = f"{NEWS}/fundus_ca_GlobalNews_2026_05_24.html.gz"


def _page(path: str) -> bytes:
    return article_html(f"Invented page {path}", invented_paragraphs(path.replace("/", " ")))


def _links(body: bytes, prefix: str) -> list[str]:
    """Local paths of ``prefix…`` links in a rehosted document (as written)."""
    pattern = re.escape(prefix.encode()) + rb"(/[^<\"\s]*)"
    return sorted({m.decode().split("#")[0] for m in re.findall(pattern, body)})


@dataclass
class World:
    server: LocalServer
    run: CivwatchRun
    first: Any
    second: Any
    first_requests: list[str]
    second_requests: list[str]
    reliefweb_posts: list[dict[str, Any]]
    items_first: list[dict[str, Any]]


def _serve(server: LocalServer, posts: list[dict[str, Any]]) -> None:
    base = server.base
    html = "text/html; charset=utf-8"
    # --- feed: RSS 2.0, French -------------------------------------------------
    rss = rehost(fixture("feeds/humanite_fr_rss_2019.xml"), {"https://www.humanite.fr": base})
    server.add("/humanite/rss.xml", rss, content_type="application/rss+xml")
    for path in _links(rss, base):
        if path not in ("/", "/humanite/rss.xml"):
            server.add(path, _page(path), content_type=html)
    # --- feed: Atom ---------------------------------------------------------------
    atom = rehost(fixture("feeds/heise_atom.xml"), {"http://www.heise.de": base + "/heise"})
    server.add("/heise/atom.xml", atom, content_type="application/atom+xml")
    for path in _links(atom, base):
        server.add(path.split("?")[0], _page(path), content_type=html)
    # --- un_news: the feed's links redirect to the story pages ------------------
    un = rehost(
        fixture("feeds/un_news_region_europe_rss_2022-04.xml"), {"https://news.un.org": base}
    )
    server.add(
        "/feed/subscribe/fr/news/region/europe/feed/rss.xml", un, content_type="application/rss+xml"
    )
    for path in _links(un, base + "/feed/view/en/story"):
        story = "/un/story" + path
        server.add("/feed/view/en/story" + path, b"", status=301, headers={"Location": story})
        server.add(story, _page(story), content_type=html)
    # --- sitemap: index → gzipped Google News urlset ----------------------------
    news_map = rehost(
        fixture("feeds/nytimes_news_sitemap_excerpt_2020-05.xml"),
        {"https://www.nytimes.com": base + "/nyt"},
    )
    server.add("/nyt/news.xml.gz", gzip.compress(news_map), content_type="application/gzip")
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/nyt/news.xml.gz</loc><lastmod>2020-05-19</lastmod></sitemap>"
        f"<sitemap><loc>{base}/nyt/old.xml</loc><lastmod>2001-01-01</lastmod></sitemap>"
        "<sitemap><loc>http://offsite.example.invalid/s.xml</loc></sitemap>"
        "</sitemapindex>"
    )
    server.add("/nyt/sitemap_index.xml", index, content_type="application/xml")
    server.add("/nyt/old.xml", b"<urlset/>", content_type="application/xml")
    for path in _links(news_map, base):
        server.add(path.strip(), _page(path), content_type=html)
    # --- listing: two index pages (max_pages 2) of a third; real pages ----------
    listing_pages = {
        "/site/news": ["/site/a/figaro", "/site/a/globalnews", "/site/about"],
        "/site/news?page=2": ["/site/a/invented-1", "ftp://127.0.0.1/site/a/ftp-file"],
        "/site/news?page=3": ["/site/a/never-reached"],
    }
    order = list(listing_pages)
    for i, (path, links) in enumerate(listing_pages.items()):
        anchors = "".join(f'<a href="{href}">link</a>' for href in links)
        if i + 1 < len(order):
            anchors += f'<a href="{order[i + 1]}">Next page</a>'
        server.add(path, f"<html><body>{anchors}</body></html>", content_type=html)
    server.add("/site/a/figaro", gzip.decompress(fixture(FIGARO)), content_type=html)
    server.add("/site/a/globalnews", gzip.decompress(fixture(GLOBALNEWS)), content_type=html)
    server.add("/site/a/invented-1", _page("/site/a/invented-1"), content_type=html)
    server.add("/site/a/never-reached", _page("/site/a/never-reached"), content_type=html)
    # --- acled_pages: a listing of dated analysis pages --------------------------
    server.add(
        "/acled/analysis/",
        '<html><body><a href="/acled/2024/05/10/regional-overview-africa-may-2024/">x</a>'
        '<a href="/acled/2024/05/17/regional-overview-africa-may-2024-2/">y</a>'
        '<a href="/acled/about-acled/">about</a></body></html>',
        content_type=html,
    )
    for slug in (
        "2024/05/10/regional-overview-africa-may-2024",
        "2024/05/17/regional-overview-africa-may-2024-2",
    ):
        path = f"/acled/{slug}/"
        server.add(path, _page(path), content_type=html)
    # --- reliefweb API: 3 reports over two pages; one without body ---------------
    reports = [
        {
            "id": 1,
            "fields": {
                "title": "Invented report one",
                "body": " ".join(invented_paragraphs("report one humanitarian access", 4)),
                "date": {"original": "2024-03-02T00:00:00+00:00"},
                "url_alias": f"{base}/rw/report/one",
                "source": [{"name": "Invented Agency"}],
                "language": [{"code": "en"}],
            },
        },
        {
            "id": 2,
            "fields": {
                "title": "Invented report two (no body)",
                "date": {"original": "2024-03-01T00:00:00+00:00"},
                "url_alias": f"{base}/rw/report/two",
                "source": [{"name": "Invented Agency"}],
            },
        },
        {
            "id": 3,
            "fields": {
                "title": "Invented report three",
                "body": " ".join(invented_paragraphs("report three displacement", 4)),
                "date": {"original": "2024-02-28T00:00:00+00:00"},
                "url": f"{base}/rw/node/3",
                "source": [{"name": "Other Invented Agency"}],
            },
        },
    ]
    server.add("/rw/report/two", _page("/rw/report/two"), content_type=html)

    def reliefweb(handler: Any) -> bytes:
        query = json.loads(handler.request_body or b"{}")
        posts.append({"path": handler.path, "query": query})
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 10))
        chunk = reports[offset : offset + limit]
        return json.dumps({"totalCount": len(reports), "count": len(chunk), "data": chunk}).encode()

    server.add("/v2/reports", reliefweb, content_type="application/json")
    # --- a feed with one item older than --since: never fetched ------------------
    old_feed = (
        "<rss version='2.0'><channel><title>t</title>"
        f"<item><title>Old</title><link>{base}/old/item</link>"
        "<pubDate>Mon, 01 Jan 2001 00:00:00 GMT</pubDate></item>"
        f"<item><title>Undated</title><link>{base}/old/undated</link></item>"
        "</channel></rss>"
    )
    server.add("/old/feed.xml", old_feed, content_type="application/rss+xml")
    server.add("/old/item", _page("/old/item"), content_type=html)
    server.add("/old/undated", _page("/old/undated"), content_type=html)


SOURCES: list[dict[str, Any]] = [
    {
        "key": "humanite",
        "kind": "feed",
        "url": "/humanite/rss.xml",
        "lang": "fr",
        "countries": ["ML"],
    },
    {"key": "heise", "kind": "feed", "url": "/heise/atom.xml", "lang": "auto"},
    {
        "key": "un_fr",
        "kind": "un_news",
        "url": "/feed/subscribe/fr/news/region/europe/feed/rss.xml",
    },
    {"key": "nyt_map", "kind": "sitemap", "url": "/nyt/sitemap_index.xml", "lang": "en"},
    {
        "key": "site",
        "kind": "listing",
        "url": "/site/news",
        "link_pattern": r"/site/a/",
        "next_pattern": r"[?&]page=\d+",
        "max_pages": 2,
    },
    {"key": "acled_analysis", "kind": "acled_pages", "url": "/acled/analysis/", "lang": "en"},
    {
        "key": "rw",
        "kind": "reliefweb",
        "url": "/v2/reports",
        "countries": ["ML", "BF"],
        "page_size": 2,
    },
    {"key": "acled", "kind": "acled_api", "url": "/acled-api/", "countries": ["ML"]},
    {"key": "oldfeed", "kind": "feed", "url": "/old/feed.xml"},
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = LocalServer().start()
    posts: list[dict[str, Any]] = []
    try:
        _serve(server, posts)
        run = CivwatchRun(tmp_path_factory.mktemp("spiders"))
        run.extra_env["CIVWATCH_RELIEFWEB_APPNAME"] = "civwatch-test"
        run.write_sources([{**s, "url": server.url(s["url"])} for s in SOURCES])
        first = run.crawl("--since", "2015-01-01")
        first_requests = [r.path for r in server.requests]
        items_first = run.collected()
        server.requests.clear()
        second = run.crawl("--since", "2015-01-01")
        second_requests = [r.path for r in server.requests]
        yield World(server, run, first, second, first_requests, second_requests, posts, items_first)
    finally:
        server.stop()


def _db(world: World) -> Database:
    return Database.open(world.run.database_url, migrate=False)


def _articles(world: World, key: str) -> list[Article]:
    db = _db(world)
    try:
        with db.sessions() as session:
            return list(
                session.scalars(
                    select(Article).join(Source).where(Source.key == key).order_by(Article.url)
                )
            )
    finally:
        db.close()


def _runs(world: World, key: str) -> list[SourceRun]:
    db = _db(world)
    try:
        with db.sessions() as session:
            return list(
                session.scalars(
                    select(SourceRun).join(Source).where(Source.key == key).order_by(SourceRun.id)
                )
            )
    finally:
        db.close()


def _items(world: World, key: str) -> list[dict[str, Any]]:
    return [i for i in world.items_first if i.get("source_key") == key]


def test_crawl_exits_zero_and_prints_a_summary(world: World) -> None:
    assert world.first.returncode == 0, world.first.stderr[-3000:]
    for key in ("humanite", "heise", "un_fr", "nyt_map", "site", "acled_analysis", "rw", "acled"):
        assert re.search(rf"^{key}\s+\d+", world.first.stdout, re.M), world.first.stdout
    assert "total: 9 source(s)" in world.first.stdout
    assert "[9/9]" in world.first.stderr


def test_rss_feed_items_are_fetched_and_stored_with_feed_metadata(world: World) -> None:
    items = _items(world, "humanite")
    assert len(items) == 10  # 10 <item>s in the recorded feed
    first = next(i for i in items if i["discovered_url"].endswith("-645745#xtor=RSS-1"))
    assert first["hint_title"].startswith("Emploi des handicapés")
    assert first["source_lang"] == "fr" and first["source_countries"] == ["ML"]
    stored = _articles(world, "humanite")
    assert len(stored) == 10
    assert all(a.snapshot_sha256 and a.http_status == 200 for a in stored)


def test_atom_feed(world: World) -> None:
    items = _items(world, "heise")
    assert len(items) == 15
    wildfly = next(i for i in items if "WildFly-10" in i["url"])
    assert wildfly["hint_published"] == "2016-02-01T16:22:00+00:00"
    assert len(_articles(world, "heise")) == 15


def test_un_news_follows_redirects_and_takes_language_from_feed_path(world: World) -> None:
    items = _items(world, "un_fr")
    assert len(items) == 30
    story = next(
        i for i in items if i["discovered_url"].endswith("/feed/view/en/story/2022/04/1115242")
    )
    assert story["url"] == world.server.url("/un/story/2022/04/1115242")
    assert story["source_lang"] == "fr"  # /subscribe/fr/ in the feed URL


def test_sitemap_index_gzip_and_google_news_fields(world: World) -> None:
    items = _items(world, "nyt_map")
    assert len(items) == 6
    titles = {i["hint_title"] for i in items}
    assert "I Didn’t Feel Parisian Until I Escaped Paris" in titles
    # The child sitemap with lastmod 2001 is older than --since: not fetched;
    # the one on another host is not followed.
    assert "/nyt/old.xml" not in world.first_requests
    run = _runs(world, "nyt_map")[0]
    assert run.dropped == {"skipped: older than window": 1, "skipped: offsite": 1}


def test_listing_follows_next_pages_up_to_max_pages_and_extracts_real_pages(world: World) -> None:
    items = _items(world, "site")
    urls = {i["url"] for i in items}
    assert urls == {
        world.server.url("/site/a/figaro"),
        world.server.url("/site/a/globalnews"),
        world.server.url("/site/a/invented-1"),
    }
    assert "/site/news?page=3" not in world.first_requests  # max_pages: 2
    assert "/site/about" not in world.first_requests  # not matching link_pattern
    figaro = next(a for a in _articles(world, "site") if a.url.endswith("/figaro"))
    assert figaro.title is not None and figaro.title.startswith("Guerre en Ukraine")
    assert figaro.language == "fr"
    (run,) = _runs(world, "site")[:1]
    assert run.dropped.get("skipped: not http(s)") == 1  # the ftp:// link


def test_acled_pages_listing(world: World) -> None:
    urls = sorted(i["url"] for i in _items(world, "acled_analysis"))
    assert urls == [
        world.server.url("/acled/2024/05/10/regional-overview-africa-may-2024/"),
        world.server.url("/acled/2024/05/17/regional-overview-africa-may-2024-2/"),
    ]


def test_reliefweb_api_paginates_uses_body_and_fetches_pages_without_body(world: World) -> None:
    assert [p["query"]["offset"] for p in world.reliefweb_posts[:2]] == [0, 2]
    first = world.reliefweb_posts[0]
    assert "appname=civwatch-test" in first["path"]
    conditions = first["query"]["filter"]["conditions"]
    assert {"field": "country.iso3", "value": ["bfa", "mli"], "operator": "OR"} in conditions
    items = {i["url"]: i for i in _items(world, "rw")}
    assert set(items) == {
        world.server.url("/rw/report/one"),
        world.server.url("/rw/report/two"),
        world.server.url("/rw/node/3"),
    }
    one = items[world.server.url("/rw/report/one")]
    assert one["hint_text"].startswith("Paragraph 1 about report one")
    assert one["hint_author"] == "Invented Agency"
    assert one["source_lang"] == "en"  # from the report's language (entry says auto)
    assert items[world.server.url("/rw/node/3")]["source_lang"] == "auto"
    assert "/rw/report/one" not in world.first_requests  # body came from the API
    assert world.first_requests.count("/rw/report/two") == 1  # no body: page fetched
    stored = {a.url: a for a in _articles(world, "rw")}
    assert stored[world.server.url("/rw/report/one")].published_at == dt.datetime(
        2024, 3, 2, tzinfo=dt.UTC
    )


def test_acled_api_without_credentials_is_skipped_once_not_failed(world: World) -> None:
    stderr = world.first.stderr
    assert stderr.count("ACLED credentials not set (CIVWATCH_ACLED_USERNAME/PASSWORD)") == 1
    assert not any(p.startswith("/acled-api") for p in world.first_requests)
    db = _db(world)
    try:
        with db.sessions() as session:
            source = session.scalars(select(Source).where(Source.key == "acled")).one()
            assert source.health == "warning"
            assert "not configured" in (source.health_reason or "")
    finally:
        db.close()


def test_items_older_than_since_are_not_fetched(world: World) -> None:
    assert "/old/item" not in world.first_requests
    assert "/old/undated" in world.first_requests  # undated items are kept
    (run, _) = _runs(world, "oldfeed")
    assert run.dropped.get("skipped: older than window") == 1


def test_user_agent_names_civwatch_and_contact(world: World) -> None:
    agents = {r.headers.get("User-Agent") for r in world.server.requests}
    assert agents and all(a and a.startswith("civwatch/") for a in agents)
    assert all("mailto:test@example.invalid" in (a or "") for a in agents)


def test_source_runs_count_requests_and_outcomes(world: World) -> None:
    first, _ = _runs(world, "humanite")
    assert first.responses_by_status.get("200", 0) >= 11  # feed + 10 pages
    assert first.articles_new + first.articles_duplicate + first.articles_irrelevant == 10
    assert first.articles_failed == 0
    assert first.job_run_id is not None


def test_second_crawl_stores_nothing_twice_and_requests_no_stored_url(world: World) -> None:
    assert world.second.returncode == 0, world.second.stderr[-3000:]
    db = _db(world)
    try:
        with db.sessions() as session:
            urls = list(session.scalars(select(Article.url)))
    finally:
        db.close()
    assert len(urls) == len(set(urls))
    discovery = {
        "/robots.txt",
        "/v2/reports?appname=civwatch-test",
        "/site/news",
        "/site/news?page=2",
        "/acled/analysis/",
    }
    article_paths = {
        p
        for p in world.first_requests
        if not p.endswith((".xml", ".xml.gz", "/feed/rss.xml")) and p not in discovery
    }
    # A link that redirects is stored under its final URL, so only the redirect
    # hop (no body) is requested again; the page itself is not.
    hops = {p for p in article_paths if p.startswith("/feed/view/")}
    assert len(hops) == 30
    assert len(article_paths - hops) > 60  # the first crawl did fetch article pages
    refetched = (article_paths - hops) & set(world.second_requests)
    assert not refetched
    # Feeds are asked again (conditional GET is exercised in test_incremental).
    assert "/humanite/rss.xml" in world.second_requests
    second = _runs(world, "humanite")[1]
    assert second.requests == 2  # robots.txt and the feed: stored pages are not requested
    assert second.articles_new == 0
    assert second.dropped == {"skipped: already stored": 10}
    rw_second = _runs(world, "rw")[1]
    assert rw_second.articles_new == 0
    assert rw_second.dropped.get("skipped: already stored") == 3


def test_status_shows_source_health(world: World, tmp_path: Path) -> None:
    result = world.run.invoke("status")
    assert result.returncode == 0, result.stderr
    assert re.search(r"humanite\s+ok", result.stdout)
    assert re.search(r"acled\s+warning", result.stdout)
