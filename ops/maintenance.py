"""The maintenance job's work: database vacuum/analyse, snapshot and HTTP-cache retention."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ops.runs import JobOutcome
from settings import Settings
from storage import Database
from storage.models import utcnow


def maintenance_work(settings: Settings, db: Database) -> JobOutcome:
    from sqlalchemy import text

    stats: dict[str, Any] = {}
    # VACUUM cannot run inside a transaction on either database.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM (ANALYZE)"))
        else:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.execute(text("VACUUM"))
            conn.execute(text("ANALYZE"))
    stats["vacuumed"] = db.engine.dialect.name
    removed = 0
    if settings.snapshot_retention_days > 0:
        removed = _prune_snapshots(settings, db)
    stats["snapshots_removed"] = removed
    stats["httpcache_removed"] = _prune_tree(
        settings.data_dir / "httpcache", settings.httpcache_retention_days
    )
    return JobOutcome("ok", stats)


def _prune_snapshots(settings: Settings, db: Database) -> int:
    """Delete old page snapshots of articles that no incident cites; returns files deleted.

    Snapshots are content-addressed and may be shared by several articles, so a
    file goes only when no article that keeps its snapshot refers to it.
    """
    from sqlalchemy import update

    from storage.models import Article, EvidenceMention

    snapshot_dir = settings.data_dir / "snapshots"
    cutoff = utcnow() - dt.timedelta(days=settings.snapshot_retention_days)
    cited = select(EvidenceMention.article_id)
    expired = (
        Article.snapshot_path.is_not(None),
        Article.fetched_at < cutoff,
        Article.id.not_in(cited),
    )
    removed = 0
    with db.sessions.begin() as session:
        candidates = set(session.scalars(select(Article.snapshot_path).where(*expired)))
        kept = set(
            session.scalars(
                select(Article.snapshot_path).where(
                    Article.snapshot_path.in_(candidates),
                    (Article.fetched_at >= cutoff) | Article.id.in_(cited),
                )
            )
        )
        for relpath in candidates - kept:
            path = snapshot_dir / str(relpath)
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
        session.execute(
            update(Article)
            .where(*expired, Article.snapshot_path.not_in(kept))
            .values(snapshot_path=None)
        )
    return removed


def _prune_tree(root: Path, days: int) -> int:
    """Delete files under ``root`` older than ``days``; returns how many."""
    if days <= 0 or not root.is_dir():
        return 0
    cutoff = time.time() - days * 86400
    removed = 0
    for path in sorted(root.rglob("*"), reverse=True):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        except OSError:
            continue
    return removed
