"""(600) Store: one transaction per article, the fetched page kept as evidence.

An article whose canonical URL is already stored (a re-run, or two links to
one page racing through the crawl) is dropped as "already stored" — counted,
not a crash. A database or disk failure drops the item as "store failed" and
leaves nothing half-written: the URL is not stored, so the next run fetches it
again. Reference events (ACLED, UCDP) are upserted by (dataset, external_id).
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from settings import from_scrapy_settings
from spiders.items import PageItem, ReferenceEventItem
from storage import Database
from storage.articles import add_article, source_id_for
from storage.reference import upsert_event

log = logging.getLogger(__name__)


class StorePipeline:
    """(600) Inserts articles (with snapshots) and upserts reference events."""

    def __init__(self, db_url: str, snapshot_dir: Path, *, migrate: bool = True) -> None:
        self.db_url = db_url
        self.migrate = migrate
        self.snapshot_dir = snapshot_dir
        self.db: Database | None = None
        self.source_ids: dict[str, int | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = from_scrapy_settings(crawler.settings)
        # `civwatch crawl` migrates once before the crawl and says so.
        migrate = crawler.settings.getbool("CIVWATCH_MIGRATE", True)
        return cls(settings.db_url, settings.data_dir / "snapshots", migrate=migrate)

    def open_spider(self) -> None:
        self.db = Database.open(self.db_url, migrate=self.migrate)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def process_item(self, item: object) -> object:
        if isinstance(item, PageItem):
            return self.store_page(item)
        if isinstance(item, ReferenceEventItem):
            return self.store_reference(item)
        return item

    def store_page(self, item: PageItem) -> PageItem:
        assert self.db is not None, "open_spider was not called"
        try:
            with self.db.sessions.begin() as session:
                if item.source_key not in self.source_ids:
                    self.source_ids[item.source_key] = source_id_for(session, item.source_key)
                add_article(
                    session, item, self.snapshot_dir, source_id=self.source_ids[item.source_key]
                )
        except IntegrityError:
            raise DropItem("already stored") from None
        except (SQLAlchemyError, OSError) as exc:
            log.error("cannot store %s: %s", item.url, exc)
            raise DropItem("store failed") from exc
        return item

    def store_reference(self, item: ReferenceEventItem) -> ReferenceEventItem:
        assert self.db is not None, "open_spider was not called"
        try:
            with self.db.sessions.begin() as session:
                upsert_event(session, item)
        except SQLAlchemyError as exc:
            log.error("cannot store %s event %s: %s", item.dataset, item.external_id, exc)
            raise DropItem("store failed") from exc
        return item
