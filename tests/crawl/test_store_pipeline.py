"""(600) The store pipeline, and the whole pipeline chain in a real crawl."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import func, select

from pipelines.store import StorePipeline
from spiders.items import ReferenceEventItem
from storage import Database
from storage.models import Article, ReferenceEvent, Source, SourceRun
from tests.crawl.crawlkit import CivwatchRun
from tests.crawl.recorded_pages import entry, extracted, page_bytes
from tests.localserver import LocalServer

PAGE = "scrapinghub_aljazeera.com_7916ecca96"


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def count(db: Database, model: type) -> int:
    with db.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_store_then_already_stored(db: Database, tmp_path: Path) -> None:
    with db.sessions.begin() as session:
        session.add(Source(key="test", name="Test", kind="feed", url="http://127.0.0.1/f"))
    store = StorePipeline(url_of(db), tmp_path / "snapshots")
    store.open_spider()
    try:
        item = extracted(entry(PAGE))
        assert store.process_item(item) is item
        again = extracted(entry(PAGE))
        again.url = again.url + "?utm_source=rss"  # same canonical URL
        with pytest.raises(DropItem, match=r"^already stored$"):
            store.process_item(again)
    finally:
        store.close_spider()
    assert count(db, Article) == 1
    with db.sessions.begin() as session:
        article = session.scalars(select(Article)).one()
        assert article.source is not None and article.source.key == "test"
        assert article.title == item.title and article.text == item.text
        body = page_bytes(entry(PAGE))
        assert article.snapshot_sha256 == hashlib.sha256(body).hexdigest()
        assert article.snapshot_path is not None
        snapshot = tmp_path / "snapshots" / article.snapshot_path
    assert gzip.decompress(snapshot.read_bytes()) == body


def test_unwritable_snapshot_dir_is_store_failed_and_nothing_half_stored(
    sqlite_db: Database, tmp_path: Path
) -> None:
    blocker = tmp_path / "snapshots"
    blocker.write_text("a file where the snapshot directory should be")
    store = StorePipeline(url_of(sqlite_db), blocker)
    store.open_spider()
    try:
        with pytest.raises(DropItem, match=r"^store failed$"):
            store.process_item(extracted(entry(PAGE)))
    finally:
        store.close_spider()
    assert count(sqlite_db, Article) == 0


def test_reference_events_are_upserted(db: Database, tmp_path: Path) -> None:
    store = StorePipeline(url_of(db), tmp_path / "snapshots")
    store.open_spider()
    try:
        event = ReferenceEventItem(
            dataset="acled",
            external_id="TEST1",
            event_date=dt.date(2024, 3, 1),
            country="ML",
            location="Invented place",
            fatalities=3,
        )
        assert store.process_item(event) is event
        event.fatalities = 4  # the dataset revised its coding
        store.process_item(event)
    finally:
        store.close_spider()
    with db.sessions.begin() as session:
        rows = session.scalars(select(ReferenceEvent)).all()
        assert [(r.external_id, r.fatalities) for r in rows] == [("TEST1", 4)]


def _rss(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>{base}{p}</link>"
        f"<pubDate>{dt.datetime.now(dt.UTC):%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        for i, p in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test feed</title><link>{base}/</link><description>t</description>"
        f"{items}</channel></rss>"
    ).encode()


def test_real_crawl_outcomes_are_stored_and_counted(
    http_server: LocalServer, tmp_path: Path
) -> None:
    """A crawl through every pipeline: each page gets its named outcome and count.

    (Re-running a crawl is covered in test_spiders.py.)
    """
    html = "text/html; charset=utf-8"
    wire = page_bytes(entry(PAGE))
    french = page_bytes(entry("fundus_fr_LeFigaro_2024_11_22"))
    pages = {
        "/news/wire": (wire, html),
        "/copy/wire-again": (wire, html),  # the same story on another path
        "/news/french-latin1-header": (french, "text/html; charset=iso-8859-1"),
        "/news/german": (page_bytes(entry("fundus_de_JungeWelt_2026_05_18")), html),
        "/news/markets": (page_bytes(entry("scrapinghub_reuters.com_57d46c9d75")), html),
        "/files/report.pdf": (b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n", "application/pdf"),
        "/news/empty": (b"<html><body><p>Soon.</p></body></html>", html),
    }
    for path, (body, content_type) in pages.items():
        http_server.add(path, body, content_type=content_type)
    http_server.add("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
    http_server.add(
        "/feed.xml", _rss(http_server.base, list(pages)), content_type="application/rss+xml"
    )
    run = CivwatchRun(tmp_path)
    run.write_sources(
        [
            {
                "key": "local",
                "name": "Local",
                "kind": "feed",
                "url": f"{http_server.base}/feed.xml",
                "lang": "auto",
                "countries": ["ML"],
            }
        ]
    )
    first = run.crawl()
    assert first.returncode == 0, first.stderr[-3000:]
    db = Database.open(run.database_url)
    try:
        with db.sessions.begin() as session:
            stored = {
                a.url.removeprefix(http_server.base): a for a in session.scalars(select(Article))
            }
            assert set(stored) == {
                "/news/wire",
                "/copy/wire-again",
                "/news/french-latin1-header",
                "/news/german",
                "/news/markets",
            }
            wire_row = stored["/news/wire"]
            copy_row = stored["/copy/wire-again"]
            # Either may be fetched first; the later one points at the earlier.
            original, copy = sorted((wire_row, copy_row), key=lambda a: a.id)
            assert (original.status, copy.status) == ("new", "duplicate")
            assert copy.duplicate_of == original.id
            assert stored["/news/german"].status == "foreign_language"
            assert stored["/news/markets"].status == "irrelevant"
            french_row = stored["/news/french-latin1-header"]
            assert french_row.status == "new" and "échouer" in french_row.text
            assert all(a.snapshot_sha256 for a in stored.values())
            run_row = session.scalars(select(SourceRun)).one()
            assert run_row.dropped.get("not html") == 1
            assert run_row.dropped.get("no main text") == 1
    finally:
        db.close()
