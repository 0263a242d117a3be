"""storage.articles on SQLite and PostgreSQL: seen URLs, snapshots, re-stores."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from spiders.items import PageItem
from storage import Database
from storage.articles import (
    add_article,
    find_by_hash,
    original_query,
    read_snapshot,
    recent_signatures,
    seen_urls_query,
    url_seen,
    urls_seen,
    write_snapshot,
)
from storage.models import Article, Source

FETCHED = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def page(url: str, canonical: str | None = None, body: bytes = b"<html>x</html>") -> PageItem:
    return PageItem(
        source_key="src",
        url=url,
        discovered_url=url,
        http_status=200,
        body=body,
        fetched_at=FETCHED,
        canonical_url=canonical,
        text="Some text.",
        content_hash="a" * 64,
    )


def add_source(db: Database) -> int:
    with db.sessions.begin() as session:
        source = Source(key="src", name="Src", kind="feed", url="http://127.0.0.1/feed")
        session.add(source)
        session.flush()
        return source.id


def test_url_seen_checks_fetched_and_canonical_urls(db: Database, tmp_path: Path) -> None:
    add_source(db)
    with db.sessions.begin() as session:
        add_article(session, page("http://a.test/x?utm_source=rss", "http://a.test/x"), None)
    with db.sessions.begin() as session:
        assert url_seen(session, "http://a.test/x?utm_source=rss")
        assert url_seen(session, "http://a.test/x")
        assert not url_seen(session, "http://a.test/y")
        many = [f"http://a.test/{i}" for i in range(1000)] + ["http://a.test/x"]
        assert urls_seen(session, many) == {"http://a.test/x"}


def test_article_gets_its_source_and_fields(db: Database, tmp_path: Path) -> None:
    source_id = add_source(db)
    item = page("http://a.test/1", "http://a.test/1")
    item.status = "irrelevant"
    item.status_reason = "no conflict terms"
    with db.sessions.begin() as session:
        article_id = add_article(session, item, tmp_path / "snapshots").id
    with db.sessions.begin() as session:
        row = session.get(Article, article_id)
        assert row is not None
        assert row.source_id == source_id
        assert row.status == "irrelevant"
        assert row.status_reason == "no conflict terms"
        assert row.http_status == 200
        assert row.fetched_at == FETCHED
        assert find_by_hash(session, "a" * 64) == article_id


def test_same_canonical_url_twice_is_an_integrity_error_and_nothing_half_stored(
    db: Database, tmp_path: Path
) -> None:
    add_source(db)
    with db.sessions.begin() as session:
        add_article(session, page("http://a.test/1?ref=x", "http://a.test/1"), None)
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        add_article(session, page("http://a.test/1?ref=y", "http://a.test/1"), None)
    with db.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1


def test_snapshot_is_gzip_named_by_the_page_hash(db: Database, tmp_path: Path) -> None:
    add_source(db)
    body = "<html><body>Café à Mopti</body></html>".encode()
    snapshots = tmp_path / "snapshots"
    with db.sessions.begin() as session:
        article = add_article(session, page("http://a.test/s", body=body), snapshots)
    expected = hashlib.sha256(body).hexdigest()
    assert article.snapshot_sha256 == expected
    path = snapshots / expected[:2] / f"{expected}.html.gz"
    assert article.snapshot_path == f"{expected[:2]}/{expected}.html.gz"
    assert gzip.decompress(path.read_bytes()) == body
    assert read_snapshot(snapshots, article) == body
    # Tampering with the stored evidence is detected.
    path.write_bytes(gzip.compress(b"something else"))
    with pytest.raises(ValueError, match="does not match"):
        read_snapshot(snapshots, article)


def test_write_snapshot_is_idempotent(tmp_path: Path) -> None:
    first = write_snapshot(tmp_path, b"abc")
    second = write_snapshot(tmp_path, b"abc")
    assert first == second
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{first.sha256}.html.gz"]


def test_recent_signatures_only_originals(db: Database) -> None:
    add_source(db)
    with db.sessions.begin() as session:
        original = page("http://a.test/o")
        original.near_dup_signature = b"\x01" * 16
        first = add_article(session, original, None).id
        copy = page("http://b.test/c")
        copy.near_dup_signature = b"\x02" * 16
        copy.duplicate_of = first
        copy.status = "duplicate"
        add_article(session, copy, None)
        add_article(session, page("http://c.test/nosig"), None)
    with db.sessions.begin() as session:
        assert recent_signatures(session) == [(first, b"\x01" * 16)]


def _plan(db: Database, stmt: Any) -> str:
    """The query plan of ``stmt`` as the database would run it on a large table."""
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            return " ".join(
                str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            )
        # A few rows make any plan cheap; ask what an index can do.
        conn.exec_driver_sql("SET enable_seqscan = off")
        return " ".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))


def test_crawl_lookups_use_indexes(db: Database) -> None:
    # Asked before every request and for every page: a table scan would read
    # every stored article's text (migration 0003).
    seen = seen_urls_query().params(urls=["http://a.test/x", "http://a.test/y"])
    original = original_query().params(content_hash="a" * 64)
    seen_plan, original_plan = _plan(db, seen), _plan(db, original)
    assert "ix_articles_url" in seen_plan, seen_plan
    assert "ix_articles_original_hash" in original_plan, original_plan
    assert "SCAN articles" not in seen_plan + original_plan
    assert "Seq Scan" not in seen_plan + original_plan
