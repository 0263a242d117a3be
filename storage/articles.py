"""Article repository: seen-URL checks, storing extracted pages, duplicate look-ups.

Used at crawl time by the seen-URL middleware (``url_seen`` / ``urls_seen``,
before a request is made) and by the store pipeline (``add_article``). Every
function takes a ``Session`` and leaves committing to the caller, so one
article is one transaction (``with db.sessions.begin() as session: ...``).

Page snapshots are content-addressed gzip files under
``<data_dir>/snapshots/<sha256[:2]>/<sha256>.html.gz``; the row keeps the hash
of the page bytes and the path relative to the snapshot directory, so the data
directory can move.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from storage.models import Article, Source

# Keep IN lists well under SQLite's bound-parameter limit (two lists per query).
_CHUNK = 400
# Fast compression: snapshots are written at crawl time (extraction stage, maybe a worker);
# level 1 costs a third of level 6 for files ~15 % larger.
SNAPSHOT_GZIP_LEVEL = 1
# add_article(source_id=LOOK_UP): find the source by the item's key (None is a real
# answer: a source missing from the table).
LOOK_UP = object()


class ArticleLike(Protocol):
    """What the store needs from a crawled page (``spiders.items.PageItem``)."""

    source_key: str
    url: str
    http_status: int
    body: bytes
    fetched_at: dt.datetime
    canonical_url: str | None
    title: str | None
    author: str | None
    text: str | None
    language: str | None
    published_at: dt.datetime | None
    content_hash: str | None
    near_dup_signature: bytes | None
    duplicate_of: int | None
    relevance_score: float | None
    relevance_reason: str | None
    status: str
    status_reason: str | None


def url_seen(session: Session, url: str) -> bool:
    """True when ``url`` is already stored, as a fetched URL or a canonical URL."""
    stmt = select(Article.id).where(or_(Article.url == url, Article.canonical_url == url)).limit(1)
    return session.execute(stmt).first() is not None


@lru_cache(maxsize=1)
def seen_urls_query() -> Select[str, str]:
    """Stored (url, canonical_url) pairs matching the bound list ``urls``; both
    columns are indexed. Built once: the crawl asks it before every request."""
    urls: BindParameter[list[str]] = bindparam("urls", expanding=True)
    return select(Article.url, Article.canonical_url).where(
        or_(Article.url.in_(urls), Article.canonical_url.in_(urls))
    )


def urls_seen(session: Session, urls: Iterable[str]) -> set[str]:
    """The subset of ``urls`` already stored (as fetched or canonical URLs)."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(seen_urls_query(), {"urls": chunk})
        chunk_set = set(chunk)
        for url, canonical in rows:
            found.update({url, canonical} & chunk_set)
    return found


def source_id_for(session: Session, key: str) -> int | None:
    """The id of the source with ``key``, or None when it is not in the table."""
    return session.scalar(select(Source.id).where(Source.key == key))


def find_by_hash(session: Session, content_hash: str) -> int | None:
    """The id of the earliest stored original (not itself a duplicate) with this text hash."""
    return session.scalar(original_query(), {"content_hash": content_hash})


@lru_cache(maxsize=1)
def original_query() -> Select[int]:
    """The first original with the bound ``content_hash``; answered from a partial
    index (migration 0003). Built once: the crawl asks it for every page."""
    return (
        select(Article.id)
        .where(Article.content_hash == bindparam("content_hash"), Article.duplicate_of.is_(None))
        .order_by(Article.id)
        .limit(1)
    )


def recent_signatures(
    session: Session, since: dt.datetime | None = None, limit: int = 50_000
) -> list[tuple[int, bytes]]:
    """(id, near-duplicate signature) of recent originals, newest first.

    Warms the near-duplicate index at crawl start: only originals are indexed,
    so a syndicated copy points at the first outlet that carried it.
    """
    stmt = select(Article.id, Article.near_dup_signature).where(
        Article.near_dup_signature.is_not(None), Article.duplicate_of.is_(None)
    )
    if since is not None:
        stmt = stmt.where(Article.fetched_at >= since)
    stmt = stmt.order_by(Article.id.desc()).limit(limit)
    return [(row_id, bytes(sig)) for row_id, sig in session.execute(stmt) if sig is not None]


@dataclass(frozen=True)
class Snapshot:
    sha256: str
    relpath: str  # relative to the snapshot directory


def write_snapshot(snapshot_dir: Path, body: bytes) -> Snapshot:
    """Keep ``body`` as a gzip file named by its sha256 (idempotent, atomic)."""
    digest = hashlib.sha256(body).hexdigest()
    relpath = f"{digest[:2]}/{digest}.html.gz"
    target = snapshot_dir / relpath
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a killed process never leaves a truncated snapshot
        # under the name that claims its hash.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with (
                os.fdopen(fd, "wb") as raw,
                gzip.GzipFile(
                    fileobj=raw, mode="wb", compresslevel=SNAPSHOT_GZIP_LEVEL, mtime=0
                ) as gz,
            ):
                gz.write(body)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return Snapshot(digest, relpath)


def read_snapshot(snapshot_dir: Path, article: Article) -> bytes:
    """The stored page bytes of ``article``; ValueError if missing or its hash differs."""
    if not article.snapshot_path or not article.snapshot_sha256:
        raise ValueError(f"article {article.id} has no snapshot")
    body = gzip.decompress((snapshot_dir / article.snapshot_path).read_bytes())
    if hashlib.sha256(body).hexdigest() != article.snapshot_sha256:
        raise ValueError(f"snapshot of article {article.id} does not match its hash")
    return body


def add_article(
    session: Session,
    item: ArticleLike,
    snapshot_dir: Path | None,
    *,
    source_id: int | object | None = LOOK_UP,
) -> Article:
    """Insert one extracted page (and its snapshot when ``snapshot_dir`` is given).

    Raises ``sqlalchemy.exc.IntegrityError`` at flush when the canonical URL is
    already stored; the caller's transaction then rolls back and the store
    pipeline counts it as "already stored".
    """
    snapshot = write_snapshot(snapshot_dir, item.body) if snapshot_dir and item.body else None
    if source_id is LOOK_UP:
        source_id = source_id_for(session, item.source_key)
    assert source_id is None or isinstance(source_id, int)
    article = Article(
        source_id=source_id,
        url=item.url,
        canonical_url=item.canonical_url or item.url,
        title=item.title,
        author=item.author,
        text=item.text or "",
        language=item.language,
        published_at=item.published_at,
        fetched_at=item.fetched_at,
        content_hash=item.content_hash,
        near_dup_signature=item.near_dup_signature,
        duplicate_of=item.duplicate_of,
        relevance_score=item.relevance_score,
        relevance_reason=item.relevance_reason,
        status=item.status,
        status_reason=item.status_reason,
        http_status=item.http_status,
        snapshot_sha256=snapshot.sha256 if snapshot else None,
        snapshot_path=snapshot.relpath if snapshot else None,
    )
    session.add(article)
    session.flush()
    return article


def articles_by_ids(session: Session, ids: Sequence[int]) -> list[Article]:
    """Articles with these ids, in id order."""
    if not ids:
        return []
    return list(session.scalars(select(Article).where(Article.id.in_(ids)).order_by(Article.id)))
